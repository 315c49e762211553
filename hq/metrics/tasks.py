"""Snapshot jobs: beat fans the nightly refresh out per store, spread over time; HQ can refresh one store."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings

from tenants.fanout import StoreRef, Work, fan_out_to_stores, store_takes
from tenants.models import Store

from .periods import Period
from .services import nightly_periods
from .services import snapshot_refresh_store as refresh


@shared_task(name="hq.snapshot_refresh_store", acks_late=True, autoretry_for=(ConnectionError,),
             retry_backoff=True, max_retries=3)
def snapshot_refresh_store(store_id: int, kind: str, start: str) -> int:
    """Refresh one store's period. Takes ids and ISO dates; a store that vanished is skipped."""
    store = Store.objects.select_related("group").filter(pk=store_id).first()
    if store is None or not store_takes(Work.BOOKKEEPING, store) or kind not in ("day", "month"):
        return 0
    return refresh(store=store, period=Period(kind, dt.date.fromisoformat(start)))


@shared_task(name="hq.snapshot_refresh_all")
def snapshot_refresh_all(spread_seconds: int | None = None) -> int:
    """Nightly: one task per store and period, spread so a thousand stores do not start in the same second."""
    spread = settings.HQ_SNAPSHOT_SPREAD_S if spread_seconds is None else spread_seconds

    n = 0
    for p in nightly_periods():  # the task takes the store's id and enters its schema itself
        period_args = (p.kind, p.start.isoformat())

        def args(store: StoreRef, rest: tuple[str, str] = period_args) -> tuple[int, str, str]:
            return (store.pk, *rest)

        n = fan_out_to_stores("hq.snapshot_refresh_store", work=Work.BOOKKEEPING, spread_seconds=spread,
                              args=args, in_store_schema=False)
    return n
