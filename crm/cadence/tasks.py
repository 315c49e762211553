"""Cadence Celery tasks: thin, take ids, run in the store's schema (tenant-schemas-celery headers).

Beat starts `cadence.daily_fanout` once a day; it enqueues one run per store, spread over
CADENCE_SPREAD_S seconds by a stable per-store offset so a thousand stores never start together.
acks_late + task_reject_on_worker_lost (settings) make a killed worker's run be delivered again.
"""

from __future__ import annotations

import datetime as dt
import zlib

from celery import shared_task
from django.conf import settings


def _spread(store_id: int, seconds: int) -> int:
    return zlib.crc32(str(store_id).encode()) % max(seconds, 1)


@shared_task(name="cadence.daily_fanout", acks_late=True)
def cadence_daily_fanout(run_on: str | None = None) -> int:
    """Enqueue the daily run of every active store, each in its schema, spread over time."""
    from tenants.models import Store

    run_on = run_on or dt.date.today().isoformat()
    spread = int(getattr(settings, "CADENCE_SPREAD_S", 3600))
    stores = list(Store.objects.filter(status=Store.Status.ACTIVE).values_list("pk", "schema_name"))
    for store_id, schema in stores:
        cadence_store_run.apply_async(args=(run_on,), headers={"_schema_name": schema},
                                      countdown=_spread(store_id, spread))
    return len(stores)


@shared_task(name="cadence.store_run", acks_late=True)
def cadence_store_run(run_on: str | None = None) -> int:
    """One store's daily run (idempotent: a redelivered or repeated run adds nothing twice)."""
    from .engine import cadence_run_store

    today = dt.date.fromisoformat(run_on) if run_on else None
    return cadence_run_store(today=today).created


@shared_task(name="cadence.customer_run", acks_late=True)
def cadence_customer_run(customer_id: int) -> int:
    """After an event is committed: that customer's tasks due today."""
    from .engine import cadence_run_customer

    return cadence_run_customer(customer_id=customer_id)


@shared_task(name="cadence.outbox_fanout", acks_late=True)
def cadence_outbox_fanout() -> int:
    from tenants.models import Store

    stores = list(Store.objects.filter(status=Store.Status.ACTIVE).values_list("schema_name", flat=True))
    for schema in stores:
        cadence_outbox_dispatch.apply_async(headers={"_schema_name": schema})
    return len(stores)


@shared_task(name="cadence.outbox_dispatch", acks_late=True)
def cadence_outbox_dispatch() -> int:
    """Send the store's due messages, outside its quiet hours."""
    from hq.models import PolicyKind
    from hq.selectors import policy_effective

    from .engine import current_store
    from .outbox import outbox_dispatch

    policy = policy_effective(current_store(), PolicyKind.CADENCE)
    quiet = policy.body.get("quiet_hours") if policy else None
    return outbox_dispatch(quiet=quiet)
