"""线索收件箱: claim, first contact by a person against the working-time deadline, the manager's
assignment, the sweep's escalation and reassignment, and the first-response figures — worked by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django_tenants.utils import tenant_context

from crm import services
from crm.leads.intake import IntakeItem, lead_intake_batch
from crm.leads.selectors import first_response_stats, inbox_rows
from crm.leads.services import lead_assign, lead_claim, lead_sla_sweep
from crm.models import Lead
from crm.models.aftersales import Notification

from .conftest import MONDAY_10

TZ = MONDAY_10.tzinfo


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=TZ)


def _receive(manager: Any, n: int, source: str = "autohome") -> Lead:
    result = lead_intake_batch(member=manager, items=[IntakeItem(source=source, mobile=f"1392100{n:04d}",
                                                                 source_lead_id=f"X{n}", name=f"客户{n}")])[0]
    assert result.intake is not None
    return Lead.objects.select_related("customer").get(pk=result.intake.lead_id)


def _talk(member: Any, lead: Lead, **kw: Any) -> Any:
    return services.followup_create(member=member, customer=lead.customer, lead=lead, channel=kw.pop("channel", "phone"),
                                    content="介绍了到店优惠", outcome=kw.pop("outcome", "talked"), **kw)


def _owner(world: Any, member: Any, ab_at_a: Any, lead: Lead) -> Any:
    return member("a.sales_consultant") if lead.consultant_id == world.user("a.sales_consultant").pk else ab_at_a


def test_the_inbox_shows_my_new_lead_with_working_minutes_left(world: Any, member: Any, ab_at_a: Any) -> None:
    with tenant_context(world.store_a), time_machine.travel(MONDAY_10, tick=False) as t:
        lead = _receive(member("a.sales_manager"), 1)
        mine = _owner(world, member, ab_at_a, lead)
        t.move_to(_at(14, 10, 12))
        rows = inbox_rows(member=mine)
        assert [(r.lead.pk, r.minutes_left) for r in rows] == [(lead.pk, 18)]  # due 10:30, now 10:12
        colleague = ab_at_a if mine is not ab_at_a else member("a.sales_consultant")
        assert inbox_rows(member=colleague) == []  # a colleague's inbox does not show it


def test_an_unanswered_call_or_an_sms_is_no_first_contact(world: Any, member: Any, ab_at_a: Any) -> None:
    with tenant_context(world.store_a), time_machine.travel(MONDAY_10, tick=False) as t:
        lead = _receive(member("a.sales_manager"), 2)
        mine = _owner(world, member, ab_at_a, lead)
        t.move_to(_at(14, 10, 5))
        _talk(mine, lead, outcome="no_answer")
        _talk(mine, lead, channel="sms", outcome="")
        _talk(mine, lead, outcome="")  # a note with no conversation outcome
        lead.refresh_from_db()
        assert lead.first_contact_at is None
        t.move_to(_at(14, 10, 20))
        _talk(mine, lead)
        lead.refresh_from_db()
        assert (lead.first_contact_at, lead.first_response_minutes) == (_at(14, 10, 20), 20)
        assert inbox_rows(member=mine) == []


def test_a_visit_is_a_first_contact_and_evening_leads_count_working_minutes(world: Any, member: Any,
                                                                             ab_at_a: Any) -> None:
    with tenant_context(world.store_a), time_machine.travel(_at(14, 17, 50), tick=False) as t:
        lead = _receive(member("a.sales_manager"), 3)
        t.move_to(_at(15, 8, 40))
        _talk(_owner(world, member, ab_at_a, lead), lead, channel="visit", outcome="")
        lead.refresh_from_db()
        # Monday 17:50–18:00 (10) + Tuesday 08:30–08:40 (10) = 20 working minutes; due 08:50: in time.
        assert lead.first_response_minutes == 20
        assert lead.first_contact_at == _at(15, 8, 40) and lead.first_response_due_at == _at(15, 8, 50)


def test_claim_and_the_managers_assignment(world: Any, member: Any, ab_at_a: Any) -> None:
    manager = member("a.sales_manager")
    with tenant_context(world.store_a), time_machine.travel(MONDAY_10, tick=False) as t:
        lead = _receive(manager, 4)
        mine = _owner(world, member, ab_at_a, lead)
        other = ab_at_a if mine is not ab_at_a else member("a.sales_consultant")
        assert [r.lead.pk for r in inbox_rows(member=manager, unclaimed_only=True)] == [lead.pk]
        t.move_to(_at(14, 10, 10))
        lead_assign(member=manager, lead=lead, consultant_id=other.user_id)
        lead.refresh_from_db()
        assert lead.consultant_id == other.user_id and lead.reassign_due_at == _at(14, 11, 10)
        assert lead.customer.__class__.objects.get(pk=lead.customer_id).consultant_id == other.user_id
        lead_claim(member=other, lead=lead)
        lead.refresh_from_db()
        assert lead.claimed_at == _at(14, 10, 10)
        assert inbox_rows(member=manager, unclaimed_only=True) == []


def test_a_consultant_cannot_claim_a_colleagues_lead(world: Any, member: Any, ab_at_a: Any) -> None:
    import pytest

    from tenants.errors import DomainError

    with tenant_context(world.store_a), time_machine.travel(MONDAY_10, tick=False):
        lead = _receive(member("a.sales_manager"), 5)
        other = ab_at_a if _owner(world, member, ab_at_a, lead) is not ab_at_a else member("a.sales_consultant")
        with pytest.raises(DomainError, match="其他顾问"):
            lead_claim(member=other, lead=lead)


def test_the_sweep_escalates_once_and_reassigns_an_unclaimed_lead(world: Any, member: Any, ab_at_a: Any) -> None:
    with tenant_context(world.store_a), time_machine.travel(MONDAY_10, tick=False) as t:
        lead = _receive(member("a.sales_manager"), 6)
        first = lead.consultant_id
        t.move_to(_at(14, 10, 29))
        assert lead_sla_sweep() == {"escalated": 0, "reassigned": 0}
        t.move_to(_at(14, 10, 31))
        assert lead_sla_sweep() == {"escalated": 1, "reassigned": 0}
        assert lead_sla_sweep() == {"escalated": 0, "reassigned": 0}  # once
        notices = list(Notification.objects.filter(kind="lead_sla").values_list("recipient_id", flat=True))
        assert notices == [world.user("a.sales_manager").pk]
        t.move_to(_at(14, 11, 1))
        assert lead_sla_sweep() == {"escalated": 0, "reassigned": 1}
        lead.refresh_from_db()
        assert lead.consultant_id != first and lead.reassigned_count == 1
        assert lead.reassign_due_at == _at(14, 12, 1)


def test_a_claimed_lead_is_not_reassigned(world: Any, member: Any, ab_at_a: Any) -> None:
    with tenant_context(world.store_a), time_machine.travel(MONDAY_10, tick=False) as t:
        lead = _receive(member("a.sales_manager"), 7)
        lead_claim(member=_owner(world, member, ab_at_a, lead), lead=lead)
        t.move_to(_at(14, 11, 30))
        assert lead_sla_sweep()["reassigned"] == 0


def test_first_response_figures_by_source(world: Any, member: Any, ab_at_a: Any) -> None:
    with tenant_context(world.store_a), time_machine.travel(MONDAY_10, tick=False) as t:
        manager = member("a.sales_manager")
        a1, a2, _late = _receive(manager, 8), _receive(manager, 9), _receive(manager, 10, source="dongchedi")
        t.move_to(_at(14, 10, 20))
        _talk(_owner(world, member, ab_at_a, a1), a1)
        t.move_to(_at(14, 10, 45))
        _talk(_owner(world, member, ab_at_a, a2), a2)
        t.move_to(_at(14, 12, 0))
        rows = {r["source"]: r for r in first_response_stats(_at(14, 0), _at(15, 0))}
    # 汽车之家: 20 and 45 minutes → median 32.5; one of two within 30 minutes → 50 %.
    assert (rows["autohome"]["median_minutes"], rows["autohome"]["within_pct"]) == (32.5, 50.0)
    # 懂车帝: not contacted, past its 10:30 deadline → 0 % in time, no median.
    assert (rows["dongchedi"]["median_minutes"], rows["dongchedi"]["within_pct"]) == (None, 0.0)
    assert (rows[""]["received"], rows[""]["contacted"], rows[""]["within_pct"]) == (3, 2, 33.33)


def test_hq_compares_first_response_per_source(world: Any, member: Any, ab_at_a: Any) -> None:
    from crm.selectors.hq_metrics import compute
    from hq.metrics.catalogue import metric
    from hq.metrics.periods import Period

    with tenant_context(world.store_a), time_machine.travel(MONDAY_10, tick=False) as t:
        lead = _receive(member("a.sales_manager"), 11)
        t.move_to(_at(14, 10, 24))
        _talk(_owner(world, member, ab_at_a, lead), lead)
        figures = compute(Period("day", dt.date(2026, 12, 14)))
    assert figures["lead_response_on_time_pct.autohome"] == 100.0
    assert figures["lead_response_median_h.autohome"] == 0.4  # 24 working minutes
    assert metric("lead_response_on_time_pct.autohome") is not None


def test_the_inbox_lists_the_50_most_urgent_and_says_how_many_wait(world: Any, member: Any, ab_at_a: Any) -> None:
    """52 leads waiting for one consultant: the page lists the 50 with the nearest deadline and counts 52."""
    from crm.leads.selectors import INBOX_LIMIT, my_waiting_count
    from tests.conftest import client_for

    consultant = member("a.sales_consultant")
    with tenant_context(world.store_a), time_machine.travel(MONDAY_10, tick=False) as t:
        leads = []
        for n in range(52):
            leads.append(_receive(member("a.sales_manager"), 500 + n))
            t.shift(dt.timedelta(minutes=1))  # each a minute later: the first received is the most urgent
        Lead.objects.filter(pk__in=[lead.pk for lead in leads]).update(consultant_id=consultant.user_id)
        assert INBOX_LIMIT == 50 and my_waiting_count(consultant) == 52
        rows = inbox_rows(member=consultant)
        assert [r.lead.pk for r in rows] == [lead.pk for lead in leads[:50]]
        page = client_for(world.user("a.sales_consultant"), world.host(world.store_a)).get("/leads/inbox/")
    body = page.content.decode()
    assert body.count('class="btn btn-sm btn-primary claim"') == 50 and 'id="mine-count">52<' in body
    assert "按截止时间显示最紧急的 50 条" in body
