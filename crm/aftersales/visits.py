"""回访 services: materialise due return visits from the cadence engine, and record a call.

Where due visits come from is decided in one place, `return_visit_sync`: the cadence engine's
FollowUpTask rows of the return-visit rules (delivery and service-done calls done by store staff,
already limited to customers who agreed to be called, at their chosen time). Nothing here schedules
calls on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from hq.models import PolicyKind
from hq.selectors import policy_required
from tenants.errors import Conflict, DomainError
from tenants.models import StoreMembership

from ..models import Customer, FollowUpTask
from ..models.aftersales import (
    CallOutcome,
    PersonCalled,
    ReturnVisit,
    ReturnVisitCall,
    SurveyAnswer,
    VisitStatus,
)
from ..models.cadence import TaskStatus
from .policy import Survey, answer_satisfied, current_store, retry_on, survey_current

# Cadence triggers whose staff calls are return visits (seed 002: after delivery, after each service).
RETURN_VISIT_TRIGGERS = ("delivery", "service_done")
OPEN_STATUSES = (VisitStatus.DUE, VisitStatus.RETRY)
# What the cadence task records when its return visit ends (crm.cadence outcomes vocabulary).
_TASK_OUTCOME = {
    VisitStatus.COMPLETED: "satisfied",
    VisitStatus.UNREACHABLE: "no_answer",
    VisitStatus.WRONG_NUMBER: "wrong_number",
    VisitStatus.REFUSED: "reached",
    VisitStatus.DO_NOT_CALL: "refused",
}


def return_visit_rule_keys() -> list[str]:
    """Keys of the cadence rules that are return visits: calls after delivery or service by store staff
    (not the consultant's own 1–3 month care calls)."""
    try:
        policy = policy_required(current_store(), PolicyKind.CADENCE)
    except DomainError:
        return []
    return [r["key"] for r in policy.body.get("rules", [])
            if r.get("trigger") in RETURN_VISIT_TRIGGERS and r.get("channel") == "call"
            and r.get("assignee") != "consultant"]


def return_visit_sync() -> int:
    """应回访清单: create a return visit for every open return-visit task of the cadence (idempotent:
    UNIQUE task and UNIQUE customer/rule/day make a rerun add nothing). Returns how many were added."""
    keys = return_visit_rule_keys()
    if not keys:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO crm_returnvisit (task_id, subject, rule_key, rule_name, customer_id, vehicle_id,
                service_visit_id, event_date, due_date, next_call_on, call_window, number, assignee_id, status,
                attempts, person_called, person_name, complaint_raised, remark, policy_version_id,
                policy_version_number, created_at)
            SELECT t.id, CASE WHEN t.trigger = 'delivery' THEN 'delivery' ELSE 'service' END, t.rule_key,
                t.rule_name, t.customer_id, t.vehicle_id,
                CASE WHEN t.trigger = 'service_done' THEN (SELECT sv.id FROM crm_servicevisit sv
                    WHERE sv.vehicle_id = t.vehicle_id AND sv.visited_on = t.event_date
                    ORDER BY sv.id DESC LIMIT 1) END,
                t.event_date, t.due_date, t.due_date, t.call_window,
                COALESCE(NULLIF(c.call_number, ''), c.mobile), t.assignee_id, 'due', 0, '', '', FALSE, '',
                t.policy_version_id, t.policy_version_number, now()
            FROM crm_followuptask t JOIN crm_customer c ON c.id = t.customer_id
            WHERE t.rule_key = ANY(%(keys)s) AND t.trigger = ANY(%(triggers)s) AND t.channel = 'call'
              AND t.status IN ('open', 'overdue') AND c.may_call
              AND NOT EXISTS (SELECT 1 FROM crm_returnvisit rv WHERE rv.task_id = t.id)
            ON CONFLICT DO NOTHING
            """,
            {"keys": keys, "triggers": list(RETURN_VISIT_TRIGGERS)},
        )
        return max(cursor.rowcount, 0)


@dataclass(frozen=True)
class CleanAnswer:
    key: str
    text: str
    kind: str
    yes: bool | None
    rating: int | None
    scale: int | None
    satisfied: bool
    remark: str


def _clean_answers(survey: Survey, answers: dict[str, dict[str, Any]]) -> list[CleanAnswer]:
    """Check every answer against the survey version used; a "no" (or a low rating) needs its reason."""
    unknown = [k for k in answers if survey.question(k) is None]
    if unknown:
        raise DomainError(f"问题「{unknown[0]}」不在本次使用的回访问卷 v{survey.version_number} 中，不能记录。",
                          field="answers")
    out = []
    for i, q in enumerate(survey.questions, start=1):
        raw = answers.get(q["key"])
        if raw is None:
            continue
        remark = str(raw.get("remark") or "").strip()[:500]
        value = raw.get("value")
        if value in (None, ""):
            continue  # 该题未问 (the caller picks the questions that fit the visit, seed 002)
        if q["kind"] == "yes_no":
            if value not in ("yes", "no", True, False):
                raise DomainError(f"第 {i} 题「{q['text']}」只能回答「是」或「否」。", field=f"q_{q['key']}")
            yes = value in ("yes", True)
            if not yes and not remark:
                raise DomainError(f"第 {i} 题「{q['text']}」客户回答「否」，请在备注中记录不满意的原因。",
                                  field=f"remark_{q['key']}")
            out.append(CleanAnswer(q["key"], q["text"], "yes_no", yes, None, None,
                                   answer_satisfied(q, yes=yes, rating=None), remark))
        else:
            try:
                rating = int(str(value))
            except (TypeError, ValueError):
                rating = -1
            scale = int(q["scale"])
            if not 1 <= rating <= scale:
                raise DomainError(f"第 {i} 题「{q['text']}」请打 1 到 {scale} 分。", field=f"q_{q['key']}")
            below = int(q.get("remark_required_below") or 1)
            if rating < below and not remark:
                raise DomainError(f"第 {i} 题「{q['text']}」低于 {below} 分，请在备注中记录原因。",
                                  field=f"remark_{q['key']}")
            out.append(CleanAnswer(q["key"], q["text"], "rating", None, rating, scale,
                                   answer_satisfied(q, yes=None, rating=rating), remark))
    if not out:
        raise DomainError("完成回访须至少记录一道问卷题目的回答。", field="answers")
    return out


def _close_task(visit: ReturnVisit, member: StoreMembership, now: Any) -> None:
    if visit.task_id is None:
        return
    outcome = _TASK_OUTCOME.get(VisitStatus(visit.status), "reached")
    if visit.status == VisitStatus.COMPLETED and visit.complaint_raised:
        outcome = "complaint"
    FollowUpTask.objects.filter(pk=visit.task_id, status__in=[TaskStatus.OPEN, TaskStatus.OVERDUE]).update(
        status=TaskStatus.DONE, outcome=outcome, completed_at=now, completed_by_id=member.user_id,
        outcome_note=f"回访：{visit.get_status_display()}")


def customer_call_consent_withdraw(*, member: StoreMembership, customer: Customer, reason: str) -> Customer:
    """客户要求不再回访: consent off (crm's customer service), open calls to them dropped."""
    from ..services.customers import customer_update

    customer = customer_update(member=member, customer=customer, may_call=False)
    ReturnVisit.objects.filter(customer=customer, status__in=OPEN_STATUSES).update(status=VisitStatus.DO_NOT_CALL)
    FollowUpTask.objects.filter(customer=customer, channel="call",
                                status__in=[TaskStatus.OPEN, TaskStatus.OVERDUE]).update(
        status=TaskStatus.SKIPPED, skip_reason=reason[:200])
    return customer


@transaction.atomic
def return_visit_record(
    *, member: StoreMembership, visit: ReturnVisit, outcome: str, person_called: str = "", person_name: str = "",
    answers: dict[str, dict[str, Any]] | None = None, remark: str = "", complaint_raised: bool = False,
    note: str = "",
) -> ReturnVisit:
    """记录回访: one call's outcome. Completed calls record the answers against the survey version in
    force (recorded on the visit); no answer is redialled by the retry rule; "do not call" withdraws
    the customer's consent. Any refusal leaves nothing written."""
    visit = ReturnVisit.objects.select_for_update().select_related("customer").get(pk=visit.pk)
    if visit.status not in OPEN_STATUSES:
        raise Conflict(f"该回访已结束（{visit.get_status_display()}），不能再次记录。")
    if outcome not in CallOutcome.values:
        raise DomainError("请选择本次回访的结果。", field="outcome")
    now = timezone.now()
    store = current_store()
    clean: list[CleanAnswer] = []
    survey: Survey | None = None
    if outcome == CallOutcome.COMPLETED:
        if person_called not in PersonCalled.values:
            raise DomainError("请选择受访人：车主本人或送修人（接受服务的人）。", field="person_called")
        survey = survey_current(store)
        clean = _clean_answers(survey, answers or {})
    visit.attempts += 1
    visit.called_by_id = member.user_id
    if outcome == CallOutcome.COMPLETED:
        assert survey is not None
        SurveyAnswer.objects.bulk_create([
            SurveyAnswer(visit=visit, question_key=a.key, question_text=a.text, kind=a.kind, yes=a.yes,
                         rating=a.rating, scale=a.scale, satisfied=a.satisfied, remark=a.remark) for a in clean
        ])
        visit.status = VisitStatus.COMPLETED
        visit.survey_version_id, visit.survey_version_number = survey.version_id, survey.version_number
        visit.person_called, visit.person_name = person_called, person_name.strip()[:50]
        visit.satisfied = all(a.satisfied for a in clean)
        visit.complaint_raised = bool(complaint_raised)
        visit.remark = remark.strip()[:2000]
        visit.completed_at = now
    elif outcome == CallOutcome.NO_ANSWER:
        retry = survey_current(store).retry
        if visit.attempts >= int(retry["max_attempts"]):
            visit.status = VisitStatus.UNREACHABLE
        else:
            visit.status = VisitStatus.RETRY
            visit.next_call_on = retry_on(store, timezone.localdate(now), int(retry["every_working_days"]))
    elif outcome == CallOutcome.WRONG_NUMBER:
        visit.status = VisitStatus.WRONG_NUMBER
    elif outcome == CallOutcome.REFUSED:
        visit.status = VisitStatus.REFUSED
    else:
        visit.status = VisitStatus.DO_NOT_CALL
    visit.save()
    ReturnVisitCall.objects.create(visit=visit, outcome=outcome, note=note.strip()[:500], called_at=now,
                                   called_by_id=member.user_id)
    if visit.status not in OPEN_STATUSES:
        _close_task(visit, member, now)
    if outcome == CallOutcome.DO_NOT_CALL:
        customer_call_consent_withdraw(member=member, customer=visit.customer, reason="客户要求不再回访")
    return visit
