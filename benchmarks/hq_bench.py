"""HQ comparison over 1,000 stores × 24 months of snapshots, and the snapshot refresh itself.

Figures: hq_compare_p95_ms and hq_compare_api_p95_ms (page and API, one month, the default metric
set), snapshot_refresh_all_s (every store's current month, each store with demo-generator data),
snapshot_refresh_one_s (one such store on demand).
"""

from __future__ import annotations

import time

from benchmarks.common import p95_ms, record, size

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


def _populate(stores) -> None:  # type: ignore[no-untyped-def]
    """The demo generator fills the first store; the others get a copy of its CRM tables by SQL (the
    generator takes seconds per store, a copy tens of milliseconds), so every store has its volumes."""
    from django.apps import apps
    from django.db import connection
    from django_tenants.utils import tenant_context

    from crm.demo import populate_store
    from crm.models import Customer

    source = stores[0]
    with tenant_context(source):
        if not Customer.objects.exists():
            populate_store(store=source, customers=CUSTOMERS, seed=1)
    tables = [m._meta.db_table for m in apps.get_app_config("crm").get_models()]
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # copy in any order: FK checks off
        try:
            for store in stores[1:]:
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {q(store.schema_name)}.crm_customer)")  # noqa: S608
                if cursor.fetchone()[0]:
                    continue
                for table in tables:
                    cursor.execute(
                        f"INSERT INTO {q(store.schema_name)}.{q(table)} "  # noqa: S608
                        f"SELECT * FROM {q(source.schema_name)}.{q(table)}"
                    )
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


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
    _populate(stores)
    print(f"  (populated {len(stores)} stores × {CUSTOMERS} customers in {time.perf_counter() - start:.0f} s)")
    period = current_month()
    one = time.perf_counter()
    snapshot_refresh_store(store=stores[0], period=period)
    record("snapshot_refresh_one_s", time.perf_counter() - one, "s", f"1 store, {CUSTOMERS} customers + demo funnel")
    start = time.perf_counter()
    for store in stores:
        snapshot_refresh_store(store=store, period=period)
    record("snapshot_refresh_all_s", time.perf_counter() - start, "s",
           f"{len(stores)} stores × {CUSTOMERS} customers, sequential in one process")
