"""Tell the schema guard which store a Celery task serves (tenant-schemas-celery switches it)."""

from typing import Any

from celery.signals import task_postrun, task_prerun
from django.utils import timezone

from . import guard
from .models import Store, store_zone


def _task_schema(task: Any) -> str | None:
    headers = task.request.headers or {}
    return headers.get("_schema_name") or task.request.get("_schema_name")


@task_prerun.connect(weak=False)
def _enter(task: Any = None, **_: Any) -> None:
    schema = _task_schema(task) if task is not None else None
    if schema and schema != "public":
        task._guard_token = guard.set_serving(schema)
        # A store's task reads "today", quiet hours and working time on the store's own clock.

        zone = Store.objects.filter(schema_name=schema).values_list("time_zone", flat=True).first()
        timezone.activate(store_zone(zone))


@task_postrun.connect(weak=False)
def _leave(task: Any = None, **_: Any) -> None:
    token = getattr(task, "_guard_token", None)
    if token is not None:
        guard.reset_serving(token)
        task._guard_token = None
        timezone.deactivate()
