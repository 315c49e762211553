"""Cadence engine: the daily run of one big store, its rerun, and publishing a template to 1,000 stores.

Figures:
- cadence_daily_run_s: one store's daily run (50,000 customers, 80,000 vehicles, with leads, receptions,
  service visits and mileage readings spread over five years), from an empty task table for the day.
- cadence_rerun_s: the same run again the same day; it must create zero tasks.
- template_publish_1000_s: publishing a new cadence version until all 1,000 stores of the group have
  adopted it, through a real Celery worker (prefork, 4 processes) and the per-store fan-out.

Data is generated set-based in SQL once and reused; sizes come from BENCH_CADENCE_CUSTOMERS /
BENCH_CADENCE_VEHICLES / BENCH_PUBLISH_STORES.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import SMOKE, record, size

CUSTOMERS = size("BENCH_CADENCE_CUSTOMERS", 50000, 200)
VEHICLES = size("BENCH_CADENCE_VEHICLES", 80000, 300)
PUBLISH_STORES = size("BENCH_PUBLISH_STORES", 1000, 3)
ROOT = Path(__file__).resolve().parent.parent

# One statement per table, all values derived from the row number: reproducible, fast, no Python loop.
_FILL = [
    """INSERT INTO crm_customer (name, mobile, mobile2, wechat, email, email_consent, gender, birthday, region,
        occupation, age_cohort, source, lifecycle, pool_reason, consultant_id, may_call, call_time, call_number, channels, tags, notes, value_class,
        loyalty, service_class, paid_visits_12m, spend_12m, visit_interval_days, avg_ticket, last_visit_on,
        classified_at, name_pinyin, name_initials, created_at, updated_at)
     SELECT '客户' || i, '13' || lpad(i::text, 9, '0'), '', '', '', FALSE, CASE WHEN i %% 2 = 0 THEN 'm' ELSE 'f' END,
        DATE '1970-01-01' + (i * 37 %% 12000), '', '', '', 'walk_in',
        CASE WHEN i <= %(owners)s THEN 'owner' ELSE 'prospect' END, '', (%(consultants)s::bigint[])[1 + i %% cardinality(%(consultants)s::bigint[])],
        i %% 10 <> 0, CASE WHEN i %% 7 = 0 THEN '18:00-20:00' ELSE '' END, '', ARRAY[]::varchar[], ARRAY[]::varchar[], '',
        (ARRAY['A','B','C','D'])[1 + i %% 4], '', '', 0, 0, NULL, 0,
        CASE WHEN i <= %(owners)s THEN %(today)s::date - (i * 13 %% 400) END, NULL, 'kehu' || i, 'kh' || i, now(), now()
     FROM generate_series(1, %(customers)s) i""",
    """INSERT INTO crm_vehicle (vin, vin_tail, plate, owner_id, brand, model, trim, colour, usage, purchased_on,
        delivered_on, warranty_until, insurance_until, last_km, daily_km, age_band, created_at)
     SELECT 'LBENCH' || lpad(i::text, 11, '0'), right(lpad(i::text, 11, '0'), 6), '浙A' || lpad(i::text, 5, '0'),
        c.id, '上汽大众', '朗逸', '', '', 'private', d, d, d + 1095, %(today)s::date + (i * 7 %% 365),
        NULL, (20 + i %% 60)::numeric, '', now()
     FROM generate_series(1, %(vehicles)s) i
     CROSS JOIN LATERAL (SELECT %(today)s::date - (i * 11 %% 1825) AS d) dd
     JOIN crm_customer c ON c.mobile = '13' || lpad((1 + (i - 1) %% %(owners)s)::text, 9, '0')""",
    """INSERT INTO crm_servicevisit (order_no, vehicle_id, customer_id, kind, visited_on, km, amount, advisor_id,
        may_call, notes, created_at)
     SELECT '', v.id, v.owner_id, CASE WHEN n = 1 THEN 'first' ELSE 'periodic' END,
        v.delivered_on + n * 170, n * 9000, 380, NULL, TRUE, '', now()
     FROM crm_vehicle v CROSS JOIN generate_series(1, 3) n
     WHERE v.delivered_on + n * 170 <= %(today)s::date""",
    """INSERT INTO crm_mileagereading (vehicle_id, read_on, km, daily_km, source, created_at)
     SELECT sv.vehicle_id, sv.visited_on, sv.km, NULL, 'service', now() FROM crm_servicevisit sv""",
    """INSERT INTO crm_lead (customer_id, consultant_id, grade, model_of_interest, status, is_key, next_followup_on,
        next_step, last_followup_at, deal_vehicle_id, deal_amount, defeat_reason, competitor_brand,
        competitor_model, close_note, closed_at, created_at, source, campaign, source_lead_id, reassigned_count)
     SELECT c.id, c.consultant_id, (ARRAY['H','A','B','C'])[1 + c.id %% 4], '朗逸', CASE WHEN c.id %% 5 = 0 THEN 'deal' ELSE 'open' END,
        FALSE, NULL, '', NULL, NULL, NULL, '', '', '', '', NULL,
        (%(today)s::date - (c.id %% 120)::int) + time '10:00', 'walk_in', '', '', 0
     FROM crm_customer c WHERE c.lifecycle = 'prospect'""",
    """INSERT INTO crm_reception (customer_id, lead_id, consultant_id, arrived_at, left_at, visitors, source,
        models_of_interest, budget, needs, concerns, clash)
     SELECT l.customer_id, l.id, COALESCE(l.consultant_id, 0), l.created_at, NULL, 1, 'walk_in', '', '', '', '', FALSE
     FROM crm_lead l""",
]


def _ensure_store(name: str, slug: str, group: Any) -> Any:
    from tenants.models import Store
    from tenants.services.onboarding import store_onboard

    store = Store.objects.filter(slug=slug).first()
    return store or store_onboard(group=group, name=name, slug=slug, city="杭州", gm_name="压测经理",
                                  gm_mobile="13900000000", onboarding_key=f"bench-{slug}").store


def _fill(store: Any, today: dt.date) -> tuple[int, int]:
    from django.db import connection, transaction
    from django_tenants.utils import tenant_context

    from crm.models import Customer, Vehicle
    from tenants.models import StoreMembership
    from tenants.roles import StoreRole

    consultants = list(StoreMembership.objects.filter(store=store, role=StoreRole.SALES_CONSULTANT)
                       .values_list("user_id", flat=True)) or [0]
    with tenant_context(store):
        if Customer.objects.count() < CUSTOMERS:
            params: dict[str, Any] = {"customers": CUSTOMERS, "vehicles": VEHICLES, "owners": int(CUSTOMERS * 0.8),
                      "today": today, "consultants": consultants}
            with transaction.atomic(), connection.cursor() as cursor:
                for sql in _FILL:
                    cursor.execute(sql, params)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return Customer.objects.count(), Vehicle.objects.count()


def _staff(store: Any) -> None:
    from tenants.models import StoreMembership, User
    from tenants.roles import StoreRole

    for i, role in enumerate([StoreRole.SALES_CONSULTANT] * 10 + [StoreRole.CUSTOMER_SERVICE] * 4):
        user, _ = User.objects.get_or_create(mobile=f"1370{i:07d}", defaults={"name": f"压测员工{i}"})
        StoreMembership.objects.get_or_create(user=user, store=store, defaults={"role": role})


def bench_daily_run() -> None:
    from django.db import connection
    from django_tenants.utils import tenant_context

    from crm.cadence.engine import cadence_run_store
    from hq.services.policies import group_policy_bootstrap, store_policy_adopt_current
    from tenants.models import DealerGroup

    group, _ = DealerGroup.objects.get_or_create(code="cadence-bench", defaults={"name": "节奏压测集团"})
    group_policy_bootstrap(group=group)
    store = _ensure_store("节奏压测门店", "cadence-bench", group)
    _staff(store)
    store_policy_adopt_current(store=store)
    from django.utils import timezone

    today = timezone.localdate()  # the store's day (Asia/Shanghai)
    customers, vehicles = _fill(store, today)
    with tenant_context(store):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE crm_outboxmessage, crm_followuptask, crm_cadencerun CASCADE")
        first = cadence_run_store(today=today)
        again = cadence_run_store(today=today)
    size = f"1 store, {customers} customers, {vehicles} vehicles"
    record("cadence_daily_run_s", first.seconds, "s", f"{size}; {first.created} tasks created")
    assert again.created == 0, again
    record("cadence_rerun_s", again.seconds, "s", f"{size}; 0 new tasks")


def _start_worker() -> subprocess.Popen[bytes]:
    from config.celery import app

    app.control.purge()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.bench"))
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker", "-P", "prefork", "-c", "2" if SMOKE else "4",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not app.control.inspect(timeout=0.5).ping():
        time.sleep(0.2)
    return proc


def bench_publish() -> None:
    import copy

    from benchmarks.tenants_bench import _ensure_stores
    from hq.models import PolicyKind, StorePolicyAdoption
    from hq.services.policies import (
        group_policy_bootstrap,
        policy_draft_start,
        policy_draft_update,
        policy_version_publish,
    )
    from tenants.models import DealerGroup, Store

    # The same 1,000 stores as the tenants/hq/after-sales benchmarks (group "bench"): built once, shared.
    group, _ = DealerGroup.objects.get_or_create(code="bench", defaults={"name": "压测集团"})
    group_policy_bootstrap(group=group)
    _ensure_stores(group, PUBLISH_STORES)
    stores = Store.objects.filter(group=group).exclude(status=Store.Status.ARCHIVED).count()
    worker = _start_worker()
    try:
        draft = policy_draft_start(group=group, kind=PolicyKind.CADENCE)
        body = copy.deepcopy(draft.body)
        rule = next(r for r in body["rules"] if r["key"] == "delivery_15d_care")
        rule["offset_days"] = 14 if rule["offset_days"] != 14 else 15
        policy_draft_update(version=draft, body=body, note="压测发布")
        start = time.perf_counter()
        version = policy_version_publish(version=draft)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            adopted = StorePolicyAdoption.objects.filter(group=group, kind=PolicyKind.CADENCE, version=version).count()
            if adopted >= stores:
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert adopted >= stores, f"only {adopted}/{stores} stores adopted the published version within 300 s"
    record("template_publish_1000_s", seconds, "s",
           f"{adopted}/{stores} stores adopted, 1 Celery worker x4 processes, fan-out spread 10 s")


def run() -> None:
    from django.core.management import call_command

    call_command("migrate_schemas", verbosity=0)
    bench_daily_run()
    bench_publish()
