"""The one per-store fan-out: which stores get a job, and sending it into each store's schema.

The rule (store lifecycle, tenants.models.Store.Status; 已暂停 = read-only):
- OUTBOUND work — anything that creates work items or reaches people: the cadence's daily run and outbox
  (SMS/WeChat), complaint SLA escalations and notices, the nightly
  classification, the month-end maintenance list — runs in ACTIVE stores only. A suspended store keeps
  all its data and can be read, but nothing new is written into it and nobody is called or messaged for it.
- BOOKKEEPING — HQ's metric snapshots (what the group sees of the store) and policy adoption (so a store
  that resumes follows the current rules) — runs in every store that is not archived.
- An archived store gets nothing.
Nightly fan-outs go to the default `celery` queue, never `interactive` (settings: CELERY_TASK_ROUTES).
"""

from __future__ import annotations

import enum
import zlib
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from django.conf import settings

from .models import Store


class Work(enum.Enum):
    OUTBOUND = "outbound"
    BOOKKEEPING = "bookkeeping"


class StoreRef(NamedTuple):
    pk: int
    schema_name: str
    time_zone: str  # the store's clock: a job dated "today" takes the store's own today


def stores_for(work: Work, *, group_id: int | None = None) -> list[StoreRef]:
    """The stores a job of this kind runs in (the rule above), in a stable order."""
    qs = Store.objects.all()
    if work is Work.OUTBOUND:
        qs = qs.filter(status=Store.Status.ACTIVE)
    else:
        qs = qs.exclude(status=Store.Status.ARCHIVED)
    if group_id is not None:
        qs = qs.filter(group_id=group_id)
    return [StoreRef(*row) for row in qs.order_by("pk").values_list("pk", "schema_name", "time_zone")]


def store_takes(work: Work, store: Any) -> bool:
    """Whether one store gets jobs of this kind (the same rule as `stores_for`)."""
    if work is Work.OUTBOUND:
        return bool(store.status == Store.Status.ACTIVE)
    return bool(store.status != Store.Status.ARCHIVED)


def stable_offset(store_id: int, seconds: int) -> int:
    """The same store starts at the same second of the window every day (crc32 of its id)."""
    return zlib.crc32(str(store_id).encode()) % max(seconds, 1)


def fan_out_to_stores(
    task_name: str,
    *,
    work: Work,
    args: Sequence[Any] | Callable[[StoreRef], Sequence[Any]] = (),
    spread_seconds: int = 0,
    stable: bool = False,
    group_id: int | None = None,
    expires: float | None = None,
    in_store_schema: bool = True,
) -> int:
    """Send `task_name` once per store chosen by `work`, spread over `spread_seconds` (evenly by position,
    or by `stable_offset` when `stable`), into the store's schema (or the public schema when the task
    takes the store's id itself). `args` may be a function of the store. Returns the number of stores."""
    stores = stores_for(work, group_id=group_id)
    n = len(stores)
    for i, store in enumerate(stores):
        if not spread_seconds:
            countdown = 0
        elif stable:
            countdown = stable_offset(store.pk, spread_seconds)
        else:
            countdown = int(spread_seconds * i / max(1, n))
        _send(task_name, args=tuple(args(store) if callable(args) else args),
              headers={"_schema_name": store.schema_name if in_store_schema else "public"},
              countdown=countdown, expires=expires, queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    return n


def _send(task_name: str, **options: Any) -> Any:
    """Through the registered task when this process knows it (so eager mode and routing apply), else by
    name (a task only the worker imports)."""
    from celery import current_app as app  # the project's tenant-aware app (config.celery), not imported

    task = app.tasks.get(task_name)
    if task is None:
        return app.send_task(task_name, **options)
    return task.apply_async(**options)
