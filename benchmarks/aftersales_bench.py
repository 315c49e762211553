"""After-sales: the 回访月报 of a busy store, and the complaint SLA sweep across 1,000 stores.

Figures:
- revisit_monthly_report_s: `monthly_report` for one month of a store with 20,000 return visits (most of
  them answered, 8 questions each) and 2,000 complaints (3 deadlines each) in that month; target < 1 s.
- sla_sweep_1000_s: `complaint_sla_sweep` in every one of 1,000 stores, one after another in one
  process (a single worker's total work; the beat fan-out spreads it over workers); target < 30 s.
BENCH_AS_VISITS / BENCH_AS_COMPLAINTS / BENCH_AS_STORES override the sizes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import statistics
import time
from collections.abc import Iterator
from typing import Any

from benchmarks.common import record, size

VISITS = size("BENCH_AS_VISITS", 20000, 100)
COMPLAINTS = size("BENCH_AS_COMPLAINTS", 2000, 20)
STORES = size("BENCH_AS_STORES", 1000, 3)
REPORT_CUSTOMERS = size("BENCH_AS_CUSTOMERS", 5000, 60)
MONTH = dt.date(2026, 10, 1)


def _report_store() -> Any:
    from crm.demo_group import demo_group_create

    result = demo_group_create(name="压测售后集团", code="bench-aftersales", stores=1, group_no=8,
                               consultants_per_store=4)
    return result.stores[0]


@contextlib.contextmanager
def _no_fanout() -> Iterator[None]:
    """Policy publication would enqueue a Celery fan-out; the benchmark adopts directly instead. Restored
    afterwards: `make bench` runs every benchmark in one process, and the cadence one publishes for real."""
    import hq.services.policies as policies

    saved = policies._enqueue_fanout
    policies._enqueue_fanout = lambda version_id: None  # type: ignore[assignment]
    try:
        yield
    finally:
        policies._enqueue_fanout = saved  # type: ignore[assignment]


def _seed_report_store(store: Any) -> None:
    from django.db import connection
    from django_tenants.utils import tenant_context

    from crm.demo import populate_store
    from crm.models import Customer
    from crm.models.aftersales import ReturnVisit

    with tenant_context(store):
        if Customer.objects.count() < REPORT_CUSTOMERS:
            populate_store(store=store, customers=REPORT_CUSTOMERS, seed=11)
        if ReturnVisit.objects.filter(due_date__gte=MONTH).count() >= VISITS:
            return
        staff = store.memberships.values_list("user_id", flat=True)
        cs_id = list(staff)[0]
        params = {"m0": MONTH, "n": VISITS, "c": COMPLAINTS, "cs": cs_id}
        with connection.cursor() as cur:
            # 20,000 visits spread over the month: 85 % called, 70 % successful, 80 % of those satisfied.
            cur.execute("""
                INSERT INTO crm_returnvisit (subject, rule_key, rule_name, customer_id, vehicle_id, event_date,
                    due_date, number, status, attempts, person_called, person_name,
                    survey_version_id, survey_version_number, satisfied, complaint_raised, remark, completed_at,
                    called_by_id, created_at)
                SELECT CASE WHEN g %% 4 = 0 THEN 'delivery' ELSE 'service' END, 'bench_' || g, '压测回访',
                    v.owner_id, v.id, %(m0)s::date + (g %% 28) - 3, %(m0)s::date + (g %% 28),
                    '13900000000',
                    CASE WHEN g %% 20 < 14 THEN 'completed' WHEN g %% 20 < 17 THEN 'unreachable' ELSE 'due' END,
                    CASE WHEN g %% 20 < 17 THEN 1 + g %% 3 ELSE 0 END, 'owner', '', 1, 1,
                    CASE WHEN g %% 20 < 14 THEN g %% 5 <> 0 END, g %% 50 = 0, '',
                    CASE WHEN g %% 20 < 14 THEN (%(m0)s::date + (g %% 28))::timestamptz + interval '10 hours' END,
                    %(cs)s, now()
                FROM generate_series(1, %(n)s) g
                JOIN (SELECT id, owner_id, row_number() OVER (ORDER BY id) - 1 AS rn FROM crm_vehicle) v
                    ON v.rn = g %% (SELECT count(*) FROM crm_vehicle)
                ON CONFLICT DO NOTHING""", params)
            cur.execute("""
                INSERT INTO crm_surveyanswer (visit_id, question_key, question_text, kind, yes, rating, scale,
                    satisfied, remark)
                SELECT rv.id, q.key, q.text, q.kind,
                    CASE WHEN q.kind = 'yes_no' THEN (rv.id + q.n) %% 9 <> 0 END,
                    CASE WHEN q.kind = 'rating' THEN 1 + (rv.id %% 5) END,
                    CASE WHEN q.kind = 'rating' THEN 5 END,
                    CASE WHEN q.kind = 'yes_no' THEN (rv.id + q.n) %% 9 <> 0 ELSE 1 + (rv.id %% 5) >= 3 END,
                    CASE WHEN (rv.id + q.n) %% 9 = 0 THEN '压测原因' ELSE '' END
                FROM crm_returnvisit rv
                CROSS JOIN (VALUES (1, 'overall', '您对我们这次的维修保养服务是否满意？', 'yes_no'),
                    (2, 'on_time', '车辆是否在约定的时间交付？', 'yes_no'),
                    (3, 'explained', '交车时服务顾问是否向您解释了维修项目和费用？', 'yes_no'),
                    (4, 'fixed', '您车辆的问题是否一次修好？', 'yes_no'), (5, 'clean', '交车时车辆是否清洁？', 'yes_no'),
                    (6, 'reception', '服务顾问的接待是否热情、专业？', 'yes_no'),
                    (7, 'recommend', '您是否愿意向亲友推荐本店？', 'yes_no'),
                    (8, 'score', '请您为上次维修的整体满意度打分(1-5分)', 'rating')) AS q(n, key, text, kind)
                WHERE rv.status = 'completed' AND rv.due_date >= %(m0)s
                ON CONFLICT DO NOTHING""", params)
            cur.execute("""
                INSERT INTO crm_complaint (channel, customer_id, object_model, object_stage, description,
                    expected_resolution, contact_name, contact_phone, read_back_confirmed, state, reported_at,
                    received_at, first_reply_at, departments, cause_category, cause_detail, responsible_party,
                    solution, carried_out_note, satisfaction, closed_at, reopen_count, sla_policy_version_id,
                    sla_policy_version_number, escalation_level, escalated, created_by_id, created_at, updated_at)
                SELECT (ARRAY['phone','wechat','in_store','website','return_visit'])[1 + g %% 5],
                    c.id, '', 'repair_quality', '压测投诉', '道歉', c.name, c.mobile, TRUE,
                    CASE WHEN g %% 3 = 0 THEN 'closed' ELSE 'investigating' END, t, t, t + interval '5 hours', '售后',
                    (ARRAY['product_quality','service_process','miscommunication','customer_misperception'])[1 + g %% 4],
                    '', '车间', '', '', CASE WHEN g %% 3 = 0 THEN 'satisfied' ELSE '' END,
                    CASE WHEN g %% 3 = 0 THEN t + interval '3 days' END, 0, 1, 1, 0, FALSE, %(cs)s, t, t
                FROM generate_series(1, %(c)s) g
                CROSS JOIN LATERAL (SELECT (%(m0)s::date + (g %% 27))::timestamptz + interval '9 hours' AS t) ts
                JOIN (SELECT id, name, mobile, row_number() OVER (ORDER BY id) - 1 AS rn FROM crm_customer) c
                    ON c.rn = g %% (SELECT count(*) FROM crm_customer)""", params)
            cur.execute("""
                INSERT INTO crm_complaintdeadline (complaint_id, step, name, milestone, within_working_days, due_at,
                    to_role, cc_roles, met_at, breached_at, policy_version_id, policy_version_number)
                SELECT c.id, s.step, s.name, s.milestone, s.within, c.received_at + s.span, 'general_manager', '[]',
                    CASE WHEN s.step < 3 OR c.state = 'closed' THEN c.received_at + s.span * (0.5 + (c.id %% 3) * 0.4)
                    END, NULL, 1, 1
                FROM crm_complaint c CROSS JOIN (VALUES (1, '递交总经理', 'submitted', 0.5, interval '5 hours'),
                    (2, '回复客户', 'replied', 1, interval '10 hours'), (3, '结案', 'closed', 5, interval '5 days'))
                    AS s(step, name, milestone, within, span)
                ON CONFLICT DO NOTHING""", params)
            cur.execute("""
                INSERT INTO crm_correctiveaction (kind, source, report_month, description, owner_id, deadline, status,
                    raised_by_id, result, evidence, approver_role, review_comment, created_at)
                SELECT 'corrective', 'monthly_report', %(m0)s, '压测措施', %(cs)s, %(m0)s::date + (g %% 28),
                    CASE WHEN g %% 2 = 0 THEN 'done' ELSE 'approved' END, %(cs)s, '', '', 'general_manager', '',
                    now()
                FROM generate_series(1, 200) g""", params)
            cur.execute("ANALYZE crm_returnvisit; ANALYZE crm_surveyanswer; ANALYZE crm_complaint; "
                        "ANALYZE crm_complaintdeadline; ANALYZE crm_correctiveaction")


def bench_report() -> None:
    from django.db.models import Count
    from django_tenants.utils import tenant_context

    from crm.aftersales.report import month_period, monthly_report
    from crm.models.aftersales import Complaint, ReturnVisit, SurveyAnswer

    store = _report_store()
    start = time.perf_counter()
    _seed_report_store(store)
    print(f"report store seeded in {time.perf_counter() - start:.1f}s", flush=True)
    period = month_period(MONTH)
    with tenant_context(store):
        visits = ReturnVisit.objects.filter(due_date__gte=period.start, due_date__lt=period.end).count()
        answers = SurveyAnswer.objects.filter(visit__due_date__gte=period.start).aggregate(n=Count("id"))["n"]
        complaints = Complaint.objects.filter(received_at__date__gte=period.start).count()
        monthly_report(period)  # warm-up
        samples = []
        for _ in range(7):
            t0 = time.perf_counter()
            r = monthly_report(period)
            samples.append(time.perf_counter() - t0)
    assert r.due == visits, (r.due, visits)
    record("revisit_monthly_report_s", statistics.median(samples), "s",
           f"{visits} return visits, {answers} answers, {complaints} complaints in the month")


def _ensure_sweep_stores() -> list[Any]:
    from benchmarks.tenants_bench import _ensure_stores
    from hq.models import PolicyKind, PolicyVersion, StorePolicyAdoption
    from hq.services.policies import group_policy_bootstrap
    from tenants.models import DealerGroup, Store

    group, _ = DealerGroup.objects.get_or_create(code="bench", defaults={"name": "压测集团"})
    start = time.perf_counter()
    _ensure_stores(group, STORES)
    print(f"{STORES} stores ready in {time.perf_counter() - start:.1f}s", flush=True)
    group_policy_bootstrap(group=group)
    stores = list(Store.objects.filter(group=group, slug__startswith="bench-").order_by("slug")[:STORES])
    complaint_v = PolicyVersion.objects.filter(template__group=group, template__kind=PolicyKind.COMPLAINT,
                                               status="published").order_by("-number").first()
    have = set(StorePolicyAdoption.objects.filter(group=group, kind=PolicyKind.COMPLAINT)
               .values_list("store_id", flat=True))
    StorePolicyAdoption.objects.bulk_create([
        StorePolicyAdoption(group=group, store=s, kind=PolicyKind.COMPLAINT, version=complaint_v)
        for s in stores if s.pk not in have], ignore_conflicts=True)
    # A general manager and a service manager in every store: the escalation notices have recipients.
    from tenants.models import StoreMembership, StoreRole, User

    for mobile, name, role in (("13900000011", "压测总经理", StoreRole.GENERAL_MANAGER),
                               ("13900000012", "压测服务经理", StoreRole.SERVICE_MANAGER)):
        user = User.objects.filter(mobile=mobile).first() or User.objects.create_user(
            mobile=mobile, name=name, password=None)
        StoreMembership.objects.bulk_create([StoreMembership(user=user, store=s, role=role) for s in stores],
                                            ignore_conflicts=True)
    return stores


def _seed_sweep(stores: list[Any], now: dt.datetime) -> int:
    """Five open complaints per store, two of their deadlines past due; reset so every run has work."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from crm.models import Customer

    total = 0
    for store in stores:
        with tenant_context(store), connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM crm_complaint")
            if cur.fetchone()[0] == 0:
                # Through the ORM, so columns added later (with their Python defaults) are filled.
                Customer.objects.get_or_create(mobile="13900000001", defaults={
                    "name": "压测客户", "source": "walk_in", "lifecycle": "owner", "may_call": True,
                    "name_pinyin": "yacekehu", "name_initials": "yckh"})
                cur.execute("""
                    INSERT INTO crm_complaint (channel, customer_id, object_model, object_stage, description,
                        expected_resolution, contact_name, contact_phone, read_back_confirmed, state, reported_at,
                        received_at, departments, cause_category, cause_detail, responsible_party, solution,
                        carried_out_note, satisfaction, reopen_count, sla_policy_version_id,
                        sla_policy_version_number, escalation_level, escalated, created_by_id, created_at, updated_at)
                    SELECT 'phone', (SELECT id FROM crm_customer LIMIT 1), '', '', '压测', '道歉', '', '', TRUE,
                        'received', %(t)s, %(t)s, '', '', '', '', '', '', '', 0, 1, 1, 0, FALSE, 1, now(), now()
                    FROM generate_series(1, 5)""", {"t": now - dt.timedelta(days=2)})
                cur.execute("""
                    INSERT INTO crm_complaintdeadline (complaint_id, step, name, milestone, within_working_days,
                        due_at, to_role, cc_roles, policy_version_id, policy_version_number)
                    SELECT c.id, s.step, s.name, s.milestone, s.within, %(now)s + s.off, s.role, s.cc::jsonb, 1, 1
                    FROM crm_complaint c CROSS JOIN (VALUES
                        (1, '投诉处理表递交总经理', 'submitted', 0.5, interval '-1 day', 'general_manager',
                         '["service_manager"]'),
                        (2, '经理调查并回复客户', 'replied', 1, interval '-1 hour', 'service_manager', '[]'),
                        (3, '逾期未结案升级总经理', 'closed', 5, interval '3 days', 'general_manager',
                         '["sales_manager"]')) AS s(step, name, milestone, within, off, role, cc)""",
                            {"now": now})
            cur.execute("UPDATE crm_complaintdeadline SET breached_at = NULL WHERE step < 3")
            cur.execute("UPDATE crm_complaint SET escalated = FALSE, escalation_level = 0")
            cur.execute("DELETE FROM crm_notification")
            total += 5
    return total


def bench_sweep() -> None:
    from django_tenants.utils import tenant_context

    from benchmarks.tenants_bench import _backend_cpu_s
    from crm.aftersales.complaints import complaint_sla_sweep

    stores = _ensure_sweep_stores()
    now = dt.datetime.now(dt.UTC)
    start = time.perf_counter()
    complaints = _seed_sweep(stores, now)
    print(f"sweep data seeded in {time.perf_counter() - start:.1f}s", flush=True)
    breached = notified = 0
    server0, client0 = _backend_cpu_s(), time.process_time()
    t0 = time.perf_counter()
    for store in stores:
        with tenant_context(store):
            result = complaint_sla_sweep(now=now)
        breached += result.breached
        notified += result.notified
    seconds = time.perf_counter() - t0
    server1 = _backend_cpu_s()
    assert breached == complaints * 2, (breached, complaints)
    record("sla_sweep_1000_s", seconds, "s",
           f"{len(stores)} stores × 5 open complaints, {breached} breaches escalated, {notified} notices; "
           f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if server0 is not None and server1 is not None:
        record("sla_sweep_1000_cpu_s", server1 - server0 + time.process_time() - client0, "s",
               f"{len(stores)} stores; CPU of the sweeping process and its database session")
    t1 = time.perf_counter()
    for store in stores:
        with tenant_context(store):
            complaint_sla_sweep(now=now)
    record("sla_sweep_1000_idle_s", time.perf_counter() - t1, "s", f"{len(stores)} stores, nothing newly breached")


def run() -> None:
    from django.core.management import call_command

    call_command("migrate_schemas", verbosity=0)
    with _no_fanout():
        bench_report()
        bench_sweep()
