"""Create a store's schema from the migrated template schema, replaying its DDL.

django-tenants' own clone walks information_schema (slow with thousands of schemas) and then
replays `migrate_schemas --fake` for the new tenant. Here the template's DDL is read once from
pg_catalog (indexed by namespace), cached by the template's migration fingerprint, and replayed as
plain SQL inside the caller's transaction, so a failed onboarding leaves no schema behind.

How it is sent depends on the server (deploy/scale-out.md, rule 4):
- plain PostgreSQL: the whole replay (~260 statements) as one string, one round trip. One `execute()` per
  statement cost a round trip each, which under load was most of the onboarding (1.1 s at 1,000 stores).
- Citus: one statement per `execute()`. Citus forwards DDL to the store's worker as it was sent, and a
  worker refuses a multi-statement string ("cannot insert multiple commands into a prepared statement");
  inside a `DO` block Citus does not distribute the new tables at all (they stay on the coordinator).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.db import citus_installed, tenant_connection

_lock = threading.Lock()
_cache: dict[tuple[str, str], TemplateDDL] = {}
_PLACEHOLDER = "__SCHEMA__"


@dataclass(frozen=True)
class TemplateDDL:
    fingerprint: str
    statements: tuple[str, ...]

    def statements_for(self, schema_name: str) -> list[str]:
        quoted = connection.ops.quote_name(schema_name)
        return [s.replace(_PLACEHOLDER, quoted) for s in self.statements]


def template_schema() -> str:
    return str(settings.TENANT_TEMPLATE_SCHEMA)


def template_fingerprint(cursor, template: str) -> str:  # type: ignore[no-untyped-def]
    table = f"{connection.ops.quote_name(template)}.django_migrations"
    cursor.execute(f"SELECT md5(coalesce(string_agg(app || '.' || name, ',' ORDER BY app, name), '')) FROM {table}")  # noqa: S608  # nosec B608  # the template schema name is quoted with quote_name
    return str(cursor.fetchone()[0])


def _build(cursor, template: str, fingerprint: str) -> TemplateDDL:  # type: ignore[no-untyped-def]
    q = connection.ops.quote_name
    tpl = q(template)
    # With only public on the path, pg_get_*def qualifies every template object as "template.x".
    cursor.execute("SET LOCAL search_path = public")
    cursor.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = %s::regnamespace AND c.relkind IN ('r', 'p') "
        "ORDER BY c.relname",
        [template],
    )
    tables = [r[0] for r in cursor.fetchall()]
    cursor.execute(
        "SELECT count(*) FROM pg_class c WHERE c.relnamespace = %s::regnamespace AND c.relkind IN ('v', 'm')",
        [template],
    )
    if cursor.fetchone()[0]:
        raise RuntimeError("store template has views: teach schema_clone to copy them")
    cursor.execute(
        "SELECT r.relname, c.conname, pg_get_constraintdef(c.oid), c.contype "
        "FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid "
        "WHERE c.connamespace = %s::regnamespace AND c.contype IN ('p','u','c','x','f') "
        "ORDER BY c.contype = 'f', r.relname, c.conname",
        [template],
    )

    def requalify(sql: str) -> str:
        # pg_get_*def prints the template as `store_template.x` (or quoted when it must be).
        return sql.replace(f"{tpl}.", f"{_PLACEHOLDER}.").replace(f"{template}.", f"{_PLACEHOLDER}.")
    inline: dict[str, list[str]] = {t: [] for t in tables}
    foreign: list[str] = []
    for table, conname, definition, contype in cursor.fetchall():
        if contype == "f":  # after every table exists
            foreign.append(f"ALTER TABLE {_PLACEHOLDER}.{q(table)} ADD CONSTRAINT {q(conname)} {requalify(definition)}")
        else:  # primary key, unique, check, exclusion: inside the CREATE TABLE, no ALTER TABLE of its own
            inline[table].append(f"CONSTRAINT {q(conname)} {requalify(definition)}")
    statements = [f"CREATE SCHEMA {_PLACEHOLDER}"]
    for table in tables:
        constraints = "".join(f", {c}" for c in inline[table])
        statements.append(
            f"CREATE TABLE {_PLACEHOLDER}.{q(table)} (LIKE {tpl}.{q(table)} INCLUDING DEFAULTS "
            f"INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS{constraints})"
        )
    statements += foreign
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE c.relnamespace = %s::regnamespace AND NOT EXISTS ("
        "  SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid"
        "  AND k.contype IN ('p','u','x')) ORDER BY 1",
        [template],
    )
    for (indexdef,) in cursor.fetchall():
        statements.append(requalify(indexdef))
    # Rows the template holds (at least the migration history) travel with it, identities in step.
    for table in tables:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {tpl}.{q(table)})")  # noqa: S608 - quoted identifiers  # nosec B608  # template schema and table names quoted with quote_name
        if not cursor.fetchone()[0]:
            continue
        target = f"{_PLACEHOLDER}.{q(table)}"
        statements.append(f"INSERT INTO {target} SELECT * FROM {tpl}.{q(table)}")  # noqa: S608  # nosec B608  # schema and table names quoted with quote_name
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id') IS NOT NULL FROM pg_attribute "
                       "WHERE attrelid = %s::regclass AND attname = 'id'", [f"{tpl}.{q(table)}"] * 2)
        row = cursor.fetchone()
        if row and row[0]:
            # The max is read here and set as a literal: `setval(…, max(id)) FROM t` would run on a Citus
            # worker, where the sequence does not live.
            cursor.execute(f"SELECT max(id) FROM {tpl}.{q(table)}")  # noqa: S608  # nosec B608  # quoted identifiers
            top = int(cursor.fetchone()[0])
            statements.append(f"SELECT setval(pg_get_serial_sequence('{target}', 'id'), {top})")  # nosec B608  # quoted identifiers, an int
    cursor.execute("SET LOCAL search_path = public")
    return TemplateDDL(fingerprint=fingerprint, statements=tuple(statements))


def template_ddl() -> TemplateDDL:
    """The template's DDL, rebuilt only when its migration history changes."""
    template = template_schema()
    if not schema_exists(template):
        raise RuntimeError(f"template schema {template!r} is missing: run `manage.py migrate_schemas`")
    with connection.cursor() as cursor:
        fingerprint = template_fingerprint(cursor, template)
        key = (template, fingerprint)
        cached = _cache.get(key)
        if cached is not None:
            return cached
        with _lock:
            ddl = _build(cursor, template, fingerprint)
            _cache.clear()
            _cache[key] = ddl
            return ddl


def clone_template_into(schema_name: str) -> None:
    """Create `schema_name` as a copy of the template. Must run inside the caller's transaction."""
    ddl = template_ddl()
    tenant_connection().set_schema_to_public()
    statements = ddl.statements_for(schema_name)
    with connection.cursor() as cursor:
        if citus_installed(cursor):
            for statement in statements:
                cursor.execute(statement)
        else:
            cursor.execute(";\n".join(statements))
