"""Cadence Celery tasks: thin, take ids, run in the store's schema (tenant-schemas-celery headers).

Beat starts `cadence.daily_fanout` once a day; it enqueues one run per store, spread over
CADENCE_SPREAD_S seconds by a stable per-store offset so a thousand stores never start together.
Beat also starts `cadence.maintenance_list_month_end` on days 28-31; on the month's last day it fans
`cadence.maintenance_list_store` out per store (每月底导出: next month's due-but-not-come-in list).
acks_late + task_reject_on_worker_lost (settings) make a killed worker's run be delivered again.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from hq.models import PolicyKind, SmsAccount
from hq.selectors import policy_effective
from tenants.fanout import Work, fan_out_to_stores
from tenants.models import store_zone

from ..messaging import receipts_poll_store, tencent_pull_group
from .engine import cadence_run_customer, cadence_run_store, current_store
from .monthly import is_month_end, maintenance_list_generate
from .outbox import outbox_dispatch


def store_run_day(zone_name: str | None, now: dt.datetime | None = None) -> str:
    """The daily run's date: the store's own "today" in its zone (not the server's date.today())."""
    return timezone.localdate(now, timezone=store_zone(zone_name)).isoformat()


@shared_task(name="cadence.daily_fanout", acks_late=True)
def cadence_daily_fanout(run_on: str | None = None) -> int:
    """Enqueue the daily run of every active store (tenants.fanout), each in its schema, at a stable offset.
    The run's date is the store's own "today" (its zone) when beat fires, fixed now so the spread cannot
    move it."""
    spread = int(getattr(settings, "CADENCE_SPREAD_S", 3600))
    return fan_out_to_stores("cadence.store_run", work=Work.OUTBOUND,
                             args=lambda store: (run_on or store_run_day(store.time_zone),),
                             spread_seconds=spread, stable=True)


@shared_task(name="cadence.store_run", acks_late=True)
def cadence_store_run(run_on: str | None = None) -> int:
    """One store's daily run (idempotent: a redelivered or repeated run adds nothing twice)."""
    today = dt.date.fromisoformat(run_on) if run_on else None
    return cadence_run_store(today=today).created


@shared_task(name="cadence.customer_run", acks_late=True)
def cadence_customer_run(customer_id: int) -> int:
    """After an event is committed: that customer's tasks due today and the calls it plans ahead."""
    return cadence_run_customer(customer_id=customer_id)


def cadence_after_event(*, customer_id: int) -> None:
    """Call inside the service that records an event: that customer's generation follows the commit."""
    schema = getattr(connection, "schema_name", "public")
    transaction.on_commit(lambda: cadence_customer_run.apply_async(args=(customer_id,),
                                                                   headers={"_schema_name": schema}))


@shared_task(name="cadence.outbox_fanout", acks_late=True)
def cadence_outbox_fanout() -> int:
    return fan_out_to_stores("cadence.outbox_dispatch", work=Work.OUTBOUND)


@shared_task(name="cadence.outbox_dispatch", acks_late=True)
def cadence_outbox_dispatch() -> int:
    """Send the store's due messages, outside its quiet hours."""
    policy = policy_effective(current_store(), PolicyKind.CADENCE)
    return outbox_dispatch(policy_body=policy.body if policy else None)


@shared_task(name="cadence.maintenance_list_month_end", acks_late=True)
def cadence_maintenance_list_month_end(run_on: str | None = None) -> int:
    """每月底导出: on the last day of the month, every active store makes next month's list (fan-out
    spread over CADENCE_MONTHLY_SPREAD_S). Other days (beat fires on 28-31) do nothing."""
    today = dt.date.fromisoformat(run_on) if run_on else timezone.localdate()
    if not is_month_end(today):
        return 0
    spread = int(getattr(settings, "CADENCE_MONTHLY_SPREAD_S", 1800))
    return fan_out_to_stores("cadence.maintenance_list_store", work=Work.OUTBOUND, spread_seconds=spread)


@shared_task(name="cadence.maintenance_list_store", acks_late=True)
def cadence_maintenance_list_store(month: str | None = None) -> int:
    """One store's month-end list (in its schema); idempotent. Returns how many cars are on it."""
    row = maintenance_list_generate(month=dt.date.fromisoformat(month) if month else None)
    return row.rows if row is not None else 0


@shared_task(name="cadence.sms_receipts_fanout", acks_late=True)
def cadence_sms_receipts_fanout() -> int:
    """回执轮询: every store asks its group's Aliyun account for receipts still missing (QuerySendDetails);
    every group on Tencent Cloud pulls its receipts and replies (PullSmsSendStatus / PullSmsReplyStatus)."""
    sent = 0
    for group_id, vendor in SmsAccount.objects.filter(is_active=True).values_list("group_id", "vendor"):
        if vendor == "tencent":
            cadence_sms_tencent_pull.delay(group_id)
            sent += 1
        elif vendor == "aliyun":
            sent += int(fan_out_to_stores("cadence.sms_receipts_store", work=Work.OUTBOUND, group_id=group_id))
    return sent


@shared_task(name="cadence.sms_receipts_store", acks_late=True)
def cadence_sms_receipts_store() -> int:
    return receipts_poll_store()


@shared_task(name="cadence.sms_tencent_pull", acks_late=True)
def cadence_sms_tencent_pull(group_id: int) -> int:
    receipts, replies = tencent_pull_group(group_id=group_id)
    return receipts + replies
