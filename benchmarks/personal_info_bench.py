"""个人信息权利请求 and retention at one store of 20,000 customers (~30,000 vehicles, their leads, follow-ups,
service visits): the GM's retention dry run, the nightly run's candidate query, one customer's file as XLSX,
and anonymising one customer (every table's UPDATE, in one transaction, rolled back so the store stays full).

Figures: personal_info_retention_dry_run_ms, personal_info_retention_candidates_ms (the job's id list, with the
clock 5 years on so every customer is past the period), personal_info_customer_file_p95_ms,
personal_info_anonymise_p95_ms. BENCH_PI_CUSTOMERS overrides the size (default 20000; smoke 200).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from benchmarks.common import p95_ms, record, size, timed

CUSTOMERS = size("BENCH_PI_CUSTOMERS", 20000, 200)


class _Rollback(Exception):
    pass


def run() -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from crm.demo import populate_store
    from crm.demo_group import demo_group_create
    from crm.models import Customer, Vehicle
    from crm.personal_info.selectors import customer_file_xlsx, retention_candidates, retention_overview
    from crm.personal_info.services import _anonymise

    call_command("migrate_schemas", verbosity=0)
    store = demo_group_create(name="压测个人信息集团", code="bench-pi", stores=1, group_no=9,
                              consultants_per_store=6).stores[0]
    with tenant_context(store):
        populate_store(store=store, customers=CUSTOMERS, seed=15)
        label = f"{Customer.objects.count()} customers, {Vehicle.objects.count()} vehicles"
        record("personal_info_retention_dry_run_ms", timed(retention_overview) * 1000, "ms", label)
        later = timezone.localdate() + dt.timedelta(days=5 * 366)
        ids: list[int] = []
        elapsed = timed(lambda: ids.extend(retention_candidates(today=later).values_list("pk", flat=True)))
        record("personal_info_retention_candidates_ms", elapsed * 1000, "ms", f"{label}, {len(ids)} due")
        sample = list(Customer.objects.filter(vehicles__isnull=False).order_by("pk")[:40])
        it = iter(sample * 3)
        record("personal_info_customer_file_p95_ms",
               p95_ms(lambda: customer_file_xlsx(next(it), store_name=store.name), runs=40), "ms", label)
        it2 = iter(sample * 3)

        def anonymise_one() -> None:
            customer: Any = next(it2)
            try:
                with transaction.atomic():
                    _anonymise(customer, reason="bench", by_user_id=None, request=None)
                    raise _Rollback
            except _Rollback:
                pass
        record("personal_info_anonymise_p95_ms", p95_ms(anonymise_one, runs=40), "ms", label)
