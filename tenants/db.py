"""The default connection, typed as django-tenants' wrapper (schema_name, set_tenant, ...)."""

from typing import Any, cast

from django.db import connection
from django_tenants.postgresql_backend.base import DatabaseWrapper


def tenant_connection() -> DatabaseWrapper:
    return cast(DatabaseWrapper, connection)


def citus_installed(cursor: Any) -> bool:
    """Whether this database runs the Citus extension (deploy/scale-out.md): a few statements must be
    sent differently there (one DDL statement per `execute()`)."""
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
    return bool(cursor.fetchone()[0])


def fetch_one(sql: str, params: Any) -> dict[str, Any]:
    """Run a one-row aggregate query and return it as {column: value} (set-based figures)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        return dict(zip([c[0] for c in cursor.description], row, strict=True))


def execute_counting(cursor: Any, sql: str, params: Any) -> int:
    """Run one INSERT/UPDATE/DELETE and return how many rows it wrote, counted with RETURNING.

    `cursor.rowcount` is not that number everywhere: behind Citus a routed `INSERT … ON CONFLICT` reports
    the rows selected, not inserted (deploy/scale-out.md). `sql` is one statement without RETURNING."""
    # `sql` is the caller's own statement text (values travel in `params`), wrapped, never user input.
    cursor.execute(f"WITH written AS ({sql.strip().rstrip(';')} RETURNING 1) SELECT count(*) FROM written", params)  # noqa: S608  # nosec B608  # the caller's own SQL text
    return int(cursor.fetchone()[0])


def percent(part: float | None, whole: float | None, *, digits: int = 2) -> float | None:
    """part / whole as a percentage; None when there is no basis (never a misleading 0 %)."""
    if not whole:
        return None
    return round(100.0 * float(part or 0) / float(whole), digits)
