"""投诉时限: deadlines from the complaint template on the store's working-day calendar, and the sweep
that escalates breaches to the next person in the chain — once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django_tenants.utils import schema_context

from crm.aftersales.complaints import complaint_sla_sweep, complaint_transition
from crm.models.aftersales import Notification
from hq.models import CalendarDay
from tenants.models import StoreRole

from .conftest import at, submitted_complaint

FRI = dt.date(2026, 11, 20)
# The complaint is worked on the Monday after (the reply promised for 31 Dec must lie ahead).
MONDAY_EVENING = dt.datetime(2026, 11, 23, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
# Complaints received on FRI are recorded with the clock on the Monday after (a reported time must lie
# in the past, whatever the date the suite runs on).
MONDAY_MORNING = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _due(c: Any) -> dict[int, dt.datetime]:
    return {d.step: d.due_at for d in c.deadlines.all()}


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_half_a_working_day_and_one_working_day_skip_the_weekend(store_a: Any, m: Any) -> None:
    # Friday 16:00, hours 08:30–18:00 (9.5 h): half a day is 4.75 h → Monday 11:15; one day → Monday 16:00.
    c = submitted_complaint(m("a.customer_service"), reported_at=at(FRI, 16))
    due = _due(c)
    assert due[1] == at(dt.date(2026, 11, 23), 11, 15)
    assert due[2] == at(dt.date(2026, 11, 23), 16)
    assert due[3] == at(dt.date(2026, 11, 27), 16)  # five working days
    d1 = c.deadlines.get(step=1)
    assert (d1.policy_version_number, d1.to_role, d1.cc_roles) == (1, "general_manager", ["service_manager"])
    assert c.sla_policy_version_number == 1


@time_machine.travel(dt.datetime(2026, 10, 9, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_deadlines_skip_a_public_holiday(store_a: Any, m: Any) -> None:
    # Wednesday 30 Sep 2026 16:00: National Day runs 1–7 October, work resumes Thursday 8 October.
    c = submitted_complaint(m("a.customer_service"), reported_at=at(dt.date(2026, 9, 30), 16))
    due = _due(c)
    assert due[1] == at(dt.date(2026, 10, 8), 11, 15)
    assert due[2] == at(dt.date(2026, 10, 8), 16)


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_hq_calendar_corrections_count(store_a: Any, m: Any, world: Any) -> None:
    with schema_context("public"):
        CalendarDay.objects.create(group=world.group_x, day=dt.date(2026, 11, 23), is_working=False, name="店庆调休")
    c = submitted_complaint(m("a.customer_service"), reported_at=at(FRI, 16))
    assert _due(c)[1] == at(dt.date(2026, 11, 24), 11, 15)


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_the_form_goes_to_the_gm_with_the_service_manager_copied(store_a: Any, m: Any) -> None:
    c = submitted_complaint(m("a.customer_service"))
    notes = {(n.recipient_id, n.is_cc) for n in Notification.objects.filter(complaint=c, kind="submitted")}
    assert notes == {(m("a.general_manager").user_id, False), (m("a.service_manager").user_id, True)}


@time_machine.travel(MONDAY_EVENING, tick=False)
def test_the_sweep_escalates_each_breach_once(store_a: Any, m: Any) -> None:
    cs, gm, sm = m("a.customer_service"), m("a.general_manager"), m("a.service_manager")
    c = submitted_complaint(cs, reported_at=at(FRI, 16))
    # Monday 12:00: step 1 (递交总经理, met on submission) is done; step 2 (回复客户, due 16:00) not yet.
    assert complaint_sla_sweep(now=at(dt.date(2026, 11, 23), 12)).breached == 0
    result = complaint_sla_sweep(now=at(dt.date(2026, 11, 23), 17))
    assert (result.breached, result.notified) == (1, 1)
    c.refresh_from_db()
    assert c.escalated and c.escalation_level == 2
    notice = Notification.objects.get(complaint=c, kind="escalation")
    assert notice.recipient_id == sm.user_id and "经理调查并回复客户" in notice.title
    again = complaint_sla_sweep(now=at(dt.date(2026, 11, 23), 18))
    assert (again.breached, again.notified) == (0, 0)
    assert Notification.objects.filter(complaint=c, kind="escalation").count() == 1
    # Friday evening: the closing deadline passes too → the GM, with the sales manager copied.
    complaint_sla_sweep(now=at(dt.date(2026, 11, 27), 17))
    step3 = {(n.recipient_id, n.is_cc) for n in Notification.objects.filter(deadline__step=3)}
    assert step3 == {(gm.user_id, False), (m("a.sales_manager").user_id, True)}
    # Flag stays until handled: the manager's reply clears step 2 but the closing is still overdue.
    c = complaint_transition(member=cs, complaint=c, action="acknowledge", apologised=True,
                             reply_promised_at=at(dt.date(2026, 12, 31), 10))
    c = complaint_transition(member=sm, complaint=c, action="reply", note="已查明：异响为隔热罩松动，免费紧固")
    assert c.escalated and c.escalation_level == 3


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_a_vacant_role_escalates_to_the_gm(store_a: Any, m: Any) -> None:
    from tenants.models import StoreMembership

    StoreMembership.objects.filter(store=m("a.service_manager").store, role=StoreRole.SERVICE_MANAGER).update(
        is_active=False)
    c = submitted_complaint(m("a.customer_service"), reported_at=at(FRI, 16))
    complaint_sla_sweep(now=at(dt.date(2026, 11, 23), 17))
    assert {n.recipient_id for n in Notification.objects.filter(complaint=c, kind="escalation")} == {
        m("a.general_manager").user_id}


def test_the_beat_task_fans_out_to_every_active_store(store_a: Any, monkeypatch: Any) -> None:
    import tenants.fanout
    from crm.aftersales import tasks

    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(tenants.fanout, "_send", lambda name, **kw: sent.append(kw))  # the one fan-out
    with schema_context("public"):
        n = tasks.aftersales_sla_fanout()
    assert n == len(sent) >= 3
    assert {"s_store_a", "s_store_b"} <= {kw["headers"]["_schema_name"] for kw in sent}


@time_machine.travel(MONDAY_EVENING + dt.timedelta(days=2), tick=False)
def test_deadlines_are_worked_on_the_store_clock_not_utc(store_a: Any, m: Any) -> None:
    # Received Wednesday 2026-11-25 03:54 in Shanghai, which is 19:54 UTC the day before — the form in
    # which the database hands the moment back. Store hours 08:30–18:00 (570 min; half = 285 min).
    received = dt.datetime(2026, 11, 24, 19, 54, tzinfo=dt.UTC)
    c = submitted_complaint(m("a.customer_service"), reported_at=received)
    due = _due(c)
    assert due[1] == at(dt.date(2026, 11, 25), 13, 15)  # 08:30 + 4 h 45 (in UTC hours it said 21:15)
    assert due[2] == at(dt.date(2026, 11, 26), 8, 30)  # one working day: Thursday at the same point
    # Reopening recomputes the closing deadline from a UTC "now" the same way.
    c.refresh_from_db()
    assert c.reported_at.tzinfo is not None


def test_a_store_in_another_zone_works_on_its_own_clock(store_a: Any, m: Any, world: Any) -> None:
    from crm.aftersales.policy import working_deadline
    from tenants.models import Store

    with schema_context("public"):
        Store.objects.filter(pk=world.store_a.pk).update(time_zone="Asia/Urumqi")  # UTC+6
    store = Store.objects.get(pk=world.store_a.pk)
    # 2026-11-25 02:00 UTC is 08:00 in Urumqi, before its 08:30 opening → 08:30 + 4 h 45 = 13:15 Urumqi
    # = 07:15 UTC.
    due = working_deadline(store, dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC), 0.5)
    assert due == dt.datetime(2026, 11, 25, 7, 15, tzinfo=dt.UTC)


@time_machine.travel(MONDAY_EVENING, tick=False)
def test_only_the_managers_reply_meets_the_one_working_day_step(store_a: Any, m: Any) -> None:
    """经理调查并回复客户 (one working day) is met when the service manager (or the GM) records the
    reply to the customer — never by customer service's apology and promise of a reply time."""
    cs, sm, gm = m("a.customer_service"), m("a.service_manager"), m("a.general_manager")
    c = submitted_complaint(cs, reported_at=at(FRI, 16))
    c = complaint_transition(member=cs, complaint=c, action="acknowledge", apologised=True,
                             reply_promised_at=at(dt.date(2026, 12, 31), 10))
    assert c.deadlines.get(milestone="replied").met_at is None  # the apology is not the reply
    import pytest

    from tenants.errors import DomainError

    with pytest.raises(DomainError, match="服务经理或总经理"):
        complaint_transition(member=cs, complaint=c, action="reply", note="已联系客户")
    with pytest.raises(DomainError, match="调查结果"):
        complaint_transition(member=sm, complaint=c, action="reply", note="  ")
    assert c.deadlines.get(milestone="replied").met_at is None
    c = complaint_transition(member=sm, complaint=c, action="investigate", departments="售后")
    c = complaint_transition(member=sm, complaint=c, action="reply", note="隔热罩松动，明天免费紧固")
    assert c.state == "investigating"  # the reply is recorded, the state stays
    replied = c.deadlines.get(milestone="replied")
    assert replied.met_at is not None and replied.breached_at is None
    # Customer service is not offered the manager's step; the GM may take it over.
    from crm.aftersales.complaints import actions_from

    assert "reply" not in dict(actions_from(c.state, cs.role))
    assert "reply" in dict(actions_from(c.state, gm.role))
    last = c.transitions.order_by("-id").first()
    assert last is not None and (last.action, last.by_user_id) == ("reply", sm.user_id)


def test_the_daily_run_is_dated_on_the_store_clock() -> None:
    from crm.cadence.tasks import store_run_day

    # 2026-11-30 16:30 UTC is already 1 December 00:30 in Shanghai (a server on UTC said 30 November).
    now = dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC)
    assert store_run_day("Asia/Shanghai", now) == "2026-12-01"
    assert store_run_day("", now) == "2026-12-01"  # unset: Asia/Shanghai
    assert store_run_day("Asia/Urumqi", now) == "2026-11-30"  # 22:30 there


def test_store_pages_read_the_store_clock(store_a: Any, m: Any, world: Any) -> None:
    import time_machine

    from tenants.models import Store
    from tests.conftest import client_for

    # 2026-11-25 03:00 UTC: 11:00 in Shanghai, 09:00 in Urumqi. Signed in on the pinned clock (a session
    # begun on another date may have expired by then).
    with time_machine.travel(dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC), tick=False):
        client = client_for(world.user("a.general_manager"), world.host(world.store_a))
        assert "现在 2026年11月25日 11:00" in client.get("/aftersales/gm/").content.decode()
        with schema_context("public"):
            Store.objects.filter(pk=world.store_a.pk).update(time_zone="Asia/Urumqi")
        assert "现在 2026年11月25日 09:00" in client.get("/aftersales/gm/").content.decode()
