"""HQ comparison over 1,000 stores × 24 months of snapshots, and the snapshot refresh itself.

Figures: hq_compare_p95_ms and hq_compare_api_p95_ms (page and API, one month, the default metric
set) beside hq_compare_live_union_p95_ms (the approach snapshots replace: the same month's figures
computed live by one UNION ALL over every store schema), snapshot_refresh_all_s (every store's current
month, sequential in one process), snapshot_refresh_all_2workers_s (the nightly fan-out through two real
Celery worker processes), snapshot_refresh_one_s (one such store on demand).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import SMOKE, p95_ms, record, size

STORES = size("BENCH_HQ_STORES", 1000, 3)
MONTHS = 24
CUSTOMERS = size("BENCH_HQ_CUSTOMERS", 300, 20)


def _stores(group):  # type: ignore[no-untyped-def]
    from benchmarks.tenants_bench import _ensure_stores
    from tenants.models import Store

    _ensure_stores(group, STORES)
    return list(Store.objects.filter(group=group).order_by("pk")[:STORES])


def _fill_snapshots(group, stores) -> int:  # type: ignore[no-untyped-def]
    """24 months of every catalogue metric for every store, written set-based (random but stable)."""
    from django.db import connection

    from hq.metrics.catalogue import CATALOGUE
    from hq.models import MetricSnapshot

    if MetricSnapshot.objects.filter(group=group).count() >= len(stores) * MONTHS * len(CATALOGUE):
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE hq_metricsnapshot")
        return MetricSnapshot.objects.filter(group=group).count()
    MetricSnapshot.objects.filter(group=group).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO hq_metricsnapshot (group_id, store_id, period_kind, period_start, metric, value,
                                           policy_version, computed_at)
            SELECT %s, s.id, 'month', (date_trunc('month', now()) - make_interval(months => m))::date, k.metric,
                   round((random() * 100)::numeric, 2), 'cadence v1', now()
            FROM tenants_store s CROSS JOIN generate_series(0, %s) m CROSS JOIN unnest(%s::text[]) AS k(metric)
            WHERE s.id = ANY(%s)
            """,
            [group.pk, MONTHS - 1, [m.key for m in CATALOGUE], [s.pk for s in stores]],
        )
    with connection.cursor() as cursor:  # as autovacuum would after a nightly refresh: index-only scans
        cursor.execute("VACUUM ANALYZE hq_metricsnapshot")
    return MetricSnapshot.objects.filter(group=group).count()


def _counts(cursor, schema: str) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    """A store's volumes as the refresh reads them (customers, vehicles, leads, receptions, service visits)."""
    from django.db import connection

    q = connection.ops.quote_name(schema)
    cursor.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {q}.{t})" for t in POPULATED))  # noqa: S608
    return tuple(cursor.fetchone())


POPULATED = ("crm_customer", "crm_vehicle", "crm_lead", "crm_reception", "crm_servicevisit")


def _populate(stores) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    """The demo generator fills the first store; every other store gets a copy of its CRM tables by SQL (the
    generator takes seconds per store, a copy tens of milliseconds), so every store has its volumes.

    A store counts as populated only when its volumes equal the first store's: stores other benchmarks left
    with a seed row or two (the SLA sweep's one customer and five complaints) are emptied and copied, not
    skipped, so the refresh is measured on the demo volumes (it once ran on the SLA seed instead)."""
    from django.apps import apps
    from django.db import connection
    from django_tenants.utils import tenant_context

    from crm.demo import populate_store

    tables = [m._meta.db_table for m in apps.get_app_config("crm").get_models(include_auto_created=True)]
    q = connection.ops.quote_name

    def empty(cursor, schema: str) -> None:  # type: ignore[no-untyped-def]
        # DELETE, not TRUNCATE: the rows to remove are a handful, and TRUNCATE makes new files for every table
        # and index (~200 per store; at 1,000 stores that alone took most of an hour on a shared machine).
        cursor.execute("; ".join(f"DELETE FROM {q(schema)}.{q(t)}" for t in tables))  # noqa: S608

    source = stores[0]
    with connection.cursor() as cursor:
        if _counts(cursor, source.schema_name)[0] != CUSTOMERS:
            cursor.execute("SET session_replication_role = replica")  # delete in any order: FK checks off
            empty(cursor, source.schema_name)
            cursor.execute("SET session_replication_role = DEFAULT")
            with tenant_context(source):
                populate_store(store=source, customers=CUSTOMERS, seed=1)
            connection.set_schema_to_public()  # type: ignore[attr-defined]
        expected = _counts(cursor, source.schema_name)
        tops = {}
        for table in tables:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [f"{q(source.schema_name)}.{q(table)}"])
            if cursor.fetchone()[0] is not None:
                cursor.execute(f"SELECT max(id) FROM {q(source.schema_name)}.{q(table)}")  # noqa: S608
                top = cursor.fetchone()[0]
                if top is not None:
                    tops[table] = int(top)
        cursor.execute("SET session_replication_role = replica")  # copy in any order: FK checks off
        try:
            for store in stores[1:]:
                if _counts(cursor, store.schema_name) == expected:
                    continue
                empty(cursor, store.schema_name)
                cursor.execute("; ".join(  # one round trip per store (plain PostgreSQL: the bench database)
                    f"INSERT INTO {q(store.schema_name)}.{q(table)} SELECT * FROM {q(source.schema_name)}.{q(table)}"  # noqa: S608
                    for table in tables))
                # Identities in step with the copied ids: later benchmarks insert into these stores.
                if tops:
                    cursor.execute("SELECT " + ", ".join(
                        f"setval(pg_get_serial_sequence('{q(store.schema_name)}.{q(t)}', 'id'), {top})"
                        for t, top in tops.items()))
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
        for store in stores[1:]:
            assert _counts(cursor, store.schema_name) == expected, store.schema_name
    return expected


def _live_union_sql(stores) -> str:  # type: ignore[no-untyped-def]
    """One month's per-store figures computed live from every store schema (new customers, leads, deals,
    complaints): what HQ would run without snapshots."""
    from django.db import connection

    q = connection.ops.quote_name
    parts = [
        f"SELECT {s.pk} AS store_id, "  # noqa: S608 - quoted identifiers, integer ids
        f"(SELECT count(*) FROM {q(s.schema_name)}.crm_customer WHERE created_at >= %(m0)s AND created_at < %(m1)s) AS customers, "
        f"(SELECT count(*) FROM {q(s.schema_name)}.crm_lead WHERE created_at >= %(m0)s AND created_at < %(m1)s) AS leads, "
        f"(SELECT count(*) FROM {q(s.schema_name)}.crm_lead WHERE status = 'deal' AND closed_at >= %(m0)s "
        f"AND closed_at < %(m1)s) AS deals, "
        f"(SELECT count(*) FROM {q(s.schema_name)}.crm_complaint WHERE received_at >= %(m0)s "
        f"AND received_at < %(m1)s) AS complaints"
        for s in stores
    ]
    return " UNION ALL ".join(parts)


def _live_union_p95(stores) -> float:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.db import connection

    from hq.metrics.periods import current_month

    period = current_month()
    start = dt.datetime.combine(period.start, dt.time(), tzinfo=dt.UTC)
    params = {"m0": start, "m1": start + dt.timedelta(days=31)}
    sql = _live_union_sql(stores)

    def live() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        assert len(rows) == len(stores)

    return p95_ms(live, runs=10, warmup=1)


def _refresh_with_workers(stores, workers: int = 2) -> float:  # type: ignore[no-untyped-def]
    """The nightly fan-out (hq.snapshot_refresh_all, spread 0) through `workers` real Celery processes."""
    import os
    import tempfile

    from django.utils import timezone

    from config.celery import app
    from hq.metrics.services import nightly_periods
    from hq.metrics.tasks import snapshot_refresh_all
    from hq.models import SnapshotRun

    app.control.purge()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.bench"))
    log = tempfile.NamedTemporaryFile(prefix="hq-bench-worker-", suffix=".log", delete=False)  # noqa: SIM115
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker", "-P", "prefork", "-c", str(workers),
         "-Q", "celery,interactive", "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=str(Path(__file__).resolve().parent.parent), env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not app.control.inspect(timeout=0.5).ping():
            time.sleep(0.2)
        # Distinct periods: on the 2nd and 3rd of a month nightly_periods() lists the current month twice.
        expected = len(stores) * len(set(nightly_periods()))
        started = timezone.now()
        t0 = time.perf_counter()
        snapshot_refresh_all.delay(spread_seconds=0)
        deadline = time.monotonic() + (120 if SMOKE else 3600)
        done = 0
        while time.monotonic() < deadline:
            done = SnapshotRun.objects.filter(store__in=stores, finished_at__gte=started).count()
            if done >= expected:
                break
            time.sleep(0.5)
        seconds = time.perf_counter() - t0
        assert done >= expected, f"only {done}/{expected} store periods refreshed; worker log {log.name}"
        return seconds
    finally:
        worker.terminate()
        worker.wait(60)


def run() -> None:
    from django.test import Client

    from hq.metrics.periods import current_month
    from hq.metrics.services import snapshot_refresh_store
    from tenants.models import DealerGroup, GroupMembership, User

    group, _ = DealerGroup.objects.get_or_create(code="bench", defaults={"name": "压测集团"})
    stores = _stores(group)
    rows = _fill_snapshots(group, stores)
    admin = User.objects.filter(email="bench-hq@chezhu.cn").first() or User.objects.create_user(
        "bench-hq@chezhu.cn", "Bench-Password-2026", name="压测总部")
    GroupMembership.objects.get_or_create(user=admin, group=group, defaults={"role": "hq_admin"})
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin, backend="tenants.auth.MobileOrEmailBackend")
    month = current_month().code
    size = f"{len(stores)} stores, {MONTHS} months, {rows} snapshot rows"

    def page() -> None:
        assert client.get("/hq/compare/", {"period": month}).status_code == 200

    def api() -> None:
        assert client.get("/api/hq/metrics/compare/", {"period": month}).status_code == 200

    record("hq_compare_p95_ms", p95_ms(page, runs=60), "ms", size)
    record("hq_compare_api_p95_ms", p95_ms(api, runs=60), "ms", size)

    start = time.perf_counter()
    volumes = dict(zip(POPULATED, _populate(stores), strict=True))
    each = ", ".join(f"{n} {t.removeprefix('crm_')}" for t, n in volumes.items())
    print(f"  (populated {len(stores)} stores, each {each}, in {time.perf_counter() - start:.0f} s)")
    period = current_month()
    one = time.perf_counter()
    snapshot_refresh_store(store=stores[0], period=period)
    record("snapshot_refresh_one_s", time.perf_counter() - one, "s", f"1 store: {each}")
    start = time.perf_counter()
    for store in stores:
        snapshot_refresh_store(store=store, period=period)
    record("snapshot_refresh_all_s", time.perf_counter() - start, "s",
           f"{len(stores)} stores, each {each}; sequential in one process")
    two = _refresh_with_workers(stores, 2)
    record("snapshot_refresh_all_2workers_s", two, "s",
           f"{len(stores)} stores, each {each}; nightly fan-out through 2 Celery worker processes")
    # The approach snapshots replace, on the same populated stores: a live UNION ALL over every schema.
    from django.db import OperationalError, connection

    page_p95 = p95_ms(page, runs=20)
    try:
        live = _live_union_p95(stores)
    except OperationalError as exc:  # 1,000 schemas × 4 tables exceed max_locks_per_transaction (default 64)
        connection.close()
        print(f"  hq_compare: snapshots {page_p95:.1f} ms vs live UNION ALL: fails ({str(exc).splitlines()[0]})",
              flush=True)
        return
    record("hq_compare_live_union_p95_ms", live, "ms", f"{len(stores)} stores, each {each}; 4 figures")
    print(f"  hq_compare: snapshots {page_p95:.1f} ms vs live UNION ALL {live:.1f} ms -> {live / page_p95:.1f}x",
          flush=True)
