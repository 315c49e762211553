"""投诉时限: deadlines from the complaint template on the store's working-day calendar, and the sweep
that escalates breaches to the next person in the chain — once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tenants.utils import schema_context

from crm.aftersales.complaints import complaint_sla_sweep, complaint_transition
from crm.models.aftersales import Notification
from hq.models import CalendarDay
from tenants.models import StoreRole

from .conftest import at, submitted_complaint

FRI = dt.date(2026, 11, 20)


def _due(c: Any) -> dict[int, dt.datetime]:
    return {d.step: d.due_at for d in c.deadlines.all()}


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


def test_deadlines_skip_a_public_holiday(store_a: Any, m: Any) -> None:
    # Wednesday 30 Sep 2026 16:00: National Day runs 1–7 October, work resumes Thursday 8 October.
    c = submitted_complaint(m("a.customer_service"), reported_at=at(dt.date(2026, 9, 30), 16))
    due = _due(c)
    assert due[1] == at(dt.date(2026, 10, 8), 11, 15)
    assert due[2] == at(dt.date(2026, 10, 8), 16)


def test_hq_calendar_corrections_count(store_a: Any, m: Any, world: Any) -> None:
    with schema_context("public"):
        CalendarDay.objects.create(group=world.group_x, day=dt.date(2026, 11, 23), is_working=False, name="店庆调休")
    c = submitted_complaint(m("a.customer_service"), reported_at=at(FRI, 16))
    assert _due(c)[1] == at(dt.date(2026, 11, 24), 11, 15)


def test_the_form_goes_to_the_gm_with_the_service_manager_copied(store_a: Any, m: Any) -> None:
    c = submitted_complaint(m("a.customer_service"))
    notes = {(n.recipient_id, n.is_cc) for n in Notification.objects.filter(complaint=c, kind="submitted")}
    assert notes == {(m("a.general_manager").user_id, False), (m("a.service_manager").user_id, True)}


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
    # Flag stays until handled: replying clears step 2 but the closing is still overdue.
    c = complaint_transition(member=cs, complaint=c, action="acknowledge", apologised=True,
                             reply_promised_at=at(dt.date(2026, 12, 31), 10))
    assert c.escalated and c.escalation_level == 3


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
