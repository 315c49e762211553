"""Tell the schema guard which store a Celery task serves (tenant-schemas-celery switches it)."""

from typing import Any

from celery.signals import task_postrun, task_prerun

from . import guard


def _task_schema(task: Any) -> str | None:
    headers = task.request.headers or {}
    return headers.get("_schema_name") or task.request.get("_schema_name")


@task_prerun.connect(weak=False)
def _enter(task: Any = None, **_: Any) -> None:
    schema = _task_schema(task) if task is not None else None
    if schema and schema != "public":
        task._guard_token = guard.set_serving(schema)


@task_postrun.connect(weak=False)
def _leave(task: Any = None, **_: Any) -> None:
    token = getattr(task, "_guard_token", None)
    if token is not None:
        guard.reset_serving(token)
        task._guard_token = None
