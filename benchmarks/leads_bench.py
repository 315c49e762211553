"""Lead intake at a store with 100,000 customers: 10,000 pushed leads with the dedupe, and the inbox page.

lead_intake_10k_s: 10,000 leads pushed in batches of 500 (the API's batch limit) through the one intake
service — phones normalised, matched to the store's customers (main and spare number) and open leads,
a third of them existing customers, 5 % the same phone from a second platform; routed round-robin among
the consultants on duty with their first-response deadlines. Target < 30 s.
lead_inbox_p95_ms: a consultant's 线索收件箱 (the whole page through the real stack: middleware, access
check, the working-time left per row, the template) with ~1,250 leads waiting. Target < 100 ms.
Sizes: BENCH_LEADS_CUSTOMERS (100000), BENCH_LEADS_PUSHED (10000); smoke mode 300 / 200.
"""

from __future__ import annotations

import random
import time

from benchmarks.common import p95_ms, record, size

CUSTOMERS = size("BENCH_LEADS_CUSTOMERS", 100_000, 300)
PUSHED = size("BENCH_LEADS_PUSHED", 10_000, 200)
SOURCES = ("autohome", "dongchedi", "yiche", "oem_dcc", "ad_form")


def run() -> None:
    from django.core.management import call_command
    from django.test import Client
    from django_tenants.utils import tenant_context

    from crm.demo import populate_store
    from crm.demo_group import demo_group_create
    from crm.leads.intake import MAX_BATCH, IntakeItem, lead_intake_batch
    from crm.models import Customer, Lead, LeadIntake
    from tenants.models import StoreMembership

    call_command("migrate_schemas", verbosity=0)
    store = demo_group_create(name="压测线索集团", code="bench-leads", stores=1, group_no=11,
                              consultants_per_store=8).stores[0]
    with tenant_context(store):
        start = time.perf_counter()
        populate_store(store=store, customers=CUSTOMERS, seed=17)
        print(f"populated in {time.perf_counter() - start:.1f}s", flush=True)
        # A rerun measures the same work: the leads of the last run (and their new customers) go first.
        LeadIntake.objects.all().delete()
        Lead.objects.filter(received_at__isnull=False).delete()
        Customer.objects.filter(mobile__startswith="199").delete()
        label = f"{Customer.objects.count()} customers, {PUSHED} pushed"
        manager = StoreMembership.objects.select_related("user").get(store=store, role="sales_manager")
        rnd = random.Random(5)
        existing = list(Customer.objects.order_by("?").values_list("mobile", flat=True)[:PUSHED // 3])
        items: list[IntakeItem] = []
        phones: list[str] = []
        for i in range(PUSHED):
            if i % 20 == 19 and phones:  # the same person again from a second platform
                mobile = phones[rnd.randrange(len(phones))]
            elif i % 3 == 0 and existing:
                mobile = existing[(i // 3) % len(existing)]
            else:
                mobile = f"199{i:08d}"
            m = mobile
            phones.append(m)
            items.append(IntakeItem(source=SOURCES[i % len(SOURCES)], source_lead_id=f"B{i:07d}",
                                    mobile=f"+86 {m[:3]} {m[3:7]} {m[7:]}", name=f"线索{i}", campaign="年终购车节",
                                    model_of_interest="ID.4"))
        start = time.perf_counter()
        for k in range(0, len(items), MAX_BATCH):
            lead_intake_batch(member=manager, items=items[k:k + MAX_BATCH])
        elapsed = time.perf_counter() - start
        outcomes = dict(LeadIntake.objects.values_list("outcome").annotate(n=__import__(
            "django.db.models", fromlist=["Count"]).Count("pk")).values_list("outcome", "n"))
        print(f"outcomes: {outcomes}", flush=True)
        record("lead_intake_10k_s", elapsed, "s", label)
        waiting = Lead.objects.filter(received_at__isnull=False, first_contact_at__isnull=True)
        # A sales consultant's inbox (the sales manager owns some existing customers, and their page also
        # lists the store's unclaimed leads: that is lead_inbox_manager_p95_ms).
        consultants = StoreMembership.objects.filter(store=store, role="sales_consultant").values_list("user_id")
        consultant_id = (waiting.filter(consultant_id__in=consultants).values_list("consultant_id", flat=True)
                         .order_by("consultant_id").first())
        assert consultant_id is not None
        consultant = StoreMembership.objects.select_related("user").get(store=store, user_id=consultant_id)
        mine = waiting.filter(consultant_id=consultant_id).count()
        client = Client(HTTP_HOST=f"{store.slug}.localhost")
        client.force_login(consultant.user, backend="tenants.auth.MobileOrEmailBackend")
        boss = Client(HTTP_HOST=f"{store.slug}.localhost")
        boss.force_login(manager.user, backend="tenants.auth.MobileOrEmailBackend")

    def page() -> None:
        response = client.get("/leads/inbox/")
        assert response.status_code == 200, response.status_code

    def manager_page() -> None:
        response = boss.get("/leads/inbox/")
        assert response.status_code == 200, response.status_code

    record("lead_inbox_p95_ms", p95_ms(page, runs=60), "ms", f"{label}, {mine} waiting for this consultant")
    record("lead_inbox_manager_p95_ms", p95_ms(manager_page, runs=30), "ms", f"{label}, manager with unclaimed")
