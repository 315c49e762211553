"""Follow-up discipline and maintenance-reminder conversion (保养提醒 → 进站) from the cadence engine.

Runs inside the store's schema (the caller holds tenant_context), set-based like the other providers.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hq.metrics.catalogue import Metric, register
from hq.metrics.periods import Period
from tenants.db import fetch_one, percent

from .engine import current_store

AREA = _("跟进提醒")
# A reminded customer "came in" with a maintenance visit from a week before the reminder's due date
# (booked on the call) to 45 days after it.
CAME_IN_WINDOW = ("7 days", "45 days")

register(
    Metric("cadence_tasks_due", _("到期跟进任务"), "count", None, "sum", AREA),
    Metric("cadence_tasks_on_time_pct", _("跟进任务按时完成率"), "pct", True, "mean", AREA),
    Metric("cadence_tasks_overdue", _("逾期跟进任务"), "count", False, "sum", AREA),
    Metric("maintenance_reminded", _("保养提醒客户数"), "count", True, "sum", AREA),
    Metric("maintenance_reminded_came_in", _("提醒后进站客户数"), "count", True, "sum", AREA),
    Metric("maintenance_reminder_conversion_pct", _("保养提醒进站率"), "pct", True, "mean", AREA),
)


def compute(period: Period) -> dict[str, float]:
    p = {"s": period.start, "e": period.end, "before": CAME_IN_WINDOW[0], "after": CAME_IN_WINDOW[1],
         "today": timezone.localdate(), "tz": current_store().zone.key}  # the store's day, its own zone
    # Calls are planned ahead (crm.cadence.sql.plan_ahead_days): a task counts as due once its day has
    # come, and one withdrawn before its day (a refusal, the car came in) never fell due.
    tasks = fetch_one(
        """
        SELECT count(*) FILTER (WHERE due_date >= %(s)s AND due_date < %(e)s) AS due,
               count(*) FILTER (WHERE due_date >= %(s)s AND due_date < %(e)s AND status = 'done'
                                AND (completed_at AT TIME ZONE %(tz)s)::date <= due_date) AS on_time,
               count(*) FILTER (WHERE status = 'overdue' AND due_date < %(e)s) AS overdue
        FROM crm_followuptask
        WHERE due_date <= %(today)s
          AND NOT ((status = 'skipped' OR outcome = 'came_in')
                   AND (completed_at AT TIME ZONE %(tz)s)::date < due_date)
        """,
        p,
    )
    reminders = fetch_one(
        """
        WITH reminded AS (
            SELECT t.customer_id, min(t.due_date) AS due_date
            FROM crm_followuptask t
            WHERE t.trigger IN ('first_maintenance_due', 'maintenance_due')
              AND t.due_date >= %(s)s AND t.due_date < %(e)s
              AND (t.status = 'done' OR EXISTS (SELECT 1 FROM crm_outboxmessage m
                                                WHERE m.task_id = t.id AND m.status = 'sent'))
            GROUP BY t.customer_id
        )
        SELECT count(*) AS reminded,
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM crm_servicevisit s WHERE s.customer_id = r.customer_id
                   AND s.kind IN ('first', 'periodic')
                   AND s.visited_on >= r.due_date - %(before)s::interval
                   AND s.visited_on < r.due_date + %(after)s::interval)) AS came_in
        FROM reminded r
        """,
        p,
    )
    out: dict[str, float | None] = {
        "cadence_tasks_due": tasks["due"],
        "cadence_tasks_on_time_pct": percent(tasks["on_time"], tasks["due"]),
        "cadence_tasks_overdue": tasks["overdue"],
        "maintenance_reminded": reminders["reminded"],
        "maintenance_reminded_came_in": reminders["came_in"],
        "maintenance_reminder_conversion_pct": percent(reminders["came_in"], reminders["reminded"]),
    }
    return {k: float(v) for k, v in out.items() if v is not None}
