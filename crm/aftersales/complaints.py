"""投诉 services: intake (or a draft from a return visit), the state machine of handbook 003, staff
negligence, and the SLA sweep that escalates breached deadlines (idempotent, set-based).

State machine (every move recorded with who, when and a note; anything else refused):
    draft →submit→ received →acknowledge→ acknowledged →investigate→ investigating →name_cause→
    cause_named →propose→ solution_proposed (→propose again to revise) →agree→ agreed →carry_out→
    carried_out →close→ closed →reopen→ investigating
    reply (经理回复客户): recorded by the service manager or the GM from any open state after
    acknowledgement; it keeps the state and is what meets "the manager investigates and replies to the
    customer within one working day" — customer service's apology (acknowledge) never does.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from tenants.errors import DomainError
from tenants.models import StoreMembership, StoreRole
from tenants.roles import Perm, role_allows
from tenants.selectors import store_members, store_role_members
from tenants.staff import store_staff_check

from ..models import Customer, Vehicle
from ..models.aftersales import (
    CauseCategory,
    Complaint,
    ComplaintChannel,
    ComplaintDeadline,
    ComplaintStage,
    ComplaintState,
    ComplaintTransition,
    Milestone,
    Notification,
    ReturnVisit,
    Satisfaction,
    StaffNegligence,
    complaint_code,
)
from ..notifications import notify
from ..validators import clean_mobile
from .policy import complaint_deadlines, current_store, working_deadline

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

S = ComplaintState
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


@dataclass(frozen=True)
class Move:
    label: StrOrPromise
    sources: tuple[str, ...]
    target: str  # "" keeps the state (a recorded step, not a move)


TRANSITIONS: dict[str, Move] = {
    "submit": Move(gettext_lazy("提交受理(递交总经理)"), (S.DRAFT,), S.RECEIVED),
    "acknowledge": Move(gettext_lazy("致歉并承诺回复时间"), (S.RECEIVED,), S.ACKNOWLEDGED),
    "investigate": Move(gettext_lazy("会同相关部门调查"), (S.ACKNOWLEDGED,), S.INVESTIGATING),
    "name_cause": Move(gettext_lazy("确定原因与责任方"), (S.INVESTIGATING,), S.CAUSE_NAMED),
    "propose": Move(gettext_lazy("提出解决方案"), (S.CAUSE_NAMED, S.SOLUTION_PROPOSED), S.SOLUTION_PROPOSED),
    "agree": Move(gettext_lazy("客户同意方案"), (S.SOLUTION_PROPOSED,), S.AGREED),
    "carry_out": Move(gettext_lazy("执行方案并跟踪"), (S.AGREED,), S.CARRIED_OUT),
    "close": Move(gettext_lazy("结案(记录客户满意度)"), (S.CARRIED_OUT,), S.CLOSED),
    "reopen": Move(gettext_lazy("重新处理"), (S.CLOSED,), S.INVESTIGATING),
    "reply": Move(gettext_lazy("经理回复客户(调查结果)"), (S.ACKNOWLEDGED, S.INVESTIGATING, S.CAUSE_NAMED, S.SOLUTION_PROPOSED,
                                       S.AGREED, S.CARRIED_OUT), ""),
}
# Which milestone (递交总经理 / 回复客户 / 结案) an action reaches. 回复客户 is the manager's reply.
MILESTONE_OF = {"submit": Milestone.SUBMITTED, "reply": Milestone.REPLIED, "close": Milestone.CLOSED}
# Who replies to the customer as manager (handbook 002: 售后业务经理/服务经理; the GM may take it over).
MANAGER_REPLY_ROLES = frozenset({StoreRole.SERVICE_MANAGER, StoreRole.GENERAL_MANAGER})


def actions_from(state: str, role: str | None = None) -> list[tuple[str, StrOrPromise]]:
    """The moves allowed from `state` (for `role`, when given), for the detail page's buttons."""
    return [(key, m.label) for key, m in TRANSITIONS.items() if state in m.sources
            and (key != "reply" or role is None or role in MANAGER_REPLY_ROLES)]


def _can_handle(member: StoreMembership) -> None:
    if not role_allows(member.role, Perm.COMPLAINTS):
        raise DomainError(gettext("只有客服、服务经理和总经理可以处理投诉。"))


def _staff_check(staff_id: int | None, field: str) -> None:
    store_staff_check(staff_id, field=field)  # active staff of this store; same answer for any other id


def _submit_check(c: Complaint) -> None:
    """登记要素 (handbook 003): description, expected resolution, contact, and read back to the customer."""
    if not c.description.strip():
        raise DomainError(gettext("请填写投诉的具体问题描述。"), field="description")
    if not c.expected_resolution.strip():
        raise DomainError(gettext("请填写客户期望的解决方式。"), field="expected_resolution")
    if not c.contact_phone.strip():
        raise DomainError(gettext("请填写客户的联系电话。"), field="contact_phone")
    if not c.read_back_confirmed:
        raise DomainError(gettext("请向客户复述投诉内容并确认无误后再提交。"), field="read_back_confirmed")


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("description", "expected_resolution", "object_model", "contact_name"):
        if key in data:
            out[key] = str(data[key] or "").strip()
    if "contact_phone" in data:
        out["contact_phone"] = _phone(str(data["contact_phone"] or ""))
    if "object_stage" in data:
        stage = data["object_stage"] or ""
        if stage and stage not in ComplaintStage.values:
            raise DomainError(gettext("服务环节取值无效。"), field="object_stage")
        out["object_stage"] = stage
    if "staff_involved_id" in data:
        _staff_check(data["staff_involved_id"], "staff_involved_id")
        out["staff_involved_id"] = data["staff_involved_id"]
    if "read_back_confirmed" in data:
        out["read_back_confirmed"] = bool(data["read_back_confirmed"])
    return out


def _phone(value: str) -> str:
    """A mobile number (normalised) or a landline such as 0571-88886666."""
    value = value.strip()
    if not value:
        return ""
    try:
        return clean_mobile(value, field="contact_phone")
    except DomainError:
        if LANDLINE_RE.match(value):
            return value
        raise DomainError(gettext("联系电话格式不正确：请填写手机号或带区号的固定电话。"), field="contact_phone") from None


def _record(c: Complaint, *, action: str, from_state: str, note: str, member: StoreMembership) -> None:
    ComplaintTransition.objects.create(complaint=c, action=action, from_state=from_state, to_state=c.state,
                                       note=note.strip()[:2000], by_user_id=member.user_id)


def _plan_deadlines(c: Complaint) -> None:
    plan = complaint_deadlines(current_store(), c.reported_at)
    c.sla_policy_version_id, c.sla_policy_version_number = plan.version_id, plan.version_number
    ComplaintDeadline.objects.bulk_create([
        ComplaintDeadline(complaint=c, step=d.step, name=d.name, milestone=d.milestone, within_working_days=d.within,
                          due_at=d.due_at, to_role=d.to_role, cc_roles=d.cc_roles, policy_version_id=plan.version_id,
                          policy_version_number=plan.version_number)
        for d in plan.deadlines
    ])


@transaction.atomic
def complaint_create(
    *, member: StoreMembership, customer: Customer, channel: str, vehicle: Vehicle | None = None,
    description: str = "", expected_resolution: str = "", contact_name: str = "", contact_phone: str = "",
    read_back_confirmed: bool = False, object_model: str = "", object_stage: str = "",
    staff_involved_id: int | None = None, reported_at: dt.datetime | None = None, submit: bool = True,
    return_visit: ReturnVisit | None = None,
) -> Complaint:
    """投诉登记: record the customer's complaint; submitted at once (递交总经理, 抄送服务经理) unless kept
    as a draft. SLA deadlines start from when the customer raised it and record the policy version."""
    _can_handle(member)
    if channel not in ComplaintChannel.values:
        raise DomainError(gettext("请选择投诉渠道。"), field="channel")
    if vehicle is not None and vehicle.owner_id != customer.pk:
        raise DomainError(gettext("所选车辆不属于该客户。"), field="vehicle")
    now = timezone.now()
    if reported_at is not None and reported_at > now:
        raise DomainError(gettext("反映时间不能晚于现在。"), field="reported_at")
    data = _fields({"description": description, "expected_resolution": expected_resolution,
                    "contact_name": contact_name, "contact_phone": contact_phone,
                    "read_back_confirmed": read_back_confirmed, "object_model": object_model,
                    "object_stage": object_stage, "staff_involved_id": staff_involved_id})
    c = Complaint(channel=channel, customer=customer, vehicle=vehicle, return_visit=return_visit,
                  service_visit=return_visit.service_visit if return_visit else None,
                  reported_at=reported_at or now, created_by_id=member.user_id, **data)
    c.contact_name = c.contact_name or customer.name
    if submit:
        _submit_check(c)
    c.save()
    _plan_deadlines(c)
    c.save(update_fields=["sla_policy_version_id", "sla_policy_version_number"])
    _record(c, action="create", from_state=S.DRAFT, note="登记投诉草稿", member=member)  # zh-data: stored in the complaint's history
    if submit:
        return _apply(c, member=member, action="submit", note="", data={})
    return c


@transaction.atomic
def complaint_draft_from_visit(*, member: StoreMembership, visit: ReturnVisit) -> Complaint:
    """一键生成投诉草稿: pre-filled from the return-visit call (answers that were "no", the remarks, the
    visit asked about, the advisor who served). Returns the existing one if the call already has it."""
    existing = Complaint.objects.filter(return_visit=visit).order_by("pk").first()
    if existing is not None:
        return existing
    lines = [f"{a.question_text}：{'否' if a.kind == 'yes_no' else f'{a.rating}/{a.scale} 分'}"  # zh-data: the draft's description, stored text the store edits
             f"{'，' + a.remark if a.remark else ''}" for a in visit.answers.filter(satisfied=False)]
    if visit.remark:
        lines.append(f"客户反映：{visit.remark}")  # zh-data: the draft's description, stored text the store edits
    sv = visit.service_visit
    return complaint_create(
        member=member, customer=visit.customer, channel=ComplaintChannel.RETURN_VISIT, vehicle=visit.vehicle
        if visit.vehicle is not None and visit.vehicle.owner_id == visit.customer_id else None,
        description="\n".join(lines), contact_name=visit.person_name or visit.customer.name,
        contact_phone=visit.number if len(visit.number) == 11 else visit.customer.mobile,
        object_model=visit.vehicle.model if visit.vehicle else "",
        object_stage=ComplaintStage.REPAIR_QUALITY if sv is not None else ComplaintStage.DELIVERY,
        staff_involved_id=sv.advisor_id if sv is not None and _is_staff(sv.advisor_id) else None,
        reported_at=visit.completed_at or timezone.now(), submit=False, return_visit=visit,
    )


def _is_staff(user_id: int | None) -> bool:
    return user_id is not None and StoreMembership.objects.filter(store_id=current_store().pk,
                                                                   user_id=user_id).exists()


@transaction.atomic
def complaint_update(*, member: StoreMembership, complaint: Complaint, **fields: Any) -> Complaint:
    """修改投诉草稿: only a draft's intake fields change; after submission the record stands."""
    _can_handle(member)
    c = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if c.state != S.DRAFT:
        raise DomainError(gettext("投诉已受理，登记内容不能再修改；请在处理记录中补充说明。"))
    unknown = set(fields) - {"description", "expected_resolution", "contact_name", "contact_phone",
                             "read_back_confirmed", "object_model", "object_stage", "staff_involved_id"}
    if unknown:
        raise DomainError(gettext("不能修改字段：%(fields)s") % {"fields": ", ".join(sorted(unknown))})
    for key, value in _fields(fields).items():
        setattr(c, key, value)
    c.save()
    return c


def _notify_submitted(c: Complaint) -> None:
    """投诉处理表递交总经理，抄送服务经理 (handbook 002)."""
    store = current_store()
    roles = {m.user_id: m.role
             for m in store_members(store.pk, roles=(StoreRole.GENERAL_MANAGER, StoreRole.SERVICE_MANAGER))}
    title = gettext("投诉处理表 %(code)s：%(channel)s投诉待处理") % {"code": c.code, "channel": c.get_channel_display()}
    notify([
        Notification(recipient_id=uid, kind="submitted", is_cc=role != StoreRole.GENERAL_MANAGER, complaint=c,
                     title=title, body=c.description[:200]) for uid, role in roles.items()
    ])


def _meet(c: Complaint, milestone: str, now: dt.datetime) -> None:
    c.deadlines.filter(milestone=milestone, met_at__isnull=True).update(met_at=now)


def _refresh_flag(c: Complaint) -> None:
    """已升级: stays set while any breached deadline is still not met."""
    c.escalated = c.deadlines.filter(breached_at__isnull=False, met_at__isnull=True).exists()


def _apply(c: Complaint, *, member: StoreMembership, action: str, note: str, data: dict[str, Any]) -> Complaint:
    move = TRANSITIONS.get(action)
    if move is None:
        raise DomainError(gettext("未知的投诉处理操作。"), field="action")
    if c.state not in move.sources:
        raise DomainError(gettext("投诉当前为「%(state)s」，不能执行「%(action)s」。")
                          % {"state": c.get_state_display(), "action": move.label}, field="action")
    now = timezone.now()
    from_state = c.state
    if action == "submit":
        _submit_check(c)
        c.received_at = now
    elif action == "reply":
        if member.role not in MANAGER_REPLY_ROLES:
            raise DomainError(gettext("回复客户须由服务经理或总经理记录（客服的致歉不算经理回复）。"), field="action")
        if not note.strip():
            raise DomainError(gettext("请记录向客户回复的调查结果。"), field="note")
    elif action == "acknowledge":
        if not data.get("apologised"):
            raise DomainError(gettext("请先向客户致歉，并勾选“已致歉”。"), field="apologised")
        promised = data.get("reply_promised_at")
        if not isinstance(promised, dt.datetime):
            raise DomainError(gettext("请填写向客户承诺的回复时间。"), field="reply_promised_at")
        if promised <= now:
            raise DomainError(gettext("承诺的回复时间应晚于现在。"), field="reply_promised_at")
        c.reply_promised_at, c.first_reply_at = promised, now
    elif action == "investigate":
        departments = str(data.get("departments") or "").strip()
        if not departments:
            raise DomainError(gettext("请填写参与调查的部门（如 销售、售后、财务）。"), field="departments")
        c.departments = departments[:200]
    elif action == "name_cause":
        _name_cause(c, member=member, data=data, now=now)
    elif action == "propose":
        solution = str(data.get("solution") or "").strip()
        if not solution:
            raise DomainError(gettext("请填写解决方案。"), field="solution")
        c.solution = solution
    elif action == "carry_out":
        if not note.strip():
            raise DomainError(gettext("请记录方案的执行情况。"), field="note")
        c.carried_out_note = note.strip()
    elif action == "close":
        satisfaction = data.get("satisfaction") or ""
        if satisfaction not in Satisfaction.values:
            raise DomainError(gettext("结案前请记录客户对处理结果的满意度。"), field="satisfaction")
        c.satisfaction, c.closed_at = satisfaction, now
    elif action == "reopen":
        if not note.strip():
            raise DomainError(gettext("重新处理须填写原因。"), field="note")
        c.reopen_count += 1
        c.closed_at, c.satisfaction = None, ""
        store = current_store()
        for d in c.deadlines.filter(milestone=Milestone.CLOSED):
            d.due_at, d.met_at, d.breached_at = working_deadline(store, now, d.within_working_days), None, None
            d.save(update_fields=["due_at", "met_at", "breached_at"])
    c.state = move.target or c.state
    if action in MILESTONE_OF:
        _meet(c, MILESTONE_OF[action], now)
    _refresh_flag(c)
    c.save()
    _record(c, action=action, from_state=from_state, note=note, member=member)
    if action == "submit":
        _notify_submitted(c)
    return c


def _name_cause(c: Complaint, *, member: StoreMembership, data: dict[str, Any], now: dt.datetime) -> None:
    category = data.get("cause_category") or ""
    if category not in CauseCategory.values:
        raise DomainError(gettext("请选择原因类别：产品质量、服务流程、沟通误解或客户误解。"), field="cause_category")
    party = str(data.get("responsible_party") or "").strip()
    if not party:
        raise DomainError(gettext("请填写责任方。"), field="responsible_party")
    c.cause_category, c.responsible_party = category, party[:100]
    c.cause_detail = str(data.get("cause_detail") or "").strip()
    staff_id = data.get("negligence_staff_id")
    if staff_id:
        staff_negligence_record(member=member, complaint=c, staff_id=int(staff_id),
                                description=str(data.get("negligence") or "").strip())


@transaction.atomic
def complaint_transition(*, member: StoreMembership, complaint: Complaint, action: str, note: str = "",
                         **data: Any) -> Complaint:
    """投诉处理: move the complaint one step of the flow; illegal moves and missing facts are refused
    with a Chinese message and nothing is written."""
    _can_handle(member)
    c = Complaint.objects.select_for_update().get(pk=complaint.pk)
    return _apply(c, member=member, action=action, note=note, data=data)


@transaction.atomic
def staff_negligence_record(*, member: StoreMembership, complaint: Complaint, staff_id: int,
                            description: str) -> StaffNegligence:
    """员工过失记录: negligence found in a complaint, against the staff member (handbook 000)."""
    _can_handle(member)
    _staff_check(staff_id, "negligence_staff_id")
    if not description.strip():
        raise DomainError(gettext("请说明该员工的过失。"), field="negligence")
    return StaffNegligence.objects.create(staff_id=staff_id, complaint=complaint, description=description[:500],
                                          recorded_by_id=member.user_id)


@transaction.atomic
def complaint_draft_delete(*, member: StoreMembership, complaint: Complaint) -> None:
    """删除草稿: a draft opened by mistake; a submitted complaint is never deleted."""
    _can_handle(member)
    c = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if c.state != S.DRAFT:
        raise DomainError(gettext("已受理的投诉不能删除。"))
    c.delete()


# ------------------------------------------------------------------ SLA sweep


@dataclass(frozen=True)
class SweepResult:
    breached: int
    notified: int


def _role_members(store_id: int) -> dict[str, list[int]]:
    return store_role_members(store_id)


@transaction.atomic
def complaint_sla_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """投诉超时升级: mark every deadline past due and not met as breached, notify the next person in the
    chain (to-role, copied roles; the GM if a role is vacant) and flag the complaint until handled.
    Idempotent: a deadline is breached once (UPDATE … RETURNING under its row lock), and a notice is
    unique per deadline and person, so a rerun or a concurrent run notifies nobody twice."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE crm_complaintdeadline d SET breached_at = %s "
            "WHERE d.met_at IS NULL AND d.breached_at IS NULL AND d.due_at <= %s "
            "RETURNING d.id, d.complaint_id, d.step, d.name, d.within_working_days, d.to_role, d.cc_roles",
            [now, now],
        )
        rows = cursor.fetchall()
    if not rows:
        return SweepResult(0, 0)
    members = _role_members(current_store().pk)
    gm = members.get(StoreRole.GENERAL_MANAGER, [])
    notices = []
    for deadline_id, complaint_id, _step, name, within, to_role, cc_roles in rows:
        title = gettext("投诉 %(code)s 超时升级：%(step)s（时限 %(days)s 个工作日）") % {
            "code": complaint_code(complaint_id), "step": name, "days": within.normalize()}
        recipients = {uid: False for uid in (members.get(to_role) or gm)}
        # Django reads jsonb as text on raw cursors.
        for role in (json.loads(cc_roles) if isinstance(cc_roles, str) else cc_roles) or []:
            for uid in members.get(role, []):
                recipients.setdefault(uid, True)
        notices += [Notification(recipient_id=uid, kind="escalation", is_cc=cc, complaint_id=complaint_id,
                                 deadline_id=deadline_id, title=title, created_at=now)
                    for uid, cc in recipients.items()]
    created = notify(notices, unique=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE crm_complaint c SET escalated = TRUE, escalation_level = GREATEST(c.escalation_level, s.step) "
            "FROM (SELECT complaint_id, max(step) AS step FROM unnest(%s::bigint[], %s::int[]) "
            "AS x(complaint_id, step) GROUP BY complaint_id) s WHERE c.id = s.complaint_id",
            [[r[1] for r in rows], [r[2] for r in rows]],
        )
    return SweepResult(len(rows), len(created))
