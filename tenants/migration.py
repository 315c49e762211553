"""`migrate_schemas` that skips stores already up to date and keeps the template schema migrated.

django-tenants runs Django's full `migrate` per schema even when nothing is pending (about a third
of a second each); with a thousand stores a no-op deploy took minutes. We read every store's
migration history in a few UNION ALL queries and run `migrate` only where something is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.migration_executors import get_executor as django_tenants_get_executor
from django_tenants.migration_executors.base import run_migrations
from django_tenants.migration_executors.standard import StandardExecutor
from django_tenants.utils import get_public_schema_name, schema_exists

from tenants.db import tenant_connection

BATCH = 300


def expected_migrations() -> set[str]:
    loader = MigrationLoader(connection, ignore_no_migrations=True, load=True)
    return {f"{app}.{name}" for app, name in loader.graph.nodes}


def schemas_behind(schemas: Iterable[str], expected: set[str]) -> list[str]:
    """The schemas whose django_migrations lacks any of `expected` (or that have none at all)."""
    schemas = list(schemas)
    if not schemas:
        return []
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'django_migrations' AND n.nspname = ANY(%s)",
            [schemas],
        )
        with_table = {r[0] for r in cursor.fetchall()}
        behind = [s for s in schemas if s not in with_table]
        candidates = [s for s in schemas if s in with_table]
        wanted = sorted(expected)
        for i in range(0, len(candidates), BATCH):
            chunk = candidates[i : i + BATCH]
            sql = " UNION ALL ".join(
                f"SELECT %s, count(*) FROM {q(s)}.django_migrations WHERE app || '.' || name = ANY(%s)"  # noqa: S608  # nosec B608  # schema names quoted with quote_name (q); values are bound parameters
                for s in chunk
            )
            params: list[Any] = []
            for s in chunk:
                params += [s, wanted]
            cursor.execute(sql, params)
            behind += [name for name, count in cursor.fetchall() if count < len(wanted)]
    return behind


class FastExecutor(StandardExecutor):
    codename = "fast"

    def run_migrations(self, tenants: Any = None) -> None:
        tenants = list(tenants or [])
        public = get_public_schema_name()
        if tenants == [public]:
            super().run_migrations(tenants=tenants)
            return
        template = settings.TENANT_TEMPLATE_SCHEMA
        if not self.options.get("schema_name"):
            if not schema_exists(template):
                # Behind Citus schema-based sharding a new schema is distributed to a worker; the template
                # stays on the coordinator, where onboarding reads its catalogue (deploy/scale-out.md).
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('citus.enable_schema_based_sharding', 'off', true)")
                    cursor.execute(f"CREATE SCHEMA {connection.ops.quote_name(template)}")
            tenants = [template, *tenants]
        if self.options.get("fake") or self.options.get("app_label") or self.options.get("plan"):
            pending = tenants
        else:
            pending = schemas_behind(tenants, expected_migrations())
        skipped = len(tenants) - len(pending)
        if skipped and int(self.options.get("verbosity", 1)) >= 1:
            print(f"[fast] {skipped} schema(s) already up to date, {len(pending)} to migrate")
        for idx, schema_name in enumerate(pending):
            run_migrations(self.args, self.options, self.codename, schema_name, idx=idx, count=len(pending))
        tenant_connection().set_schema_to_public()


def get_executor(codename: str | None = None) -> Any:
    if codename in (None, "standard", "fast"):
        return FastExecutor
    return django_tenants_get_executor(codename=codename)
