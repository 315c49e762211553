"""Reads for the cadence pages: my tasks by day, overdue per person, maintenance due next month, and
the month-end lists (每月底导出) already generated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from tenants.models import User

from ..models import FollowUpTask, OutboxMessage
from ..models.cadence import MaintenanceDueList, TaskStatus
from ..selectors.overdue import overdue_counts, overdue_task_filter

ACTIVE = (TaskStatus.OPEN, TaskStatus.OVERDUE)


def task_queue_for(user_id: int, day: dt.date) -> QuerySet[FollowUpTask]:
    """我的任务: what is due that day for this person; on today, everything still overdue too (the one
    rule of crm.selectors.overdue: open and due before today, whether or not the nightly run flagged it)."""
    qs = FollowUpTask.objects.filter(assignee_id=user_id).select_related("customer", "vehicle")
    if day == timezone.localdate():
        qs = qs.filter(Q(due_date=day) | overdue_task_filter(day))
    else:
        qs = qs.filter(due_date=day)
    return qs.order_by("status", "due_date", "due_at", "id")


def task_get(pk: int) -> FollowUpTask | None:
    return FollowUpTask.objects.select_related("customer", "vehicle").filter(pk=pk).first()


@dataclass(frozen=True)
class OverdueRow:
    user_id: int | None
    name: str
    overdue: int
    due_today: int
    done_on_time_30d: int
    done_30d: int

    @property
    def on_time_rate(self) -> str:
        return f"{self.done_on_time_30d * 100 // self.done_30d}%" if self.done_30d else "—"


def overdue_by_person(today: dt.date) -> list[OverdueRow]:
    """逾期任务(按人): per person, overdue work now (crm.selectors.overdue: cadence tasks and lead
    follow-ups, one rule for every page), due today, and on-time completion over 30 days."""
    since = today - dt.timedelta(days=30)
    rows = (FollowUpTask.objects.values("assignee_id").annotate(
        due_today=Count("id", filter=Q(status__in=ACTIVE, due_date=today)),
        done=Count("id", filter=Q(status=TaskStatus.DONE, due_date__gte=since, due_date__lte=today)),
        on_time=Count("id", filter=Q(status=TaskStatus.DONE, due_date__gte=since, due_date__lte=today,
                                     completed_at__date__lte=F("due_date"))),
    ).order_by())
    data = {r["assignee_id"]: r for r in rows}
    late = overdue_counts(today=today)
    people = set(data) | set(late)
    names = dict(User.objects.filter(pk__in=[p for p in people if p]).values_list("pk", "name"))
    out = []
    for person in people:
        r = data.get(person, {"due_today": 0, "on_time": 0, "done": 0})
        if late.get(person) or r["due_today"] or r["done"]:
            out.append(OverdueRow(person, names.get(person, gettext("未分配")) if person else gettext("未分配"), late.get(person, 0),
                                  r["due_today"], r["on_time"], r["done"]))
    return sorted(out, key=lambda row: (-row.overdue, row.name))


def customer_messages(customer_id: int) -> QuerySet[OutboxMessage]:
    """The customer's messages (for the timeline): what was sent, when, through which channel."""
    return OutboxMessage.objects.filter(customer_id=customer_id).order_by("-created_at")


@dataclass(frozen=True)
class MaintenanceDue:
    customer_id: int
    customer_name: str
    mobile: str
    vehicle_id: int
    plate: str
    model: str
    last_visit: dt.date | None
    last_km: int | None
    daily_km: float | None
    due_on: dt.date
    by: str  # "时间" | "里程"


def maintenance_due_between(start: dt.date, end: dt.date, body: dict[str, Any]) -> list[MaintenanceDue]:
    """保养到期预测: per vehicle the next maintenance date — by time since the last maintenance (or
    delivery for 首保) or by mileage at its daily mileage (日行驶里程), whichever comes first — that
    falls in [start, end] for cars that have not come in since."""
    m = body["maintenance"]
    sql = """
WITH base AS (
  SELECT v.id AS vehicle_id, v.owner_id, v.plate, v.model, v.daily_km, lm.visited_on AS last_visit,
         COALESCE(lm.visited_on, v.delivered_on) AS since,
         CASE WHEN lm.visited_on IS NULL THEN %(first_days)s ELSE %(interval_days)s END AS days,
         CASE WHEN lm.visited_on IS NULL THEN %(first_km)s ELSE COALESCE(lm.km, 0) + %(interval_km)s END AS target_km,
         lr.read_on, lr.km AS last_km
  FROM crm_vehicle v
  LEFT JOIN LATERAL (SELECT sv.visited_on, sv.km FROM crm_servicevisit sv WHERE sv.vehicle_id = v.id
                     AND sv.kind IN ('first', 'periodic') ORDER BY sv.visited_on DESC LIMIT 1) lm ON TRUE
  LEFT JOIN LATERAL (SELECT mr.read_on, mr.km FROM crm_mileagereading mr WHERE mr.vehicle_id = v.id
                     ORDER BY mr.read_on DESC, mr.km DESC LIMIT 1) lr ON TRUE
  WHERE COALESCE(lm.visited_on, v.delivered_on) IS NOT NULL
), due AS (
  SELECT b.*, b.since + b.days AS by_time,
         CASE WHEN b.daily_km > 0 AND b.last_km IS NOT NULL
              THEN b.read_on + GREATEST(0, CEIL((b.target_km - b.last_km) / b.daily_km))::int END AS by_km
  FROM base b
)
SELECT d.owner_id, c.name, c.mobile, d.vehicle_id, d.plate, d.model, d.last_visit, d.last_km, d.daily_km,
       LEAST(d.by_time, COALESCE(d.by_km, d.by_time)) AS due_on,
       CASE WHEN d.by_km IS NOT NULL AND d.by_km < d.by_time THEN '里程' ELSE '时间' END
FROM due d JOIN crm_customer c ON c.id = d.owner_id
WHERE LEAST(d.by_time, COALESCE(d.by_km, d.by_time)) BETWEEN %(start)s AND %(end)s
  AND NOT EXISTS (SELECT 1 FROM crm_servicevisit sv WHERE sv.vehicle_id = d.vehicle_id AND sv.visited_on > d.since)
ORDER BY due_on, c.name
"""  # zh-data: the maintenance-due file's column value
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": start, "end": end, **m})
        rows = cursor.fetchall()
    return [MaintenanceDue(r[0], r[1], r[2], r[3], r[4] or "", r[5] or "", r[6], r[7],
                           float(r[8]) if r[8] is not None else None, r[9], r[10]) for r in rows]


def maintenance_lists(limit: int = 24) -> list[MaintenanceDueList]:
    """每月底导出的名单: the store's generated month-end files, newest month first."""
    return list(MaintenanceDueList.objects.order_by("-month")[:limit])


def maintenance_list_get(pk: int) -> MaintenanceDueList | None:
    return MaintenanceDueList.objects.filter(pk=pk).first()
