"""Writes on follow-up tasks (the call work items): complete with an outcome (完成并记录结果), redial an
unanswered call, record a refusal, skip with a reason; overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from hq.models import StorePolicyAdoption
from hq.policy.catalog import OUTCOMES
from hq.services.policies import store_policy_override_set
from tenants.errors import Conflict, DomainError
from tenants.models import StoreMembership
from tenants.roles import Perm, role_allows

from ..aftersales.policy import retry_on, survey_current
from ..models import Customer, FollowUpTask
from ..models.cadence import TaskStatus
from ..services.customers import customer_update
from .engine import current_store

CLOSED = (TaskStatus.DONE, TaskStatus.SKIPPED)
OPEN = (TaskStatus.OPEN, TaskStatus.OVERDUE)
# Outcomes that end the customer's consent to return calls (客户拒绝回访).
REFUSED = "refused"
# A call nobody answered is dialled again by the survey template's retry rule (未接通重拨).
NO_ANSWER = "no_answer"
REFUSED_REASON = "客户拒绝回访"  # zh-data: stored on the customer as the refusal reason
# A return-visit call that got through is recorded with its survey on the call screen (handbook 002),
# never closed from the task list with a bare outcome.
SURVEY_OUTCOMES = frozenset({"reached", "satisfied", "complaint", "booked"})


def task_series(task: FollowUpTask) -> QuerySet[FollowUpTask]:
    """The calls of one follow-up: the planned call and its redials (same customer, rule and event)."""
    return FollowUpTask.objects.filter(customer_id=task.customer_id, rule_key=task.rule_key,
                                       event_date=task.event_date)


def task_redial(*, task: FollowUpTask, today: dt.date | None = None) -> FollowUpTask | None:
    """未接通重拨: the next call of the series after an unanswered one, by the survey template's retry
    rule (handbook 002: at most `max_attempts` dials, the next `every_working_days` working days later).
    Returns the new call, or None once the attempts are used up (the series ends unreachable)."""
    store = current_store()
    retry = survey_current(store).retry
    dialled = task_series(task).filter(outcome=NO_ANSWER).count()
    if dialled >= int(retry["max_attempts"]):
        return None
    day = retry_on(store, max(task.due_date, today or timezone.localdate()), int(retry["every_working_days"]))
    redial, _created = FollowUpTask.objects.get_or_create(
        customer_id=task.customer_id, rule_key=task.rule_key, due_date=day,
        defaults={"vehicle_id": task.vehicle_id, "lead_id": task.lead_id, "rule_name": task.rule_name,
                  "trigger": task.trigger, "channel": task.channel, "event_date": task.event_date,
                  "sequence": task.sequence, "call_window": task.call_window, "assignee_id": task.assignee_id,
                  "allowed_outcomes": task.allowed_outcomes, "message": task.message,
                  "policy_version_id": task.policy_version_id,
                  "policy_version_number": task.policy_version_number})
    return redial if redial.status in OPEN else None


@transaction.atomic
def customer_calls_refuse(*, member: StoreMembership, customer: Customer, reason: str = REFUSED_REASON) -> Customer:
    """客户拒绝回访: the one place a refusal is recorded — the customer's call consent is withdrawn
    through the customer service, every open call of theirs is skipped with the reason, and their
    open return visits end as "do not call"."""
    from ..aftersales.visits import return_visits_end_for_refusal  # aftersales builds on cadence (no cycle)

    customer = customer_update(member=member, customer=customer, may_call=False)
    reason = (reason.strip() or REFUSED_REASON)[:200]
    FollowUpTask.objects.filter(customer=customer, channel="call", status__in=OPEN).update(
        status=TaskStatus.SKIPPED, skip_reason=reason, completed_at=timezone.now(), completed_by_id=member.user_id)
    return_visits_end_for_refusal(customer_id=customer.pk)
    return customer


def _can_act(member: StoreMembership, task: FollowUpTask) -> None:
    if task.assignee_id != member.user_id and not role_allows(member.role, Perm.SUPERVISE):
        raise DomainError(gettext("这不是您的任务。"))


@transaction.atomic
def task_outcome_record(*, member: StoreMembership, task: FollowUpTask, outcome: str, note: str = "",
                        any_known_outcome: bool = False) -> FollowUpTask:
    """Close one call with its outcome, for a caller whose right to it was checked (the task list by
    assignee, the return-visit call screen by the 回访 permission). A refusal goes through
    customer_calls_refuse; no answer is redialled by the template's rule; a car that came in ends
    the rest of a reminder series. `any_known_outcome`: the return-visit call screen, whose outcomes
    stand whatever buttons the rule lists."""
    task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    if task.status in CLOSED:
        raise Conflict(gettext("该任务%(status)s。") % {"status": task.get_status_display()})
    allowed = list(OUTCOMES) if any_known_outcome else (task.allowed_outcomes or [])
    if outcome not in allowed:
        names = "、".join(str(OUTCOMES.get(o, o)) for o in allowed)
        raise DomainError(gettext("请选择本任务要求记录的结果：%(names)s。") % {"names": names}, field="outcome")
    if outcome == "complaint" and not note.strip():
        raise DomainError(gettext("发现抱怨时请记录客户反映的问题。"), field="note")
    task.status, task.outcome, task.outcome_note = TaskStatus.DONE, outcome, note.strip()[:2000]
    task.completed_at, task.completed_by_id = timezone.now(), member.user_id
    task.save(update_fields=["status", "outcome", "outcome_note", "completed_at", "completed_by_id"])
    if outcome == REFUSED:
        customer_calls_refuse(member=member, customer=Customer.objects.get(pk=task.customer_id))
    if outcome == NO_ANSWER and task.channel == "call":
        task_redial(task=task)
    if outcome == "came_in":
        task_series(task).filter(status__in=OPEN).update(
            status=TaskStatus.DONE, outcome="came_in", completed_at=timezone.now())
    return task


@transaction.atomic
def task_complete(*, member: StoreMembership, task: FollowUpTask, outcome: str, note: str = "") -> FollowUpTask:
    """完成任务: the assignee (or a supervisor) records the outcome the rule asks for
    (task_outcome_record does the rest). A return-visit call that got through goes to the call screen:
    its survey is the point of the call, so a plain "reached" here is refused."""
    from ..aftersales.selectors import visit_ids_for_calls  # aftersales builds on cadence (no cycle)

    task = FollowUpTask.objects.get(pk=task.pk)
    _can_act(member, task)
    if outcome in SURVEY_OUTCOMES and visit_ids_for_calls([task]):
        raise DomainError(gettext("回访电话接通后请在回访页面记录问卷（点“回访（记录问卷）”）；任务列表只能记录"
                                  "未接通、号码错误、拒绝回访或延期。"), field="outcome")
    return task_outcome_record(member=member, task=task, outcome=outcome, note=note)


@transaction.atomic
def task_skip(*, member: StoreMembership, task: FollowUpTask, reason: str) -> FollowUpTask:
    """跳过任务: only with a reason (supervision reads it)."""
    task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    _can_act(member, task)
    if task.status in CLOSED:
        raise Conflict(gettext("该任务%(status)s。") % {"status": task.get_status_display()})
    if not reason.strip():
        raise DomainError(gettext("跳过任务须填写原因。"), field="reason")
    task.status, task.skip_reason = TaskStatus.SKIPPED, reason.strip()[:200]
    task.completed_at, task.completed_by_id = timezone.now(), member.user_id
    task.save(update_fields=["status", "skip_reason", "completed_at", "completed_by_id"])
    return task


def cadence_override_set(*, member: StoreMembership, kind: str, overrides: dict[str, Any]) -> StorePolicyAdoption:
    """门店调整: the store manager changes what the group template leaves open (hq validates)."""
    return store_policy_override_set(store=current_store(), kind=kind, overrides=overrides, actor=member.user)
