"""The daily run and the after-event run of one store's cadence (跟进节奏每日生成).

`cadence_run_store` runs in the store's schema (a tenant-schemas-celery task switches to it). It
reads the store's effective cadence policy (hq template version + store overrides), runs one
set-based INSERT per rule, each in its own transaction, then closes reminders for cars that came
in, marks overdue tasks and queues messages. Every step is idempotent: a rerun, or a run resumed
after its worker was killed, completes the work without doubling anything.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from hq.calendar import WorkCalendar
from hq.models import PolicyKind
from hq.selectors import EffectivePolicy, policy_effective, work_calendar_for_group
from tenants.db import execute_counting
from tenants.models import Store
from tenants.requests import current_store as current_store  # the one helper; callers import it here too
from tenants.selectors import store_members, store_role_members

from ..models import CadenceRun
from .sql import LEAD_GRADED_AT, RETURN_VISIT_RECORDS, plan_ahead_days, rule_insert

# Local dates are read in the store's own zone (Store.time_zone), a bound parameter.
LOCAL_TZ = "AT TIME ZONE %(tz)s"

log = logging.getLogger(__name__)
MAX_CATCH_UP_DAYS = 30


@dataclass
class RunResult:
    run_on: dt.date
    window_start: dt.date
    created: int
    rules: int
    closed_came_in: int
    overdue: int
    queued_messages: int
    seconds: float


def _staff_names(store: Store) -> dict[int, str]:
    """Everyone who is or was on the store's staff, by user id (read from public once per run, then bound
    into the store's SQL as parameters)."""
    return {m.user_id: m.user.name for m in store_members(store.pk, include_inactive=True)}


def _role_members(store: Store) -> dict[str, list[int]]:
    return store_role_members(store.pk)


def holiday_starts(cal: WorkCalendar, start: dt.date, end: dt.date, wanted: list[str]) -> list[tuple[dt.date, str]]:
    """First day of each wanted statutory holiday (节日) between start and end."""
    out = []
    day = start
    while day <= end:
        name = cal.holiday_name(day)
        if name and name in wanted and cal.holiday_name(day - dt.timedelta(days=1)) != name:
            out.append((day, name))
        day += dt.timedelta(days=1)
    return out


def _generate(store: Store, policy: EffectivePolicy, *, start: dt.date, end: dt.date,
              customer_id: int | None = None, run: CadenceRun | None = None) -> tuple[int, int]:
    body = policy.body
    members = _role_members(store)
    names = _staff_names(store)
    cal = work_calendar_for_group(store.group_id)
    pause = float(getattr(settings, "CADENCE_RULE_PAUSE_S", 0) or 0)
    created = rules = 0
    for rule in body["rules"]:
        if not rule.get("enabled", True):
            continue
        holidays: list[tuple[dt.date, str]] = []
        if rule["trigger"] == "holiday":
            holidays = holiday_starts(cal, start - dt.timedelta(days=rule["offset_days"]),
                                      end - dt.timedelta(days=rule["offset_days"]), body.get("holidays") or [])
            if not holidays:
                continue
        # Calls of an event's series are created at once, on their future dates (planned ahead).
        stmt = rule_insert(rule, body, start=start, end=end, ahead=plan_ahead_days(rule, body),
                           version_id=policy.version.pk,
                           version_number=policy.version.number, store_name=store.name,
                           role_ids=members.get(rule["assignee"], []), holidays=holidays, customer_id=customer_id,
                           user_names=names, tz=store.zone.key, now=timezone.now())
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(stmt.sql, stmt.params)
            task_ids = list(cursor.fetchone()[0])  # the rows it inserted (RETURNING, never rowcount)
            created += len(task_ids)
            if stmt.return_visits and task_ids:
                cursor.execute(RETURN_VISIT_RECORDS, {"task_ids": task_ids, "now": stmt.params["now"]})
            if run is not None:
                CadenceRun.objects.filter(pk=run.pk).update(rules_done=run.rules_done + [rule["key"]])
                run.rules_done = run.rules_done + [rule["key"]]
        rules += 1
        if pause:
            time.sleep(pause)  # only for the worker-kill test (settings.CADENCE_RULE_PAUSE_S)
    return created, rules


def _close_came_in(customer_id: int | None = None) -> int:
    """首保/保养提醒持续到客户进站为止: close reminders once the car has come in (a repair order, also
    the one a kept appointment opens at check-in). After an event only that customer's are looked at."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE crm_followuptask t SET status = 'done', outcome = 'came_in', completed_at = %(now)s, "  # zh-data: stored on the task as its outcome note
            "outcome_note = '客户已进站(系统自动关闭)' "
            "WHERE t.status IN ('open', 'overdue') AND t.trigger IN ('first_maintenance_due', 'maintenance_due') "
            "AND (%(customer_id)s::bigint IS NULL OR t.customer_id = %(customer_id)s) "
            "AND EXISTS (SELECT 1 FROM crm_servicevisit sv WHERE sv.vehicle_id = t.vehicle_id "
            "AND (sv.visited_on >= t.due_date OR sv.created_at >= t.created_at))",
            {"customer_id": customer_id, "now": timezone.now()},
        )
        return max(cursor.rowcount, 0)


REGRADED_REASON = "意向级别已调整为{grade}级，按新级别重新安排跟进(系统自动关闭)"  # zh-data: stored on the task as its close reason
# Built from constants of this module and sql.py only; every value is a bound parameter.
_CLOSE_REGRADED = (
    "UPDATE crm_followuptask t SET status = 'skipped', completed_at = %(now)s, "  # noqa: S608  # nosec B608  # fixed SQL of this module's constants; every value is a bound parameter
    "skip_reason = replace(%(reason)s, '{grade}', l.grade) "
    "FROM crm_lead l WHERE l.id = t.lead_id AND t.trigger = 'lead_graded' AND t.status IN ('open', 'overdue') "
    f"AND t.event_date < ({LEAD_GRADED_AT} {LOCAL_TZ})::date "
    "AND (%(customer_id)s::bigint IS NULL OR t.customer_id = %(customer_id)s)"
)


def _close_regraded(customer_id: int | None = None) -> int:
    """重新定级: the follow-ups the lead's previous grade planned (counted from an earlier grading) are
    skipped with the reason; the new grade's cadence counts from the regrade. Idempotent."""
    with connection.cursor() as cursor:
        cursor.execute(_CLOSE_REGRADED, {"reason": REGRADED_REASON, "customer_id": customer_id,
                                         "now": timezone.now(), "tz": current_store().zone.key})
        return max(cursor.rowcount, 0)


def _mark_overdue(today: dt.date) -> int:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE crm_followuptask SET status = 'overdue' WHERE status = 'open' AND due_date < %s",
                       [today])
        return max(cursor.rowcount, 0)


def _queue_messages(start: dt.date, end: dt.date, customer_id: int | None = None) -> int:
    """Messages of due message tasks go to the outbox once (UNIQUE task_id)."""
    with connection.cursor() as cursor:
        # The rows are selected in a MATERIALIZED CTE first: Citus refuses this INSERT … SELECT as one statement
        # ("requires repartitioning"); counted with RETURNING (rowcount is not reliable there).
        return execute_counting(
            cursor,
            "WITH due AS MATERIALIZED (SELECT t.id, t.customer_id, t.channel, CASE WHEN t.channel = 'email' THEN c.email "
            "WHEN t.channel = 'wechat' AND c.wechat <> '' THEN c.wechat ELSE c.mobile END, t.message, 'pending', 0, "
            "GREATEST(COALESCE(t.due_at, (t.due_date + time '09:00') AT TIME ZONE %(tz)s), %(now)s), "
            "'' AS last_error, '' AS provider_ref, %(now)s AS created_at, t.rule_key, t.message_params "
            "FROM crm_followuptask t JOIN crm_customer c ON c.id = t.customer_id "
            "WHERE t.channel IN ('sms', 'wechat', 'email') AND t.status IN ('open', 'overdue') "
            "AND (t.channel <> 'email' OR (c.email <> '' AND c.email_consent)) "
            "AND t.due_date BETWEEN %(start)s AND %(end)s "
            "AND (%(customer_id)s::bigint IS NULL OR t.customer_id = %(customer_id)s)) "
            "INSERT INTO crm_outboxmessage (task_id, customer_id, channel, \"to\", body, status, attempts, "
            "next_attempt_at, last_error, provider_ref, created_at, rule_key, params) SELECT * FROM due "
            "ON CONFLICT (task_id) DO NOTHING",
            {"start": start, "end": end, "customer_id": customer_id, "now": timezone.now(),
             "tz": current_store().zone.key},
        )


def cadence_run_store(*, today: dt.date | None = None) -> RunResult:
    """每日生成: create every task due from the day after the last finished run (catch-up, at most
    30 days) up to today — and, for the rules planned ahead (delivery, service, first maintenance),
    their later calls on their future dates — for the store whose schema is active. Safe to run any
    number of times."""
    began = time.perf_counter()
    store = current_store()
    today = today or timezone.localdate()
    policy = policy_effective(store, PolicyKind.CADENCE)  # read only: never adopts
    if policy is None:
        log.warning("store %s has no cadence policy; nothing generated", store.schema_name)
        return RunResult(today, today, 0, 0, 0, 0, 0, 0.0)
    last = (CadenceRun.objects.filter(finished_at__isnull=False, run_on__lt=today).order_by("-run_on")
            .values_list("run_on", flat=True).first())
    start = today if last is None else max(last + dt.timedelta(days=1), today - dt.timedelta(days=MAX_CATCH_UP_DAYS))
    run, _ = CadenceRun.objects.get_or_create(run_on=today, defaults={"window_start": start,
                                                                     "policy_version_id": policy.version.pk})
    start = min(start, run.window_start)
    CadenceRun.objects.filter(pk=run.pk).update(rules_done=[], policy_version_id=policy.version.pk)
    run.rules_done = []
    created, rules = _generate(store, policy, start=start, end=today, run=run)
    regraded = _close_regraded()
    closed = _close_came_in()
    overdue = _mark_overdue(today)
    queued = _queue_messages(start, today)
    CadenceRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), created=run.created + created)
    seconds = time.perf_counter() - began
    log.info("cadence run %s for %s: +%s tasks (%s rules), %s regraded, %s came in, %s overdue, %s messages, "
             "%.2fs", today, store.schema_name, created, rules, regraded, closed, overdue, queued, seconds)
    return RunResult(today, start, created, rules, closed, overdue, queued, seconds)


def cadence_run_customer(*, customer_id: int, today: dt.date | None = None) -> int:
    """After an event (接待、试驾、交车、工单…) is committed: that customer's tasks due today appear now,
    and the calls planned from a delivery or a service visit appear on their future dates."""
    store = current_store()
    today = today or timezone.localdate()
    policy = policy_effective(store, PolicyKind.CADENCE)  # read only: never adopts
    if policy is None:
        return 0
    created, _rules = _generate(store, policy, start=today, end=today, customer_id=customer_id)
    _close_regraded(customer_id)
    _close_came_in(customer_id)  # a repair order just opened (e.g. a kept appointment) fulfils its reminders
    _queue_messages(today, today, customer_id=customer_id)
    return created
