"""One phone call, one work item: the calls of a return visit are cadence tasks, planned at the event on
their future dates; the visit is their record; reading the pages writes nothing; one redial rule (the
survey template's) and one refusal for every call screen."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django_tenants.utils import schema_context, tenant_context

from crm.aftersales.visits import return_visit_record, visit_open_call
from crm.cadence.engine import cadence_run_customer
from crm.cadence.services import task_complete
from crm.models import Customer, FollowUpTask
from crm.models.aftersales import ReturnVisit, ReturnVisitCall, SurveyAnswer
from crm.services.service_visits import service_visit_create
from tenants.models import Store
from tests.conftest import client_for

from .conftest import TZ, all_yes, customer, vehicle
from .test_retry_rule import _publish_retry

# Tuesday 1 December 2026, 10:00 in the store (no public holiday until New Year's Day).
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _rows() -> tuple[int, int, int, int]:
    return (FollowUpTask.objects.count(), ReturnVisit.objects.count(), ReturnVisitCall.objects.count(),
            SurveyAnswer.objects.count())


def _plan_delivery(**kw: Any) -> Customer:
    """A car handed over today; the engine's after-event run (what the on-commit Celery task does)."""
    c = customer(**kw)
    vehicle(c, delivered_on=TODAY)
    cadence_run_customer(customer_id=c.pk, today=TODAY)
    return c


def test_a_delivery_plans_its_calls_on_their_future_dates_at_once(store_a: Any) -> None:
    c = _plan_delivery()
    planned = {(t.rule_key, t.due_date) for t in FollowUpTask.objects.filter(customer=c)}
    # Delivered Tue 1 Dec: first visit +1 (2 Dec), 3DC +3 (4 Dec), 7DC +7 (8 Dec), 15-day care +15
    # (16 Dec); 首保 due 180 days after delivery (30 May 2027: Dec 30 + Jan 31 + Feb 28 + Mar 31 + Apr 30
    # + 30 = 180), reminded 14 days before: 16 May 2027.
    assert {("delivery_first_visit", dt.date(2026, 12, 2)), ("delivery_3dc", dt.date(2026, 12, 4)),
            ("delivery_7dc", dt.date(2026, 12, 8)), ("delivery_15d_care", dt.date(2026, 12, 16)),
            ("first_maintenance_reminder", dt.date(2027, 5, 16))} <= planned
    # Every return visit has its one record, with its first call; the record does not queue anything.
    visits = {v.rule_key: v for v in ReturnVisit.objects.filter(customer=c)}
    assert set(visits) == {"delivery_first_visit", "delivery_3dc", "delivery_7dc", "delivery_15d_care"}
    assert all(v.task is not None and v.task.due_date == v.due_date for v in visits.values())
    before = _rows()
    cadence_run_customer(customer_id=c.pk, today=TODAY)  # the event replayed (a redelivered task)
    assert _rows() == before


def test_a_service_visit_with_consent_plans_its_return_visit(store_a: Any, m: Any) -> None:
    advisor = m("a.service_advisor")
    yes, no = customer(), customer()
    for c, may_call in ((yes, True), (no, False)):
        service_visit_create(member=advisor, vehicle=vehicle(c), kind="repair", visited_on=TODAY,
                             km=12000, may_call=may_call)
        cadence_run_customer(customer_id=c.pk, today=TODAY)
    visit = ReturnVisit.objects.get(customer=yes, rule_key="service_3dc")
    assert visit.due_date == dt.date(2026, 12, 4)  # serviced Tue 1 Dec + 3 days
    assert visit.service_visit is not None and visit.service_visit.customer_id == yes.pk
    assert not ReturnVisit.objects.filter(customer=no).exists()


def test_reading_the_return_visit_pages_writes_nothing_even_in_a_read_only_store(
    store_a: Any, world: Any,
) -> None:
    c = _plan_delivery()
    visit = ReturnVisit.objects.get(customer=c, rule_key="delivery_3dc")
    # A return-visit call without its record, as an older engine left them: a page must not add one.
    FollowUpTask.objects.create(customer=c, rule_key="service_3dc", rule_name="维修保养后3日回访(3DC)",
                                trigger="service_done", channel="call", event_date=TODAY, due_date=TODAY,
                                allowed_outcomes=["reached"], policy_version_id=1, policy_version_number=1)
    host = world.host(world.store_a)
    urls = ["/aftersales/visits/", "/aftersales/visits/?scope=week&day=2026-12-07", "/aftersales/visits/?scope=day",
            f"/aftersales/visits/{visit.pk}/", "/api/aftersales/return-visits/",
            f"/api/aftersales/return-visits/{visit.pk}/", f"/customers/{c.pk}/"]
    for suspended in (False, True):
        if suspended:
            with schema_context("public"):
                Store.objects.filter(pk=world.store_a.pk).update(status=Store.Status.SUSPENDED)
        with tenant_context(world.store_a):
            before = _rows()
        client = client_for(world.user("a.customer_service"), host)
        for url in urls:
            assert client.get(url).status_code == 200, url
        with tenant_context(world.store_a):
            assert _rows() == before


def test_the_queue_plans_a_week_with_the_calls_per_day(store_a: Any, world: Any) -> None:
    _plan_delivery()
    _plan_delivery()
    client = client_for(world.user("a.customer_service"), world.host(world.store_a))
    today = client.get("/aftersales/visits/").content.decode()
    assert 'data-call-on="2026-12-04"' not in today  # today's list: nothing is due yet
    week = client.get("/aftersales/visits/?scope=week&day=2026-12-01").content.decode()
    # This week (Mon 30 Nov – Sun 6 Dec): two first visits on Wed 2 Dec, two 3DC on Fri 4 Dec.
    assert week.count('data-call-on="2026-12-02"') == 2 and week.count('data-call-on="2026-12-04"') == 2
    strip = dict(re.findall(r'data-day="([\d-]+)"[^>]*>[^<]*<span class="badge text-bg-light">(\d+)</span>', week))
    assert strip == {"2026-11-30": "0", "2026-12-01": "0", "2026-12-02": "2", "2026-12-03": "0",
                     "2026-12-04": "2", "2026-12-05": "0", "2026-12-06": "0"}
    nxt = client.get("/aftersales/visits/?scope=week&day=2026-12-07").content.decode()
    assert nxt.count('data-call-on="2026-12-08"') == 2  # the two 7DC on Tue 8 Dec
    day = client.get("/aftersales/visits/?scope=day&day=2026-12-16").content.decode()
    assert day.count('data-call-on="2026-12-16"') == 2 and 'data-call-on="2026-12-08"' not in day
    bad = client.get("/aftersales/visits/?scope=day&day=2026-13-45")
    assert bad.status_code == 400 and "2026-13-45" in bad.content.decode()


def test_the_task_page_redials_by_the_survey_templates_rule(store_a: Any, m: Any, world: Any) -> None:
    _publish_retry(world, {"max_attempts": 2, "every_working_days": 3})
    c = _plan_delivery()
    cs = m("a.customer_service")
    call = FollowUpTask.objects.get(customer=c, rule_key="delivery_3dc")
    with time_machine.travel(dt.datetime(2026, 12, 4, 10, 0, tzinfo=TZ), tick=False):
        task_complete(member=cs, task=call, outcome="no_answer")
        # Unanswered on Fri 4 Dec; 3 working days later: Mon 7 (1), Tue 8 (2), Wed 9 Dec (3).
        redial = FollowUpTask.objects.get(customer=c, rule_key="delivery_3dc", status="open")
        assert redial.due_date == dt.date(2026, 12, 9) and redial.event_date == call.event_date
    with time_machine.travel(dt.datetime(2026, 12, 9, 10, 0, tzinfo=TZ), tick=False):
        task_complete(member=cs, task=redial, outcome="no_answer")
    # Two dials were the template's maximum: nothing further is planned.
    assert not FollowUpTask.objects.filter(customer=c, rule_key="delivery_3dc", status__in=["open", "overdue"])
    assert FollowUpTask.objects.filter(customer=c, rule_key="delivery_3dc").count() == 2


def test_a_refusal_on_the_task_page_ends_every_open_call_and_return_visit(store_a: Any, m: Any) -> None:
    c = _plan_delivery()
    cs = m("a.customer_service")
    call = FollowUpTask.objects.get(customer=c, rule_key="delivery_first_visit")
    task_complete(member=cs, task=call, outcome="refused", note="")
    c.refresh_from_db()
    assert c.may_call is False
    open_calls = FollowUpTask.objects.filter(customer=c, channel="call", status__in=["open", "overdue"])
    assert not open_calls.exists()
    skipped = FollowUpTask.objects.filter(customer=c, status="skipped")
    assert skipped.count() >= 4 and set(skipped.values_list("skip_reason", flat=True)) == {"客户拒绝回访"}
    assert set(ReturnVisit.objects.filter(customer=c).values_list("status", flat=True)) == {"do_not_call"}


def test_the_call_and_its_answers_reach_the_360_page(store_a: Any, m: Any, world: Any) -> None:
    c = _plan_delivery(name="林晓")
    client = client_for(world.user("a.customer_service"), world.host(world.store_a))
    page = client.get(f"/customers/{c.pk}/").content.decode()
    planned = page[page.index('id="planned-calls"'):page.index('id="timeline"')]
    assert "交车3日回访(3DC)" in planned and 'data-due="2026-12-04"' in planned and "计划" in planned
    with tenant_context(world.store_a):
        visit = ReturnVisit.objects.get(customer=c, rule_key="delivery_3dc")
    with time_machine.travel(dt.datetime(2026, 12, 4, 15, 0, tzinfo=TZ), tick=False), tenant_context(world.store_a):
        return_visit_record(member=m("a.customer_service"), visit=visit, outcome="completed",
                            person_called="owner", remark="希望提供上门取送车",
                            answers=all_yes(fixed={"value": "no", "remark": "车门异响没修好"}))
        client = client_for(world.user("a.customer_service"), world.host(world.store_a))  # a new day's sign-in
        page = client.get(f"/customers/{c.pk}/").content.decode()
    timeline = page[page.index('id="timeline"'):]
    assert "回访·完成回访" in timeline and "交车3日回访(3DC)" in timeline
    assert "您车辆的问题是否一次修好？：否（车门异响没修好）" in timeline and "希望提供上门取送车" in timeline
    with tenant_context(world.store_a):
        assert visit_open_call(visit) is None


def test_planned_calls_count_as_due_only_once_their_day_has_come(store_a: Any) -> None:
    from crm.aftersales.report import monthly_report, parse_report_period
    from crm.cadence.metrics import compute
    from hq.metrics.periods import current_month

    _plan_delivery()
    # Tue 1 Dec: every call of the delivery lies ahead, so December has nothing due yet.
    assert compute(current_month(TODAY))["cadence_tasks_due"] == 0
    assert monthly_report(parse_report_period("2026-12", None)).due == 0
    with time_machine.travel(dt.datetime(2026, 12, 4, 18, 0, tzinfo=TZ), tick=False):
        # Fri 4 Dec: the first visit (2 Dec) and the 3DC (4 Dec) have fallen due — 2 calls, 2 visits.
        assert compute(current_month(dt.date(2026, 12, 4)))["cadence_tasks_due"] == 2
        assert monthly_report(parse_report_period("2026-12", None)).due == 2


def test_my_tasks_shows_planned_days_ahead_and_the_backlog_marked_overdue(store_a: Any, world: Any) -> None:
    from crm.cadence.engine import cadence_run_store

    c = _plan_delivery()
    first = FollowUpTask.objects.get(customer=c, rule_key="delivery_first_visit")
    seven = FollowUpTask.objects.get(customer=c, rule_key="delivery_7dc")
    assert first.assignee_id == world.user("a.customer_service").pk  # the store's only 客服专员
    visit = ReturnVisit.objects.get(customer=c, rule_key="delivery_first_visit")
    host = world.host(world.store_a)
    ahead = client_for(world.user("a.customer_service"), host).get("/cadence/tasks/?day=2026-12-08").content.decode()
    assert f'id="task-{seven.pk}"' in ahead  # Tue 8 Dec, planned on 1 Dec
    with time_machine.travel(dt.datetime(2026, 12, 4, 8, 0, tzinfo=TZ), tick=False):
        with tenant_context(world.store_a):
            cadence_run_store(today=dt.date(2026, 12, 4))  # the morning run marks 2 Dec's call overdue
        page = client_for(world.user("a.customer_service"), host).get("/cadence/tasks/").content.decode()
    row = page[page.index(f'id="task-{first.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "table-danger" in row and "已逾期" in row and f"/aftersales/visits/{visit.pk}/" in row
