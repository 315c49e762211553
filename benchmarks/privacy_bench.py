"""个人信息访问记录 at scale: what recording costs a page, and what the GM's log page costs with a big log.

Figures: access_record_p95_ms (the one INSERT a 360° page view adds), access_log_page_p95_ms (the first page
of the unfiltered log, 50 rows with customer names), access_log_by_customer_p95_ms (one customer's accesses,
through the GIN index on customer_ids), access_log_by_staff_p95_ms (one staff member, one week).
BENCH_PRIVACY_ROWS overrides the log size (default 500000), BENCH_PRIVACY_CUSTOMERS the customers (5000).
"""

from __future__ import annotations

import datetime as dt
import random

from benchmarks.common import p95_ms, record, size

ROWS = size("BENCH_PRIVACY_ROWS", 500_000, 2_000)
CUSTOMERS = size("BENCH_PRIVACY_CUSTOMERS", 5_000, 200)


def run() -> None:
    from django.core.management import call_command
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from crm.demo import populate_store
    from crm.demo_group import demo_group_create
    from crm.models import AccessAction, Customer, PersonalDataAccess
    from crm.privacy import CUSTOMER_PAGE_FIELDS, Origin, access_record
    from crm.selectors.privacy import AccessLogFilters, access_log_list, customer_names
    from tenants.models import StoreMembership

    call_command("migrate_schemas", verbosity=0)
    store = demo_group_create(name="压测隐私集团", code="bench-privacy", stores=1, group_no=9,
                              consultants_per_store=8).stores[0]
    with tenant_context(store):
        if Customer.objects.count() < CUSTOMERS:
            populate_store(store=store, customers=CUSTOMERS, seed=15)
        ids = list(Customer.objects.values_list("pk", flat=True))
        staff = list(StoreMembership.objects.select_related("user").filter(store=store))
        rnd = random.Random(5)
        now = timezone.now()
        missing = ROWS - PersonalDataAccess.objects.count()
        actions = [AccessAction.VIEW] * 8 + [AccessAction.REVEAL, AccessAction.CHANGE]
        for start in range(0, max(missing, 0), 10_000):
            batch = []
            for _ in range(min(10_000, missing - start)):
                m = rnd.choice(staff)
                batch.append(PersonalDataAccess(
                    at=now - dt.timedelta(minutes=rnd.randrange(0, 60 * 24 * 365)), user_id=m.user_id,
                    user_name=m.user.name, role=m.role, action=rnd.choice(actions), customer_ids=[rnd.choice(ids)],
                    fields=list(CUSTOMER_PAGE_FIELDS), ip="10.0.0.1", user_agent="Mozilla/5.0 bench"))
            PersonalDataAccess.objects.bulk_create(batch, batch_size=5_000)
        total = PersonalDataAccess.objects.count()
        label = f"{total} log rows, {len(ids)} customers"
        member = staff[0]
        origin = Origin(ip="10.0.0.2", user_agent="Mozilla/5.0 bench")

        record("access_record_p95_ms", p95_ms(lambda: access_record(
            member=member, action=AccessAction.VIEW, customer_ids=[rnd.choice(ids)], fields=CUSTOMER_PAGE_FIELDS,
            origin=origin), runs=200), "ms", label)

        def page(filters: AccessLogFilters) -> None:  # as the page does: the paginator's count, then 50 rows
            qs = access_log_list(filters)
            qs.count()
            rows = list(qs[:50])
            customer_names(rows)

        record("access_log_page_p95_ms", p95_ms(lambda: page(AccessLogFilters())), "ms", label)
        record("access_log_by_customer_p95_ms",
               p95_ms(lambda: page(AccessLogFilters(customer_id=rnd.choice(ids)))), "ms", label)
        week = timezone.localdate() - dt.timedelta(days=7)
        record("access_log_by_staff_p95_ms",
               p95_ms(lambda: page(AccessLogFilters(user_id=rnd.choice(staff).user_id, since=week))), "ms", label)
