"""整改措施/预防措施 services (seed 002): raised from a complaint or the monthly report with an owner and
a deadline, approved by the general manager (never by the person who raised it), carried out by the
owner under the manager's supervision, and closed with the result and its evidence."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

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
        raise DomainError("只有客服、服务经理和总经理可以制定整改措施。")
    if kind not in ActionKind.values:
        raise DomainError("请选择措施类型：整改措施或预防措施。", field="kind")
    if source not in ActionSource.values:
        raise DomainError("请选择措施来源：投诉或回访月报。", field="source")
    if source == ActionSource.COMPLAINT and complaint is None:
        raise DomainError("来源为投诉的措施须关联一条投诉。", field="complaint")
    if source == ActionSource.MONTHLY_REPORT and report_month is None:
        raise DomainError("来源为回访月报的措施须注明月报月份。", field="report_month")
    if not description.strip():
        raise DomainError("请填写措施内容。", field="description")
    if owner_id is None or not _member_of_store(owner_id):
        raise DomainError("请选择本店在职员工作为责任人。", field="owner_id")
    if deadline is None:
        raise DomainError("请填写完成期限。", field="deadline")
    if deadline < timezone.localdate():
        raise DomainError("完成期限不能早于今天。", field="deadline")
    action = CorrectiveAction.objects.create(
        kind=kind, source=source, complaint=complaint if source == ActionSource.COMPLAINT else None,
        report_month=report_month.replace(day=1) if report_month and source == ActionSource.MONTHLY_REPORT else None,
        description=description.strip(), owner_id=owner_id, deadline=deadline, raised_by_id=member.user_id,
    )
    gms = [m.user_id for m in store_members(current_store().pk, roles=(StoreRole.GENERAL_MANAGER,))]
    Notification.objects.bulk_create([
        Notification(recipient_id=uid, kind="action", title=f"{action.get_kind_display()}待批准：{description[:40]}")
        for uid in gms if uid != member.user_id
    ])
    return action


@transaction.atomic
def corrective_action_approve(*, member: StoreMembership, action: CorrectiveAction) -> CorrectiveAction:
    """总经理批准: only the GM, and never a measure they raised themselves."""
    if not role_allows(member.role, Perm.APPROVE_ACTIONS):
        raise DomainError("整改措施须由总经理批准。")
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if action.raised_by_id == member.user_id:
        raise DomainError("不能批准自己提出的整改措施，请由其他人提出或由上级审批。")
    if action.status != ActionStatus.PROPOSED:
        raise Conflict(f"该措施当前为「{action.get_status_display()}」，无需批准。")
    action.status, action.approved_by_id, action.approved_at = ActionStatus.APPROVED, member.user_id, timezone.now()
    action.save(update_fields=["status", "approved_by_id", "approved_at"])
    return action


@transaction.atomic
def corrective_action_complete(*, member: StoreMembership, action: CorrectiveAction, result: str,
                               evidence: str = "") -> CorrectiveAction:
    """落实完成: the owner (or a supervising manager) reports the result and its evidence."""
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if action.owner_id != member.user_id and not (
            role_allows(member.role, Perm.SUPERVISE) or role_allows(member.role, Perm.APPROVE_ACTIONS)):
        raise DomainError("只有责任人或负责监督的经理可以填报完成情况。")
    if action.status == ActionStatus.PROPOSED:
        raise Conflict("该措施尚未经总经理批准，不能填报完成。")
    if action.status == ActionStatus.DONE:
        raise Conflict("该措施已完成。")
    if not result.strip():
        raise DomainError("请填写执行结果。", field="result")
    if not evidence.strip():
        raise DomainError("请填写佐证材料（如照片编号、培训签到表、检查记录）。", field="evidence")
    action.status, action.result, action.evidence = ActionStatus.DONE, result.strip(), evidence.strip()
    action.completed_at, action.completed_by_id = timezone.now(), member.user_id
    action.save(update_fields=["status", "result", "evidence", "completed_at", "completed_by_id"])
    return action
