"""Foundation: onboarding one more store, and a no-op `migrate_schemas`, at 10 / 100 / 1,000 stores,
each beside the approach it replaces, measured in the same run, with the ratio.

- store_onboard_s: the real onboarding service (schema cloned from the template by replaying its DDL);
  store_onboard_peer_s: django-tenants' own `clone_schema` (the plpgsql clone function) of the same template.
  store_onboard_cpu_s / store_onboard_peer_cpu_s: the CPU both used (client process + its database session,
  when the server runs on this machine): on a shared machine wall time is mostly waiting for a core, so the
  wall figures carry the load average they were measured under.
- migrate_noop_s: our `migrate_schemas` (one UNION ALL per 300 stores finds nothing behind);
  migrate_noop_peer_s: stock django-tenants `migrate_schemas` (Django's `migrate` in every schema).
- catalog_pg_class_rows / catalog_pg_attribute_rows / database_mb: the catalogue and database size.
BENCH_STORE_SIZES overrides the sizes; BENCH_MIGRATE_PEER=0 skips the (slow) stock migrate peer.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from pathlib import Path

from benchmarks.common import SMOKE, record

SIZES = [int(s) for s in os.environ.get("BENCH_STORE_SIZES", "3" if SMOKE else "10,100,1000").split(",")]
MIGRATE_PEER = os.environ.get("BENCH_MIGRATE_PEER", "1") == "1"


def _ensure_stores(group, count: int) -> None:  # type: ignore[no-untyped-def]
    from tenants.models import Store
    from tenants.services.onboarding import store_onboard

    have = Store.objects.filter(group=group).count()
    for i in range(have, count):
        store_onboard(group=group, name=f"压测门店{i}", slug=f"bench-{i:05d}", city="杭州",
                      gm_name="压测经理", gm_mobile="13900000000", onboarding_key=f"bench-{i}")


def _backend_cpu_s() -> float | None:
    """CPU seconds the session's server process has used so far (the server on this machine), else None.
    Beside wall time it shows the work itself: on a shared machine the wall time is mostly waiting."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ratio(name: str, ours: float, peer: float) -> None:
    print(f"  {name}: ours {ours:.3f} vs peer {peer:.3f} -> {peer / ours if ours else float('inf'):.1f}x", flush=True)


def _onboard_peer(size: int) -> float:
    """django-tenants' own clone_schema of the template into a throw-away schema (then dropped)."""
    from django.conf import settings
    from django.db import connection
    from django_tenants.clone import CloneSchema

    samples, cpu = [], []
    for k in range(3):
        schema = f"peer_probe_{size}_{k}"
        server0, client0 = _backend_cpu_s(), time.process_time()
        start = time.perf_counter()
        CloneSchema().clone_schema(settings.TENANT_TEMPLATE_SCHEMA, schema, set_connection=False)
        samples.append(time.perf_counter() - start)
        server1 = _backend_cpu_s()
        if server0 is not None and server1 is not None:
            cpu.append(server1 - server0 + time.process_time() - client0)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    if cpu:
        record("store_onboard_peer_cpu_s", statistics.median(cpu), "s",
               f"{size}; CPU of django-tenants clone_schema and its database session")
    return statistics.median(samples)


def _migrate_peer() -> float:
    """Stock django-tenants migrate_schemas: its own executor instead of tenants.migration's."""
    import django_tenants.management.commands.migrate_schemas as stock
    from django.core.management import call_command
    from django_tenants.migration_executors import get_executor

    saved = stock.GET_EXECUTOR_FUNCTION
    stock.GET_EXECUTOR_FUNCTION = get_executor
    try:
        start = time.perf_counter()
        call_command("migrate_schemas", verbosity=0, stdout=io.StringIO())
        return time.perf_counter() - start
    finally:
        stock.GET_EXECUTOR_FUNCTION = saved


def catalog_sizes(label: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_attribute), "
                       "pg_database_size(current_database()), pg_total_relation_size('pg_class'), "
                       "pg_total_relation_size('pg_attribute')")
        classes, attributes, db_bytes, class_bytes, attr_bytes = cursor.fetchone()
    record("catalog_pg_class_rows", classes, "rows", f"{label}; {class_bytes / 2**20:.1f} MB")
    record("catalog_pg_attribute_rows", attributes, "rows", f"{label}; {attr_bytes / 2**20:.1f} MB")
    record("database_mb", db_bytes / 2**20, "MB", label)


def run() -> None:
    from django.core.management import call_command
    from django.db import connection

    from tenants.models import DealerGroup, Store
    from tenants.services.onboarding import store_onboard

    call_command("migrate_schemas", verbosity=0)
    group, _ = DealerGroup.objects.get_or_create(code="bench", defaults={"name": "压测集团"})
    for size in SIZES:
        t0 = time.perf_counter()
        _ensure_stores(group, size)
        print(f"  ({size} stores ready in {time.perf_counter() - t0:.0f} s)", flush=True)
        total = Store.objects.count()
        samples, cpu = [], []
        for k in range(3):
            slug = f"probe-{size}-{k}"
            server0, client0 = _backend_cpu_s(), time.process_time()
            start = time.perf_counter()
            result = store_onboard(group=group, name="新开门店", slug=slug, city="杭州", gm_name="新经理",
                                   gm_mobile="13900000001")
            samples.append(time.perf_counter() - start)
            server1 = _backend_cpu_s()
            if server0 is not None and server1 is not None:
                cpu.append(server1 - server0 + time.process_time() - client0)
            # Remove the probe so the store count stays at `size`.
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA "{result.store.schema_name}" CASCADE')
            Store.objects.filter(pk=result.store.pk).delete()
        ours = statistics.median(samples)
        load = os.getloadavg()[0]
        record("store_onboard_s", ours, "s", f"{total}; load average {load:.1f} on {os.cpu_count()} cores")
        if cpu:
            record("store_onboard_cpu_s", statistics.median(cpu), "s",
                   f"{total}; CPU of the onboarding process and its database session")
        peer = _onboard_peer(size)
        record("store_onboard_peer_s", peer, "s", f"{total}; django-tenants clone_schema of the template only; "
               f"load average {os.getloadavg()[0]:.1f}")
        ratio("store_onboard", ours, peer)
        start = time.perf_counter()
        call_command("migrate_schemas", verbosity=0, stdout=io.StringIO())
        ours = time.perf_counter() - start
        record("migrate_noop_s", ours, "s", total)
        if MIGRATE_PEER:
            peer = _migrate_peer()
            record("migrate_noop_peer_s", peer, "s", f"{total}; stock django-tenants migrate_schemas")
            ratio("migrate_noop", ours, peer)
        catalog_sizes(f"{total} stores")
