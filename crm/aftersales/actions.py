"""整改措施/预防措施 services (handbook 002): raised from a complaint or the monthly report with an owner and
a deadline, approved by the general manager (never by the person who raised it), carried out by the
owner under the manager's supervision, and closed with the result and its evidence.

The approval rule: the GM approves, or sends the measure back with a comment (退回修改) for its owner
to correct and resubmit. A measure the GM raised is approved by the store's service manager (who
supervises every measure, handbook 002), never by the GM. Each step notifies in-app: the approver when
a measure waits, the owner (and who raised it) when it is approved or sent back, with a link to
their measures, and the GM when it is done."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tenants.errors import Conflict, DomainError
from tenants.models import StoreMembership, StoreRole
from tenants.roles import Perm, role_allows
from tenants.selectors import store_members
from tenants.staff import store_staff_member

from ..models.aftersales import (
    ActionKind,
    ActionSource,
    ActionStatus,
    Complaint,
    CorrectiveAction,
    Notification,
)
from ..notifications import notify
from .policy import current_store


def _member_of_store(user_id: int) -> bool:
    return store_staff_member(user_id) is not None


@transaction.atomic
def corrective_action_create(
    *, member: StoreMembership, kind: str, source: str, description: str, owner_id: int | None,
    deadline: dt.date | None, complaint: Complaint | None = None, report_month: dt.date | None = None,
) -> CorrectiveAction:
    """制定整改/预防措施: what, who is responsible, by when; it waits for the GM's approval."""
    if not role_allows(member.role, Perm.COMPLAINTS):
        raise DomainError(gettext("只有客服、服务经理和总经理可以制定整改措施。"))
    if kind not in ActionKind.values:
        raise DomainError(gettext("请选择措施类型：整改措施或预防措施。"), field="kind")
    if source not in ActionSource.values:
        raise DomainError(gettext("请选择措施来源：投诉或回访月报。"), field="source")
    if source == ActionSource.COMPLAINT and complaint is None:
        raise DomainError(gettext("来源为投诉的措施须关联一条投诉。"), field="complaint")
    if source == ActionSource.MONTHLY_REPORT and report_month is None:
        raise DomainError(gettext("来源为回访月报的措施须注明月报月份。"), field="report_month")
    if not description.strip():
        raise DomainError(gettext("请填写措施内容。"), field="description")
    if owner_id is None or not _member_of_store(owner_id):
        raise DomainError(gettext("请选择本店在职员工作为责任人。"), field="owner_id")
    if deadline is None:
        raise DomainError(gettext("请填写完成期限。"), field="deadline")
    if deadline < timezone.localdate():
        raise DomainError(gettext("完成期限不能早于今天。"), field="deadline")
    approver = StoreRole.SERVICE_MANAGER if member.role == StoreRole.GENERAL_MANAGER else StoreRole.GENERAL_MANAGER
    action = CorrectiveAction.objects.create(
        approver_role=approver, kind=kind, source=source, complaint=complaint if source == ActionSource.COMPLAINT else None,
        report_month=report_month.replace(day=1) if report_month and source == ActionSource.MONTHLY_REPORT else None,
        description=description.strip(), owner_id=owner_id, deadline=deadline, raised_by_id=member.user_id,
    )
    _notify(action, _role_users(action.approver_role), exclude=member.user_id,
            title=gettext("%(kind)s待批准：%(what)s") % {"kind": action.get_kind_display(), "what": description[:40]})
    return action


def _role_users(role: str) -> list[int]:
    return [m.user_id for m in store_members(current_store().pk, roles=(role,))]


def _notify(action: CorrectiveAction, recipients: list[int], *, title: str, body: str = "",
            exclude: int | None = None) -> None:
    """站内通知 about a measure; the notifications page links it to the recipient's measures."""
    notify([Notification(recipient_id=uid, kind="action", action=action, title=title, body=body)
            for uid in dict.fromkeys(recipients)], exclude=exclude)


def _approver_check(member: StoreMembership, action: CorrectiveAction) -> None:
    if action.raised_by_id == member.user_id:
        who = gettext("服务经理") if action.approver_role == StoreRole.SERVICE_MANAGER else gettext("总经理")
        raise DomainError(gettext("不能批准自己提出的整改措施：该措施由%(who)s审批。") % {"who": who})
    if member.role != action.approver_role:
        if action.approver_role == StoreRole.SERVICE_MANAGER:
            raise DomainError(gettext("总经理提出的措施由服务经理审批。"))
        raise DomainError(gettext("整改措施须由总经理批准。"))


@transaction.atomic
def corrective_action_approve(*, member: StoreMembership, action: CorrectiveAction,
                              comment: str = "") -> CorrectiveAction:
    """总经理批准: the approver (the GM; the service manager for a measure the GM raised), never the
    person who raised it. The owner and the raiser are told, with a link to their measures."""
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    _approver_check(member, action)
    if action.status != ActionStatus.PROPOSED:
        raise Conflict(gettext("该措施当前为「%(status)s」，无需批准。") % {"status": action.get_status_display()})
    action.status, action.approved_by_id, action.approved_at = ActionStatus.APPROVED, member.user_id, timezone.now()
    action.review_comment = comment.strip()[:2000]
    action.save(update_fields=["status", "approved_by_id", "approved_at", "review_comment"])
    _notify(action, [action.owner_id, action.raised_by_id], exclude=member.user_id,
            title=gettext("%(kind)s已批准，请落实：%(what)s") % {"kind": action.get_kind_display(),
                                                          "what": action.description[:40]},
            body=action.review_comment)
    return action


@transaction.atomic
def corrective_action_return(*, member: StoreMembership, action: CorrectiveAction, comment: str) -> CorrectiveAction:
    """退回修改: the approver sends the measure back with what to change; its owner corrects it."""
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    _approver_check(member, action)
    if action.status != ActionStatus.PROPOSED:
        raise Conflict(gettext("该措施当前为「%(status)s」，不能退回。") % {"status": action.get_status_display()})
    if not comment.strip():
        raise DomainError(gettext("退回时请写明需要修改的地方。"), field="comment")
    action.status, action.review_comment = ActionStatus.RETURNED, comment.strip()[:2000]
    action.save(update_fields=["status", "review_comment"])
    _notify(action, [action.owner_id, action.raised_by_id], exclude=member.user_id,
            title=gettext("%(kind)s被退回修改：%(what)s") % {"kind": action.get_kind_display(),
                                                       "what": action.description[:40]},
            body=action.review_comment)
    return action


@transaction.atomic
def corrective_action_revise(*, member: StoreMembership, action: CorrectiveAction, description: str,
                             deadline: dt.date | None) -> CorrectiveAction:
    """修改后重新提交: the owner (or who raised it) corrects a measure sent back; it waits for approval again."""
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if member.user_id not in (action.owner_id, action.raised_by_id):
        raise DomainError(gettext("只有责任人或提出人可以修改该措施。"))
    if action.status != ActionStatus.RETURNED:
        raise Conflict(gettext("只有被退回的措施可以修改后重新提交。"))
    if not description.strip():
        raise DomainError(gettext("请填写措施内容。"), field="description")
    if deadline is None:
        raise DomainError(gettext("请填写完成期限。"), field="deadline")
    if deadline < timezone.localdate():
        raise DomainError(gettext("完成期限不能早于今天。"), field="deadline")
    action.description, action.deadline, action.status = description.strip(), deadline, ActionStatus.PROPOSED
    action.save(update_fields=["description", "deadline", "status"])
    _notify(action, _role_users(action.approver_role), exclude=member.user_id,
            title=gettext("%(kind)s已修改，待批准：%(what)s") % {"kind": action.get_kind_display(),
                                                        "what": action.description[:40]})
    return action


@transaction.atomic
def corrective_action_complete(*, member: StoreMembership, action: CorrectiveAction, result: str,
                               evidence: str = "") -> CorrectiveAction:
    """落实完成: the owner (or a supervising manager) reports the result and its evidence."""
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if action.owner_id != member.user_id and not (
            role_allows(member.role, Perm.SUPERVISE) or role_allows(member.role, Perm.APPROVE_ACTIONS)):
        raise DomainError(gettext("只有责任人或负责监督的经理可以填报完成情况。"))
    if action.status in (ActionStatus.PROPOSED, ActionStatus.RETURNED):
        raise Conflict(gettext("该措施尚未经总经理批准，不能填报完成。"))
    if action.status == ActionStatus.DONE:
        raise Conflict(gettext("该措施已完成。"))
    if not result.strip():
        raise DomainError(gettext("请填写执行结果。"), field="result")
    if not evidence.strip():
        raise DomainError(gettext("请填写佐证材料（如照片编号、培训签到表、检查记录）。"), field="evidence")
    action.status, action.result, action.evidence = ActionStatus.DONE, result.strip(), evidence.strip()
    action.completed_at, action.completed_by_id = timezone.now(), member.user_id
    action.save(update_fields=["status", "result", "evidence", "completed_at", "completed_by_id"])
    # 执行情况及时上报总经理 (handbook 002); the approver, if not the GM, is told too.
    _notify(action, [*_role_users(StoreRole.GENERAL_MANAGER), *_role_users(action.approver_role)],
            exclude=member.user_id,
            title=gettext("%(kind)s已完成：%(what)s") % {"kind": action.get_kind_display(),
                                                   "what": action.description[:40]},
            body=action.result)
    return action
