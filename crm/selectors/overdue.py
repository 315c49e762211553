"""逾期: the one meaning of "overdue" for every page that counts it.

今日待办, 我的任务, 跟进督查 and 逾期任务(按人) all read it from here, so the same person shows the
same number everywhere.

The rule (handbook 000: a follow-up planned for a day and not made that day is a missed follow-up, the
first step of the warning/penalty ladder; handbook 004: today's visitors are called *that evening*, so a
task due today is not late until the day is over):

    A work item is overdue when it is still open and its due day is before the store's local today
    (`timezone.localdate()`, Asia/Shanghai). Due *today* — whatever the hour — is "due", not overdue.

The work items are
- follow-up tasks of the cadence (FollowUpTask) in status open or overdue, by their due date. The
  nightly cadence run flags late tasks `overdue`, but the rule does not wait for it: a task due
  yesterday is overdue at 00:00 today even if the run has not happened yet (a read never writes);
- the planned next follow-up of an open lead (Lead.next_followup_on), for the lead's consultant.

A lead is one piece of work: when it has an overdue task of its own (lead_id) and its planned date has
also passed, it counts once, through the task (whose assignee is the one expected to call).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import FollowUpTask, Lead
from ..models.cadence import TaskStatus
from ..models.choices import LeadStatus

ACTIVE_TASK = (TaskStatus.OPEN, TaskStatus.OVERDUE)


def overdue_today(today: dt.date | None = None) -> dt.date:
    """The day against which lateness is judged: the store's local today unless a caller pins one."""
    return today or timezone.localdate()


def overdue_tasks(*, today: dt.date | None = None) -> QuerySet[FollowUpTask]:
    """Cadence tasks that are overdue by the rule above (any assignee; filter further as needed)."""
    return FollowUpTask.objects.filter(status__in=ACTIVE_TASK, due_date__lt=overdue_today(today))


def overdue_leads(*, today: dt.date | None = None) -> QuerySet[Lead]:
    """Open leads whose planned follow-up day has passed and that are not already counted through an
    overdue task of their own."""
    day = overdue_today(today)
    counted = overdue_tasks(today=day).filter(lead_id__isnull=False).values("lead_id")
    return Lead.objects.filter(status=LeadStatus.OPEN, next_followup_on__lt=day).exclude(pk__in=counted)


def overdue_counts(*, today: dt.date | None = None, user_ids: Iterable[int] | None = None) -> Counter[int | None]:
    """Overdue work items per person (task assignee / lead consultant; None = unassigned tasks)."""
    day = overdue_today(today)
    tasks, leads = overdue_tasks(today=day), overdue_leads(today=day)
    if user_ids is not None:
        ids = list(user_ids)
        tasks, leads = tasks.filter(assignee_id__in=ids), leads.filter(consultant_id__in=ids)
    counts: Counter[int | None] = Counter()
    counts.update(tasks.values_list("assignee_id", flat=True))
    counts.update(leads.values_list("consultant_id", flat=True))
    return counts


def overdue_count_for(user_id: int, *, today: dt.date | None = None) -> int:
    """How many work items of this person are overdue (the figure every page shows for them)."""
    return overdue_counts(today=today, user_ids=[user_id]).get(user_id, 0)


def overdue_task_filter(today: dt.date) -> Q:
    """The task part of the rule as a Q, for annotations that count per group in one query."""
    return Q(status__in=ACTIVE_TASK, due_date__lt=today)
