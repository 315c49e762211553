"""Writes on follow-up tasks: complete with an outcome (完成并记录结果), skip with a reason; overrides."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from hq.models import StorePolicyAdoption
from hq.services.policies import store_policy_override_set
from tenants.errors import Conflict, DomainError
from tenants.models import StoreMembership

from ..models import Customer, FollowUpTask
from ..models.cadence import TaskStatus

CLOSED = (TaskStatus.DONE, TaskStatus.SKIPPED)
# Outcomes that end the customer's consent to return calls (客户拒绝回访).
REFUSED = "refused"
# A call nobody answered is tried again on the next working day (未接通次日再拨).
NO_ANSWER = "no_answer"


def _retry_next_working_day(task: FollowUpTask) -> FollowUpTask | None:
    import datetime as dt

    from hq.calendar import next_working_day
    from hq.selectors import work_calendar_for_group

    from .engine import current_store

    cal = work_calendar_for_group(current_store().group_id)
    day = next_working_day(max(task.due_date, timezone.localdate()) + dt.timedelta(days=1), cal)
    if FollowUpTask.objects.filter(customer_id=task.customer_id, rule_key=task.rule_key, due_date=day).exists():
        return None
    return FollowUpTask.objects.create(
        customer_id=task.customer_id, vehicle_id=task.vehicle_id, lead_id=task.lead_id, rule_key=task.rule_key,
        rule_name=task.rule_name, trigger=task.trigger, channel=task.channel, event_date=task.event_date,
        sequence=task.sequence, due_date=day, call_window=task.call_window, assignee_id=task.assignee_id,
        allowed_outcomes=task.allowed_outcomes, message=task.message, policy_version_id=task.policy_version_id,
        policy_version_number=task.policy_version_number,
    )


def _can_act(member: StoreMembership, task: FollowUpTask) -> None:
    from tenants.roles import Perm, role_allows

    if task.assignee_id != member.user_id and not role_allows(member.role, Perm.SUPERVISE):
        raise DomainError("这不是您的任务。")


@transaction.atomic
def task_complete(*, member: StoreMembership, task: FollowUpTask, outcome: str, note: str = "") -> FollowUpTask:
    """完成任务: record the outcome the rule asks for. A refusal withdraws the call consent; a car
    that came in, or a refusal, stops the rest of a repeating reminder series."""
    task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    _can_act(member, task)
    if task.status in CLOSED:
        raise Conflict(f"该任务已{task.get_status_display()}。")
    allowed = task.allowed_outcomes or []
    if outcome not in allowed:
        from hq.policy.catalog import OUTCOMES

        names = "、".join(OUTCOMES.get(o, o) for o in allowed)
        raise DomainError(f"请选择本任务要求记录的结果：{names}。", field="outcome")
    if outcome == "complaint" and not note.strip():
        raise DomainError("发现抱怨时请记录客户反映的问题。", field="note")
    task.status, task.outcome, task.outcome_note = TaskStatus.DONE, outcome, note.strip()[:2000]
    task.completed_at, task.completed_by_id = timezone.now(), member.user_id
    task.save(update_fields=["status", "outcome", "outcome_note", "completed_at", "completed_by_id"])
    if outcome == REFUSED:
        Customer.objects.filter(pk=task.customer_id).update(may_call=False)
        FollowUpTask.objects.filter(customer_id=task.customer_id, channel="call",
                                    status__in=[TaskStatus.OPEN, TaskStatus.OVERDUE]).update(
            status=TaskStatus.SKIPPED, skip_reason="客户拒绝回访")
    if outcome == NO_ANSWER and task.channel == "call":
        _retry_next_working_day(task)
    if outcome == "came_in":
        FollowUpTask.objects.filter(customer_id=task.customer_id, rule_key=task.rule_key,
                                    event_date=task.event_date,
                                    status__in=[TaskStatus.OPEN, TaskStatus.OVERDUE]).update(
            status=TaskStatus.DONE, outcome="came_in", completed_at=timezone.now())
    return task


@transaction.atomic
def task_skip(*, member: StoreMembership, task: FollowUpTask, reason: str) -> FollowUpTask:
    """跳过任务: only with a reason (supervision reads it)."""
    task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    _can_act(member, task)
    if task.status in CLOSED:
        raise Conflict(f"该任务已{task.get_status_display()}。")
    if not reason.strip():
        raise DomainError("跳过任务须填写原因。", field="reason")
    task.status, task.skip_reason = TaskStatus.SKIPPED, reason.strip()[:200]
    task.completed_at, task.completed_by_id = timezone.now(), member.user_id
    task.save(update_fields=["status", "skip_reason", "completed_at", "completed_by_id"])
    return task


def cadence_override_set(*, member: StoreMembership, kind: str, overrides: dict[str, Any]) -> StorePolicyAdoption:
    """门店调整: the store manager changes what the group template leaves open (hq validates)."""
    from .engine import current_store

    return store_policy_override_set(store=current_store(), kind=kind, overrides=overrides, actor=member.user)
