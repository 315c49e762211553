"""Platform-level tasks."""

from __future__ import annotations

import time

from celery import shared_task
from django.core.cache import cache
from django_tenants.utils import schema_context

from .fanout import Work
from .fanout import fan_out_to_stores as fan_out

HEARTBEAT_KEY = "worker:heartbeat"


@shared_task(name="tenants.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> None:
    """Beat sends this every minute; /healthz reports how long ago a worker last ran it."""
    with schema_context("public"):
        cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


def last_heartbeat_age_s() -> float | None:
    with schema_context("public"):
        seen = cache.get(HEARTBEAT_KEY)
    return None if seen is None else max(0.0, time.time() - float(seen))


@shared_task(name="tenants.fan_out_to_stores", ignore_result=True)
def fan_out_to_stores(task_name: str, spread_seconds: int = 1800) -> int:
    """Beat's per-store outbound jobs (nightly classification, month-end list): `task_name` once into every
    active store's schema, spread over `spread_seconds`. The rule and the sending: tenants.fanout."""
    return fan_out(task_name, work=Work.OUTBOUND, spread_seconds=spread_seconds)
