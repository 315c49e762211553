"""Refreshing snapshots (指标快照刷新): one store computes, the public table receives, a run row records it."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tenants.utils import tenant_context

from tenants.models import Store

from ..models import MetricSnapshot, SnapshotRun, StorePolicyAdoption
from .periods import Period

log = logging.getLogger(__name__)


def _providers() -> list[Callable[[Period], dict[str, float]]]:
    return [import_string(f"{path}.compute") for path in settings.HQ_METRIC_PROVIDERS]


def store_policy_version(store: Store) -> str:
    """The policy versions in force at the store, e.g. 'cadence v3 · complaint v1'."""
    rows = StorePolicyAdoption.objects.filter(store=store).select_related("version").order_by("kind")
    return " · ".join(f"{r.kind} v{r.version.number}" for r in rows)


def snapshot_compute(*, store: Store, period: Period) -> dict[str, float]:
    """All figures of one store for one period, computed inside its schema."""
    values: dict[str, float] = {}
    # Its own savepoint: a failing query must not poison a caller's transaction (the failure is recorded).
    # In the store's schema and its zone: "today", month ends and local dates are the store's.
    with tenant_context(store), timezone.override(store.zone), transaction.atomic():
        for compute in _providers():
            values.update(compute(period))
    return values


def snapshot_refresh_store(*, store: Store, period: Period) -> int:
    """Recompute one store's period and replace its rows (idempotent). A failure is recorded, not hidden:
    the old figures stay and the store shows as stale."""
    started = time.perf_counter()
    try:
        values = snapshot_compute(store=store, period=period)
    except Exception as exc:
        log.exception("snapshot refresh failed for %s %s", store.schema_name, period.code)
        SnapshotRun.objects.update_or_create(
            store=store, period_kind=period.kind, period_start=period.start,
            defaults={"group_id": store.group_id, "status": SnapshotRun.Status.FAILED,
                      "finished_at": timezone.now(), "error": f"{exc.__class__.__name__}: {exc}"[:300],
                      "duration_ms": int((time.perf_counter() - started) * 1000)},
        )
        raise
    version = store_policy_version(store)
    now = timezone.now()
    with transaction.atomic():
        MetricSnapshot.objects.filter(store=store, period_kind=period.kind, period_start=period.start).delete()
        MetricSnapshot.objects.bulk_create([
            MetricSnapshot(group_id=store.group_id, store=store, period_kind=period.kind, period_start=period.start,
                           metric=key, value=value, policy_version=version, computed_at=now)
            for key, value in values.items()
        ])
        SnapshotRun.objects.update_or_create(
            store=store, period_kind=period.kind, period_start=period.start,
            defaults={"group_id": store.group_id, "status": SnapshotRun.Status.OK, "finished_at": now,
                      "last_ok_at": now, "error": "", "duration_ms": int((time.perf_counter() - started) * 1000)},
        )
    return len(values)


def nightly_periods(now: dt.datetime | None = None) -> list[Period]:
    """Yesterday, this month so far, and — in the first days of a month — last month, to close it."""
    day = timezone.localtime(now).date()  # the group's day, not UTC's
    yesterday = day - dt.timedelta(days=1)
    periods = [Period("day", yesterday), Period("month", day.replace(day=1))]
    if day.day <= 3:  # late data for last month (a call logged after midnight) still closes it
        last_month = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        periods.append(Period("month", last_month))
    return periods
