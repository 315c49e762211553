"""Store CRM at 100,000 customers / ~150,000 vehicles: search, list, 360°, 10k import, classification.

Figures: search_p95_ms, customer_list_p95_ms, customer_360_ms, import_10k_rows_s, classify_store_s.
BENCH_CRM_CUSTOMERS overrides the size (default 100000).
"""

from __future__ import annotations

import io
import random
import time

from benchmarks.common import p95_ms, record, size

CUSTOMERS = size("BENCH_CRM_CUSTOMERS", 100000, 200)
IMPORT_ROWS = size("BENCH_CRM_IMPORT_ROWS", 10_000, 50)


def _store():  # type: ignore[no-untyped-def]
    from crm.demo_group import demo_group_create

    result = demo_group_create(name="压测CRM集团", code="bench-crm", stores=1, group_no=9, consultants_per_store=8)
    return result.stores[0]


def run() -> None:
    from django.core.management import call_command
    from django.test import Client
    from django_tenants.utils import tenant_context

    from crm.demo import make_vin, populate_store
    from crm.models import Customer, Vehicle
    from crm.selectors import CustomerFilters, customer_360, customer_list, customer_search
    from crm.services import classification_recompute_store
    from crm.services.imports import import_preview, import_run
    from tenants.models import StoreMembership

    call_command("migrate_schemas", verbosity=0)
    store = _store()
    with tenant_context(store):
        start = time.perf_counter()
        populate_store(store=store, customers=CUSTOMERS, seed=7)
        print(f"populated in {time.perf_counter() - start:.1f}s", flush=True)
        n_customers, n_vehicles = Customer.objects.count(), Vehicle.objects.count()
        size = f"{n_customers} customers, {n_vehicles} vehicles"
        manager = StoreMembership.objects.select_related("user").get(store=store, role="general_manager")
        rnd = random.Random(1)
        sample = list(Vehicle.objects.exclude(plate="").select_related("owner").order_by("?")[:200])
        queries = []
        for v in sample:
            queries += [v.plate, v.vin[-6:], v.owner.mobile, v.owner.name[:-1] + "明"]
        it = iter(queries * 10)
        record("search_p95_ms", p95_ms(lambda: customer_search(member=manager, q=next(it)), runs=400), "ms", size)
        filters = [CustomerFilters(value_class="A"), CustomerFilters(loyalty="at_risk"), CustomerFilters(grade="H"),
                   CustomerFilters(tags=["女车主"]), CustomerFilters(no_visit_months=6)]

        def list_page() -> None:
            f = rnd.choice(filters)
            qs = customer_list(member=manager, filters=f)
            qs.count()
            list(qs[:50])
        record("customer_list_p95_ms", p95_ms(list_page, runs=100), "ms", size)
        ids = [v.owner_id for v in sample]
        it2 = iter(ids * 5)
        record("customer_360_ms", p95_ms(lambda: customer_360(member=manager, pk=next(it2), store_id=store.pk),
                                         runs=100), "ms", size)
        # Whole-page timings through the real stack (middleware, access check, template).
        client = Client(HTTP_HOST=f"{store.slug}.localhost")
        client.force_login(manager.user, backend="tenants.auth.MobileOrEmailBackend")
    it3 = iter(ids * 5)
    record("customer_360_page_p95_ms", p95_ms(lambda: client.get(f"/customers/{next(it3)}/"), runs=50), "ms", size)
    record("customer_list_page_p95_ms", p95_ms(lambda: client.get("/customers/?value_class=A"), runs=50), "ms", size)
    with tenant_context(store):
        rows = ["姓名,手机号,车架号,车牌号,品牌,车型,购车日期"]
        for i in range(IMPORT_ROWS):
            rows.append(f"导入{i},1{rnd.choice('3578')}{rnd.randrange(10**9):09d},{make_vin(rnd, 900000 + i)},,上汽大众,"
                        f"朗逸,2023-06-01")
        content = "\n".join(rows).encode()
        start = time.perf_counter()
        job = import_preview(member=manager, filename="bench.csv", content=content)
        import_run(job=job)
        record("import_10k_rows_s", time.perf_counter() - start, "s", size)
        start = time.perf_counter()
        classification_recompute_store()
        record("classify_store_s", time.perf_counter() - start, "s", size)
    _ = io
