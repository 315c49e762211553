"""Reads for after-sales pages: the return-visit queue, complaints each person may see, the GM's
page, notifications, and HQ's read-only escalations card.

Who sees what: customer service and service managers work the queues; the GM (and other roles that
see every customer) see every complaint; consultants only complaints about their own customers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django_tenants.utils import tenant_context

from hq.selectors import work_calendar_for_group
from tenants.guard import serving_store
from tenants.models import Store, StoreMembership
from tenants.roles import Perm, role_allows

from ..access import customers_for_member, sees_all
from ..models.aftersales import (
    ActionKind,
    ActionStatus,
    CallOutcome,
    Complaint,
    ComplaintStage,
    ComplaintState,
    CorrectiveAction,
    Notification,
    ReturnVisit,
    ReturnVisitCall,
    StaffNegligence,
    SurveyAnswer,
    SurveyInvitation,
    VisitStatus,
    complaint_code,
)
from ..models.cadence import FollowUpTask, TaskStatus
from .policy import current_store, working_time_left
from .visits import OPEN_STATUSES


def _open_call(field: str) -> Subquery:
    """`field` of the visit's open call (the cadence task: planned call or redial), earliest first."""
    return Subquery(FollowUpTask.objects.filter(
        customer_id=OuterRef("customer_id"), rule_key=OuterRef("rule_key"), event_date=OuterRef("event_date"),
        status__in=[TaskStatus.OPEN, TaskStatus.OVERDUE]).order_by("due_date", "id").values(field)[:1])


def visit_queue(*, day: dt.date, day_from: dt.date | None = None, assignee_id: int | None = None
                ) -> QuerySet[ReturnVisit]:
    """回访工作队列: visits whose open call falls on [day_from, day] (no day_from: everything up to `day`,
    the backlog included), for customers still agreeing to be called. Each row carries its call's
    date (`call_on`), assignee (`call_assignee_id`), the customer's time window (`call_window`) and whether a
    survey link is waiting for the customer (`awaiting_web`, 待客户填写: the call stays open meanwhile)."""
    qs = (ReturnVisit.objects.filter(status__in=OPEN_STATUSES, customer__may_call=True)
          .annotate(call_on=_open_call("due_date"), call_assignee_id=_open_call("assignee_id"),
                    call_window=_open_call("call_window"),
                    awaiting_web=Exists(SurveyInvitation.objects.filter(
                        visit=OuterRef("pk"), used_at__isnull=True, revoked_at__isnull=True,
                        expires_at__gt=timezone.now())))
          .filter(call_on__lte=day).select_related("customer", "vehicle", "service_visit"))
    if day_from is not None:
        qs = qs.filter(call_on__gte=day_from)
    if assignee_id is not None:
        qs = qs.filter(call_assignee_id=assignee_id)
    return qs.order_by("call_on", "due_date", "id")


def visit_queue_days(*, day_from: dt.date, day_to: dt.date, assignee_id: int | None = None
                     ) -> list[tuple[dt.date, int]]:
    """Calls per day over [day_from, day_to] (every day listed, zero included), for planning a week."""
    queue: Any = visit_queue(day=day_to, day_from=day_from, assignee_id=assignee_id)  # annotated: call_on
    counts = dict(queue.order_by().values_list("call_on").annotate(n=Count("id")).values_list("call_on", "n"))
    days = (day_to - day_from).days + 1
    return [(d, counts.get(d, 0)) for d in (day_from + dt.timedelta(days=i) for i in range(max(days, 0)))]


def visit_ids_for_calls(tasks: list[FollowUpTask]) -> dict[int, int]:
    """task id → the return visit its call belongs to (same customer, rule and event), for the task
    lists' link to the call screen (the survey is recorded there). One query."""
    if not tasks:
        return {}
    rows = ReturnVisit.objects.filter(customer_id__in={t.customer_id for t in tasks},
                                      rule_key__in={t.rule_key for t in tasks}).values_list(
        "pk", "customer_id", "rule_key", "event_date")
    series = {(c, k, e): pk for pk, c, k, e in rows}
    out = {}
    for t in tasks:
        visit_id = series.get((t.customer_id, t.rule_key, t.event_date))
        if visit_id is not None:
            out[t.pk] = visit_id
    return out


def get_visit(pk: int | str) -> ReturnVisit:
    """A return visit of this store (the queue's roles see every visit); 404 otherwise."""
    try:
        return ReturnVisit.objects.select_related("customer", "vehicle", "service_visit").get(pk=int(pk))
    except (ReturnVisit.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("页面不存在")) from None


def complaints_for_member(member: StoreMembership) -> QuerySet[Complaint]:
    """The complaints this person may see: every one for complaint handlers and managers, else only
    those about their own customers (through the crm access helper)."""
    qs = Complaint.objects.all()
    if role_allows(member.role, Perm.COMPLAINTS) or sees_all(member):
        return qs
    return qs.filter(customer__in=customers_for_member(member))


def get_complaint_for_member(member: StoreMembership, pk: int | str) -> Complaint:
    """The one way to open a complaint: 404 for "not yours" and "does not exist" alike."""
    try:
        return complaints_for_member(member).select_related("customer", "vehicle", "return_visit",
                                                            "service_visit").get(pk=int(pk))
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("页面不存在")) from None


def complaint_list(*, member: StoreMembership, state: str = "", escalated: bool = False) -> QuerySet[Complaint]:
    qs = complaints_for_member(member).select_related("customer")
    if state == "open":
        qs = qs.exclude(state=ComplaintState.CLOSED)
    elif state in ComplaintState.values:
        qs = qs.filter(state=state)
    if escalated:
        qs = qs.filter(escalated=True)
    return qs.order_by("-escalated", "-reported_at", "-id")


def complaint_history(complaint: Complaint) -> dict[str, Any]:
    return {
        "transitions": list(complaint.transitions.all()),
        "deadlines": list(complaint.deadlines.all()),
        "negligence": list(complaint.negligence.all()),
        "actions": list(complaint.actions.order_by("-created_at")),
    }


def actions_list(*, status: str = "", overdue_only: bool = False, today: dt.date | None = None
                 ) -> QuerySet[CorrectiveAction]:
    today = today or timezone.localdate()
    qs = CorrectiveAction.objects.select_related("complaint")
    if status in ActionStatus.values:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.exclude(status=ActionStatus.DONE).filter(deadline__lt=today)
    return qs.order_by("status", "deadline", "id")


def gm_overview(*, today: dt.date | None = None) -> dict[str, Any]:
    """总经理页面: overdue corrective actions, actions waiting for approval, escalated complaints."""
    today = today or timezone.localdate()
    return {
        "overdue_actions": list(actions_list(overdue_only=True, today=today)[:100]),
        "to_approve": list(actions_list(status=ActionStatus.PROPOSED)[:100]),
        "open_complaints": gm_open_complaints(),
        "now": timezone.now(),
        "escalated": list(Complaint.objects.filter(escalated=True).select_related("customer")
                          .prefetch_related("deadlines").order_by("-escalation_level", "reported_at")[:100]),
        "open_count": Complaint.objects.exclude(state__in=[ComplaintState.CLOSED, ComplaintState.DRAFT]).count(),
        "negligence": list(StaffNegligence.objects.values("staff_id").annotate(n=Count("id")).order_by("-n")[:20]),
    }


def time_left(left: dt.timedelta) -> tuple[str, bool]:
    """剩余 2 小时 15 分 / 已超时 1 小时 5 分: the working time to a deadline (or past it, see
    policy.working_time_left), and whether it is overdue. Working hours and whole minutes (rounded
    down): a working day is the store's opening hours, so days are not shown."""
    seconds = int(left.total_seconds())
    overdue = seconds < 0
    hours, mins = divmod(abs(seconds) // 60, 60)
    span = gettext("%(h)s 小时 %(m)s 分") % {"h": hours, "m": mins}
    return (gettext("已超时 %(span)s") if overdue else gettext("剩余 %(span)s")) % {"span": span}, overdue


def gm_open_complaints(*, now: dt.datetime | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """总经理: every complaint not yet closed, with each deadline: met (when), or the working time left
    (the store's hours, in its zone)."""
    now = now or timezone.now()
    store = current_store()
    calendar = work_calendar_for_group(store.group_id)  # read once for every deadline on the page
    complaints = (Complaint.objects.exclude(state__in=[ComplaintState.CLOSED, ComplaintState.DRAFT])
                  .select_related("customer").prefetch_related("deadlines").order_by("reported_at")[:limit])
    rows = []
    for c in complaints:
        deadlines = []
        for d in c.deadlines.all():
            if d.met_at is not None:
                left, overdue = gettext("已完成"), False
            else:
                left, overdue = time_left(working_time_left(store, d.due_at, now, calendar))
            deadlines.append({"step": d.step, "name": d.name, "within": d.within_working_days.normalize(),
                              "due_at": d.due_at, "met_at": d.met_at, "left": left, "overdue": overdue})
        if deadlines:
            rows.append({"c": c, "deadlines": deadlines})
    return rows


def notifications_for(user_id: int, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = (Notification.objects.filter(recipient_id=user_id).select_related("complaint", "action")
          .prefetch_related("outbox_messages"))  # its WeCom message, if one was sent
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at")


def customer_planned_calls(customer_id: int, *, limit: int = 30) -> list[FollowUpTask]:
    """计划回访/待跟进 on the customer's 360° page: their open calls and messages, earliest first —
    the overdue backlog, today's and the ones planned on future dates."""
    return list(FollowUpTask.objects.filter(customer_id=customer_id, status__in=[TaskStatus.OPEN,
                                                                                  TaskStatus.OVERDUE])
                .order_by("due_date", "due_at", "id")[:limit])


def _answer_text(a: SurveyAnswer) -> str:
    if a.kind == "yes_no":
        value = gettext("是") if a.yes else gettext("否")
    else:
        value = gettext("%(rating)s/%(scale)s 分") % {"rating": a.rating, "scale": a.scale}
    return f"{a.question_text}：{value}" + (f"（{a.remark}）" if a.remark else "")


def customer_return_visit_events(customer_id: int, names: dict[int, str], *, limit: int = 50
                                 ) -> list[dict[str, Any]]:
    """回访 on the customer's 360° timeline: every call made, with its outcome, and a completed call's
    answers (question by question, a "no" with its reason) and remark."""
    calls = (ReturnVisitCall.objects.filter(visit__customer_id=customer_id).select_related("visit")
             .prefetch_related("visit__answers").order_by("-called_at")[:limit])
    events = []
    for call in calls:
        visit = call.visit
        parts = [visit.rule_name]
        answers: list[str] = []
        if call.outcome == CallOutcome.COMPLETED and visit.status == VisitStatus.COMPLETED:
            answers = [_answer_text(a) for a in visit.answers.all()]
            if visit.remark:
                parts.append(gettext("其他问题/建议：%(remark)s") % {"remark": visit.remark})
        elif call.note:
            parts.append(call.note)
        events.append({"at": call.called_at, "kind": gettext("回访·%(outcome)s") % {
            "outcome": call.get_outcome_display()}, "icon": "telephone", "staff": names.get(call.called_by_id),
            "text": "；".join(parts), "answers": answers, "visit_id": visit.pk})
    return events


def customer_complaints(customer_id: int) -> list[Complaint]:
    """For the customer's 360° timeline."""
    return list(Complaint.objects.filter(customer_id=customer_id).exclude(state=ComplaintState.DRAFT)
                .order_by("-reported_at")[:20])


# ------------------------------------------------------------------ HQ drill-down (read-only)


def store_escalations_for_hq(store: Store, *, today: dt.date | None = None, limit: int = 5) -> dict[str, Any]:
    """升级投诉与逾期整改 for HQ's store drill-down: counts and short lists, no customer personal data
    (codes, states, stages, ages and deadlines only). Reads one store's schema, read-only."""
    today = today or timezone.localdate()
    with tenant_context(store), serving_store(store.schema_name):
        complaints = Complaint.objects.exclude(state=ComplaintState.DRAFT)
        counts = complaints.aggregate(
            open=Count("id", filter=~Q(state=ComplaintState.CLOSED)),
            escalated=Count("id", filter=Q(escalated=True)),
        )
        escalated: list[dict[str, Any]] = [dict(r) for r in complaints.filter(escalated=True).order_by(
            "-escalation_level", "reported_at").values("id", "state", "object_stage", "escalation_level",
                                                       "reported_at")[:limit]]
        overdue = CorrectiveAction.objects.exclude(status=ActionStatus.DONE).filter(deadline__lt=today)
        overdue_count = overdue.count()
        overdue_rows: list[dict[str, Any]] = [dict(r) for r in overdue.order_by("deadline").values(
            "id", "kind", "status", "deadline")[:limit]]
    states, stages, kinds = dict(ComplaintState.choices), dict(ComplaintStage.choices), dict(ActionKind.choices)
    for row in escalated:
        row["code"] = complaint_code(row["id"])
        row["state_label"] = states.get(row["state"], row["state"])
        row["stage_label"] = stages.get(row["object_stage"], "")
    for row in overdue_rows:
        row["days_overdue"] = (today - row["deadline"]).days
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
    return {"open": counts["open"], "escalated_count": counts["escalated"], "escalated": escalated,
            "overdue_count": overdue_count, "overdue": overdue_rows}
