"""The schema guard: every query on a store's request or task runs in that store's schema.

The middleware and the Celery task hooks declare which store is being served; the database
backend (tenants.db_backend) checks each query against it when TENANT_QUERY_GUARD is on (always
in tests). It turns django-tenants' quiet failure modes - a lazy queryset evaluated after
`tenant_context`, a task landing in `public`, a connection left on another store - into errors.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings

_expected_schema: ContextVar[str | None] = ContextVar("expected_schema", default=None)
_TENANT_TABLE_RE: re.Pattern[str] | None = None


class SchemaLeak(AssertionError):
    """A query ran outside the schema of the store being served."""


def expected_schema() -> str | None:
    return _expected_schema.get()


@contextlib.contextmanager
def serving_store(schema_name: str | None) -> Iterator[None]:
    token = _expected_schema.set(schema_name)
    try:
        yield
    finally:
        _expected_schema.reset(token)


def set_serving(schema_name: str | None) -> Any:
    return _expected_schema.set(schema_name)


def reset_serving(token: Any) -> None:
    _expected_schema.reset(token)


def _tenant_table_re() -> re.Pattern[str]:
    global _TENANT_TABLE_RE
    if _TENANT_TABLE_RE is None:
        labels = "|".join(re.escape(app.rsplit(".", 1)[-1]) for app in settings.TENANT_APPS)
        _TENANT_TABLE_RE = re.compile(rf'"(?:{labels})_\w+"')
    return _TENANT_TABLE_RE


def query_guard(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """execute_wrapper: refuse a query whose schema is not the one being served."""
    expected = _expected_schema.get()
    if expected is not None:
        connection = context["connection"]
        current = getattr(connection, "schema_name", None)
        public = settings.PUBLIC_SCHEMA_NAME
        if current not in (expected, public):
            raise SchemaLeak(f"query ran in schema {current!r} while serving {expected!r}: {sql[:200]}")
        if current == public and _tenant_table_re().search(sql or ""):
            raise SchemaLeak(f"store table queried from the public schema while serving {expected!r}: {sql[:200]}")
    return execute(sql, params, many, context)
