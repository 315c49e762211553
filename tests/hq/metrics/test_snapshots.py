"""Metrics flow up: store figures become public snapshot rows; HQ compares, trends, drills down, exports."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db.utils import ProgrammingError
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from crm.models import Customer, FollowUp, Lead, ServiceVisit, Vehicle
from hq.metrics.catalogue import metric
from hq.metrics.periods import Period, month_range, parse_period
from hq.metrics.selectors import compare, resolve_metrics
from hq.metrics.services import snapshot_refresh_store
from hq.models import MetricSnapshot, SnapshotRun
from tenants.errors import DomainError
from tests.conftest import client_for, wait_for
from tests.world import World

OCT = Period("month", dt.date(2026, 10, 1))


def _at(day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 10, day, hour))


def _seed_store(deals: int, defeats: int, customers: int = 4) -> None:
    """A small, known month of CRM work in the current store's schema."""
    people = [Customer.objects.create(name=f"客户{i}", mobile=f"1390000{i:04d}", value_class="A" if i == 0 else "C",
                                      loyalty="loyal" if i % 2 == 0 else "at_risk") for i in range(customers)]
    Customer.objects.update(created_at=_at(1))  # on file before the period ends
    for i in range(deals + defeats):
        lead = Lead.objects.create(customer=people[i % customers], grade="H" if i == 0 else "B",
                                   status="deal" if i < deals else "defeated",
                                   defeat_reason="" if i < deals else "price", closed_at=_at(20))
        Lead.objects.filter(pk=lead.pk).update(created_at=_at(2))
        FollowUp.objects.create(customer=people[i % customers], lead=lead, staff_id=1, channel="phone", content="回访",
                                happened_at=_at(2 + i, 10), on_time=i != 1)
    vehicle = Vehicle.objects.create(vin="LSVAU2180N2183294", owner=people[0], delivered_on=dt.date(2026, 10, 8))
    ServiceVisit.objects.create(vehicle=vehicle, customer=people[0], kind="periodic", visited_on=dt.date(2026, 10, 9),
                                amount=Decimal("680.00"))


def test_a_store_refresh_writes_its_figures(world: World, db: Any) -> None:
    with tenant_context(world.store_a):
        _seed_store(deals=3, defeats=1)
    count = snapshot_refresh_store(store=world.store_a, period=OCT)
    values = dict(MetricSnapshot.objects.filter(store=world.store_a, period_start=OCT.start)
                  .values_list("metric", "value"))
    assert count == len(values)
    assert values["leads_received"] == 4 and values["leads_converted"] == 3 and values["leads_defeated"] == 1
    assert values["conversion_rate"] == 75.0 and values["defeat_reason.price"] == 1
    assert values["leads_grade_h"] == 1 and values["leads_grade_b"] == 3
    assert values["followups_on_time_pct"] == 75.0
    assert values["first_contact_median_h"] == 36.0  # first contacts after 0, 24, 48, 72 hours
    assert values["first_contact_on_time_pct"] == 50.0  # within the 24-hour deadline: 2 of 4
    assert values["deliveries"] == 1 and values["service_visits"] == 1 and values["service_revenue"] == 680.0
    assert values["customers_total"] == 4 and values["value_a_pct"] == 25.0 and values["churn_pct"] == 50.0
    # No store B figure leaked in: store B has no rows for this period.
    assert not MetricSnapshot.objects.filter(store=world.store_b, period_start=OCT.start).exists()


def test_recomputing_a_period_replaces_it(world: World, db: Any) -> None:
    with tenant_context(world.store_a):
        _seed_store(deals=1, defeats=0)
    snapshot_refresh_store(store=world.store_a, period=OCT)
    with tenant_context(world.store_a):
        Lead.objects.update(status="defeated", defeat_reason="competitor")
    snapshot_refresh_store(store=world.store_a, period=OCT)
    rows = MetricSnapshot.objects.filter(store=world.store_a, period_start=OCT.start)
    assert rows.filter(metric="leads_converted").get().value == 0
    assert rows.filter(metric="leads_defeated").get().value == 1
    assert rows.filter(metric="conversion_rate").count() == 1


def test_a_failed_refresh_keeps_old_figures_and_shows_stale(world: World, db: Any) -> None:
    with tenant_context(world.store_a):
        _seed_store(deals=2, defeats=0)
    snapshot_refresh_store(store=world.store_a, period=OCT)
    with override_settings(HQ_METRIC_PROVIDERS=["tests.hq.metrics.failing_provider"]), pytest.raises(ProgrammingError):
        snapshot_refresh_store(store=world.store_a, period=OCT)
    run = SnapshotRun.objects.get(store=world.store_a, period_start=OCT.start)
    assert run.status == "failed" and "crm_table_that_does_not_exist" in run.error
    cmp = compare(world.group_x, period=OCT, metrics=resolve_metrics(["leads_converted"]))
    row = next(r for r in cmp.rows if r.store_id == world.store_a.pk)
    assert row.stale and row.values["leads_converted"] == 2  # old figure kept, flagged
    other = next(r for r in cmp.rows if r.store_id == world.store_b.pk)
    assert other.stale and other.values["leads_converted"] is None  # never refreshed: blank, not zero


def test_comparison_ranks_totals_and_cues(world: World, db: Any) -> None:
    with tenant_context(world.store_a):
        _seed_store(deals=3, defeats=1)
    with tenant_context(world.store_b):
        _seed_store(deals=1, defeats=3)
    for store in (world.store_a, world.store_b):
        snapshot_refresh_store(store=store, period=OCT)
    cmp = compare(world.group_x, period=OCT,
                  metrics=resolve_metrics(["conversion_rate", "leads_received", "customers_total"]),
                  sort="conversion_rate")
    first, second = cmp.rows[0], cmp.rows[1]
    assert first.store_id == world.store_a.pk and first.ranks["conversion_rate"] == 1
    assert second.ranks["conversion_rate"] == 2
    assert first.cue(cmp, "conversion_rate") == "best" and second.cue(cmp, "conversion_rate") == "worst"
    assert cmp.best["conversion_rate"] == 75.0 and cmp.worst["conversion_rate"] == 25.0
    assert cmp.total["leads_received"] == 8 and cmp.total["conversion_rate"] == 50.0
    assert cmp.best["customers_total"] is None  # a pure volume has no better or worse
    level = compare(world.group_x, period=OCT, metrics=resolve_metrics(["deliveries"]))
    assert [r.cue(level, "deliveries") for r in level.rows] == ["", ""]  # both delivered 1: no cue
    assert {r.store_id for r in cmp.rows} == {world.store_a.pk, world.store_b.pk}  # never group Y's store C


@pytest.mark.parametrize("keys", [["no_such_metric"], ["conversion_rate", "drop table"]])
def test_unknown_metrics_are_refused_by_name(keys: list[str]) -> None:
    with pytest.raises(DomainError) as err:
        resolve_metrics(keys)
    assert "未知的指标" in err.value.message


@pytest.mark.parametrize("text", ["", "2026-13", "2026/10", "十月", "2026-02-30"])
def test_bad_periods_get_a_clear_message(text: str) -> None:
    with pytest.raises(DomainError) as err:
        parse_period(text)
    assert "2026-10" in err.value.message


def test_a_reversed_trend_range_is_refused() -> None:
    with pytest.raises(DomainError) as err:
        month_range("2026-10", "2026-01")
    assert "晚于" in err.value.message
    assert len(month_range("2025-11", "2026-10")) == 12


class TestPagesAndApi:
    def _refresh(self, world: World) -> None:
        with tenant_context(world.store_a):
            _seed_store(deals=2, defeats=2)
        snapshot_refresh_store(store=world.store_a, period=OCT)

    def test_the_comparison_page_shows_the_groups_stores(self, world: World, db: Any,
                                                         django_assert_max_num_queries: Any) -> None:
        self._refresh(world)
        client = client_for(world.user("x.hq_analyst"))
        with django_assert_max_num_queries(10):
            page = client.get("/hq/compare/", {"period": "2026-10", "metrics": ["conversion_rate", "deliveries"]})
        body = page.content.decode()
        assert page.status_code == 200
        assert "A店" in body and "B店" in body and "C店" not in body and "50.0%" in body
        assert "未更新" in body  # store B never refreshed

    @pytest.mark.parametrize("query, message", [
        ({"period": "2026-10", "metrics": "bogus"}, "未知的指标"),
        ({"period": "10/2026"}, "无法识别"),
    ])
    def test_the_page_explains_bad_input(self, world: World, db: Any, query: dict[str, str], message: str) -> None:
        page = client_for(world.user("x.hq_admin")).get("/hq/compare/", query)
        assert page.status_code == 400 and message in page.content.decode()

    def test_a_store_of_another_group_in_the_filter_is_refused(self, world: World, db: Any) -> None:
        client = client_for(world.user("x.hq_admin"))
        page = client.get("/hq/compare/", {"period": "2026-10", "stores": [world.store_c.pk]})
        assert page.status_code == 400 and "不属于本集团" in page.content.decode()
        api = client.get("/api/hq/metrics/compare/", {"period": "2026-10", "stores": f"{world.store_c.pk}"})
        assert api.status_code == 400 and api.json()["field"] == "stores"
        trend = client.get("/api/hq/metrics/trend/", {"metric": "deliveries", "from": "2026-01", "to": "2026-10",
                                                     "stores": f"{world.store_a.pk},{world.store_c.pk}"})
        assert trend.status_code == 400

    def test_the_api_returns_the_same_figures(self, world: World, db: Any) -> None:
        self._refresh(world)
        body = client_for(world.user("x.hq_analyst")).get(
            "/api/hq/metrics/compare/", {"period": "2026-10", "metrics": "conversion_rate,leads_received"}).json()
        store_a = next(s for s in body["stores"] if s["id"] == world.store_a.pk)
        assert store_a["values"]["conversion_rate"] == 50.0 and store_a["ranks"]["conversion_rate"] == 1
        assert body["group"]["leads_received"] == 4
        assert {s["slug"] for s in body["stores"]} == {"store-a", "store-b"}

    def test_the_api_refuses_bad_input_without_a_500(self, world: World, db: Any) -> None:
        client = client_for(world.user("x.hq_admin"))
        assert client.get("/api/hq/metrics/compare/").status_code == 400  # no period
        assert client.get("/api/hq/metrics/compare/", {"period": "2026-10", "metrics": "x"}).status_code == 400
        reversed_ = client.get("/api/hq/metrics/trend/", {"metric": "deliveries", "from": "2026-10", "to": "2026-01"})
        assert reversed_.status_code == 400 and "晚于" in reversed_.json()["detail"]
        assert client.get("/api/hq/metrics/trend/", {"metric": "nope", "from": "2026-01",
                                                     "to": "2026-02"}).status_code == 400

    def test_the_trend_has_a_group_line_and_store_lines(self, world: World, db: Any) -> None:
        self._refresh(world)
        body = client_for(world.user("x.hq_admin")).get(
            "/api/hq/metrics/trend/", {"metric": "leads_received", "from": "2026-09", "to": "2026-10",
                                       "stores": f"{world.store_a.pk}"}).json()
        assert body["months"] == ["2026-09", "2026-10"]
        assert body["series"][0]["data"] == [None, 4.0]
        assert body["series"][1] == {"name": "A店", "data": [None, 4.0]}

    def test_the_export_is_a_workbook_of_the_comparison(self, world: World, db: Any) -> None:
        self._refresh(world)
        response = client_for(world.user("x.hq_analyst")).get(
            "/hq/compare/export.xlsx", {"period": "2026-10", "metrics": ["conversion_rate"]})
        assert response.status_code == 200
        ws = load_workbook(io.BytesIO(response.content)).active
        rows = list(ws.iter_rows(values_only=True))
        assert rows[1][:5] == ("门店", "门店标识", "数据状态", "成交率", "成交率排名")
        names = {r[0] for r in rows[2:]}
        assert {"A店", "B店", "集团合计/平均"} <= names and "C店" not in names

    def test_the_drill_down_shows_figures_and_refuses_other_groups(self, world: World, db: Any) -> None:
        self._refresh(world)
        client = client_for(world.user("x.hq_analyst"))
        page = client.get(f"/hq/stores/{world.store_a.pk}/", {"period": "2026-10"})
        assert page.status_code == 200 and "成交率" in page.content.decode()
        assert client.get(f"/hq/stores/{world.store_c.pk}/", {"period": "2026-10"}).status_code == 404


def test_the_catalogue_labels_every_metric_in_chinese() -> None:
    m = metric("conversion_rate")
    assert m is not None and m.label == "成交率"
    assert metric("defeat_reason.price") is not None


def _forget_snapshots() -> None:
    MetricSnapshot.objects.all().delete()
    SnapshotRun.objects.all().delete()


def test_nightly_refresh_runs_per_store_through_a_real_worker(
    world: World, celery_worker: Any, django_db_blocker: Any,
) -> None:
    """No `db` fixture: the worker commits, so this test commits too and cleans up after itself."""
    from hq.metrics.services import nightly_periods
    from hq.metrics.tasks import snapshot_refresh_all

    month = nightly_periods()[1]
    with django_db_blocker.unblock():
        _forget_snapshots()
        try:
            snapshot_refresh_all.delay(spread_seconds=0)

            def refreshed() -> bool:
                return SnapshotRun.objects.filter(
                    period_kind="month", period_start=month.start, status="ok",
                    store__in=[world.store_a, world.store_b, world.store_c]).count() == 3

            wait_for(refreshed, timeout=60)
            # Each store's rows carry its own group.
            assert set(MetricSnapshot.objects.filter(store=world.store_c, period_start=month.start)
                       .values_list("group_id", flat=True)) == {world.group_y.pk}
        finally:
            _forget_snapshots()


# Reminders due 5 October count once that day has come: the clock stands on 2 November (in Shanghai).
@time_machine.travel(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_maintenance_reminders_and_who_came_in(world: World, db: Any) -> None:
    """保养提醒 → 进站: a reminded customer with a maintenance visit within 45 days counts as came in."""
    from crm.models import FollowUpTask

    with tenant_context(world.store_a):
        _seed_store(deals=0, defeats=0, customers=3)
        people = list(Customer.objects.order_by("pk"))
        vehicle = Vehicle.objects.get()
        for i, person in enumerate(people):
            FollowUpTask.objects.create(
                customer=person, vehicle=vehicle, rule_key="maintenance", rule_name="定期保养提醒",
                trigger="maintenance_due", channel="call", event_date=dt.date(2026, 9, 1), due_date=dt.date(2026, 10, 5),
                status="done" if i < 2 else "overdue", policy_version_id=1, policy_version_number=1,
                completed_at=_at(4),
            )
        # people[0] already has the periodic visit on 10-09 from _seed_store; people[1] never came.
    snapshot_refresh_store(store=world.store_a, period=OCT)
    values = dict(MetricSnapshot.objects.filter(store=world.store_a, period_start=OCT.start)
                  .values_list("metric", "value"))
    assert values["maintenance_reminded"] == 2 and values["maintenance_reminded_came_in"] == 1
    assert values["maintenance_reminder_conversion_pct"] == 50.0
    assert values["cadence_tasks_due"] == 3 and values["cadence_tasks_on_time_pct"] == pytest.approx(66.67)
    assert values["cadence_tasks_overdue"] == 1


@pytest.mark.parametrize(("local_now", "expected"), [
    # 1 Dec 00:30 Shanghai (30 Nov in UTC): yesterday is 30 Nov, this month is December, November closes.
    ("2026-12-01 00:30", [("day", "2026-11-30"), ("month", "2026-12-01"), ("month", "2026-11-01")]),
    # 2 and 3 Dec: yesterday is in December, but November is still closed again (it was listed twice before).
    ("2026-12-02 02:00", [("day", "2026-12-01"), ("month", "2026-12-01"), ("month", "2026-11-01")]),
    ("2026-12-03 23:50", [("day", "2026-12-02"), ("month", "2026-12-01"), ("month", "2026-11-01")]),
    # 4 Dec: only yesterday and this month.
    ("2026-12-04 02:00", [("day", "2026-12-03"), ("month", "2026-12-01")]),
    # New year: 2 Jan 2027 closes December 2026.
    ("2027-01-02 02:00", [("day", "2027-01-01"), ("month", "2027-01-01"), ("month", "2026-12-01")]),
])
def test_nightly_periods_close_last_month_once_in_the_first_three_days(
    local_now: str, expected: list[tuple[str, str]],
) -> None:
    from zoneinfo import ZoneInfo

    from hq.metrics.services import nightly_periods

    now = dt.datetime.fromisoformat(local_now).replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    with timezone.override("Asia/Shanghai"):
        got = [(p.kind, p.start.isoformat()) for p in nightly_periods(now)]
    assert got == expected
