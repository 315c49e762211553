"""顾问排班: the sales manager sets each consultant's week (on duty, per-day hours or a day off, or the
store's hours); routing follows it — worked by hand; a consultant reads their own and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django_tenants.utils import tenant_context

from crm.leads.intake import IntakeItem, lead_intake_batch
from crm.leads.schedule import consultant_schedule_set
from crm.models import ConsultantDuty, Lead
from tenants.errors import DomainError

from .conftest import MONDAY_10

TZ = MONDAY_10.tzinfo
WEEKDAYS_ONLY = {d: ["08:30", "18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
WED_TO_SUN = {d: ["09:00", "18:00"] for d in ("wed", "thu", "fri", "sat", "sun")}


def _week_form(**days: tuple[str, str] | None) -> dict[str, str]:
    """POST data of the grid: each named day worked with its (start, end); the others off; on duty."""
    data = {"on_duty": "on"}
    for day, span in days.items():
        if span:
            data.update({f"{day}_open": "on", f"{day}_start": span[0], f"{day}_end": span[1]})
    return data


def test_a_lead_received_on_saturday_goes_to_the_consultant_who_works_saturdays(world: Any, member: Any,
                                                                                 ab_at_a: Any) -> None:
    boss = member("a.sales_manager")
    a = member("a.sales_consultant")
    with tenant_context(world.store_a):
        consultant_schedule_set(member=boss, consultant_id=a.user_id, on_duty=True, hours=dict(WEEKDAYS_ONLY))
        consultant_schedule_set(member=boss, consultant_id=ab_at_a.user_id, on_duty=True, hours=dict(WED_TO_SUN))
        saturday_10 = dt.datetime(2026, 12, 19, 10, 0, tzinfo=TZ)
        with time_machine.travel(saturday_10, tick=False):
            results = lead_intake_batch(member=boss, items=[
                IntakeItem(source="autohome", mobile=f"1392200{n:04d}", source_lead_id=f"SAT{n}") for n in range(3)])
        leads = [Lead.objects.get(pk=r.intake.lead_id) for r in results if r.intake is not None]
        # a works Monday to Friday, ab Wednesday to Sunday: on Saturday at 10:00 only ab is at work, so all
        # three go to ab (the round-robin among one). Saturday is no working day in the group's calendar:
        # the 30 working minutes count from Monday 21 December 08:30, due 09:00.
        assert [x.consultant_id for x in leads] == [ab_at_a.user_id] * 3
        assert {x.first_response_due_at for x in leads} == {dt.datetime(2026, 12, 21, 9, 0, tzinfo=TZ)}
        # On Monday at 10:00 a is at work and ab is not (ab starts on Wednesdays): a takes them.
        with time_machine.travel(MONDAY_10 + dt.timedelta(days=7), tick=False):
            monday = lead_intake_batch(member=boss, items=[
                IntakeItem(source="yiche", mobile=f"1392201{n:04d}", source_lead_id=f"MON{n}") for n in range(2)])
        assert {Lead.objects.get(pk=r.intake.lead_id).consultant_id for r in monday if r.intake} == {a.user_id}


def test_only_the_sales_manager_or_gm_sets_a_schedule_and_a_bad_day_saves_nothing(world: Any, member: Any,
                                                                                  ab_at_a: Any) -> None:
    with tenant_context(world.store_a):
        with pytest.raises(DomainError):
            consultant_schedule_set(member=member("a.sales_consultant"), consultant_id=ab_at_a.user_id,
                                    on_duty=True, hours=dict(WED_TO_SUN))
        with pytest.raises(DomainError) as exc:
            consultant_schedule_set(member=member("a.general_manager"), consultant_id=ab_at_a.user_id,
                                    on_duty=True, hours={**WED_TO_SUN, "sat": ["18:00", "09:00"]})
        assert exc.value.field == "sat_end"
        with pytest.raises(DomainError) as exc:  # not a consultant of this store (a.sales_manager is no consultant)
            consultant_schedule_set(member=member("a.general_manager"), consultant_id=world.user("b.sales_consultant").pk,
                                    on_duty=True, hours=None)
        assert exc.value.field == "consultant_id"
        assert not ConsultantDuty.objects.exists()
        duty = consultant_schedule_set(member=member("a.general_manager"), consultant_id=ab_at_a.user_id,
                                       on_duty=False, hours=None)
        assert (duty.on_duty, duty.schedule) == (False, {})


def test_the_manager_edits_the_grid_and_a_bad_value_keeps_what_was_typed(world: Any, make_client: Any,
                                                                         ab_at_a: Any) -> None:
    boss = make_client("a.sales_manager", world.store_a)
    url = f"/leads/schedule/{ab_at_a.user_id}/"
    bad = _week_form(mon=None, wed=("09:00", "18:00"), sat=("18:00", "09:30"))
    r = boss.post(url, bad)
    page = r.content.decode()
    assert r.status_code == 400
    assert "下班时间必须晚于上班时间。" in page and 'value="09:30"' in page and 'value="18:00"' in page
    with tenant_context(world.store_a):
        assert not ConsultantDuty.objects.exists()
    r = boss.post(url, _week_form(wed=("09:00", "18:00"), sat=("09:00", "12:00")))
    assert r.status_code == 302
    with tenant_context(world.store_a):
        duty = ConsultantDuty.objects.get(consultant_id=ab_at_a.user_id)
        assert (duty.on_duty, duty.schedule) == (True, {"wed": ["09:00", "18:00"], "sat": ["09:00", "12:00"]})
    grid = boss.get("/leads/schedule/").content.decode()
    assert "09:00–12:00" in grid and "两店顾问" in grid and "A销售顾问" in grid
    # 同门店营业时间: the days are not read (a half-typed day does not block it), the schedule is {}.
    r = boss.post(url, {"same_as_store": "on", "mon_open": "on", "mon_start": "", "mon_end": ""})
    assert r.status_code == 302
    with tenant_context(world.store_a):
        duty = ConsultantDuty.objects.get(consultant_id=ab_at_a.user_id)
        assert (duty.on_duty, duty.schedule) == (False, {})


def test_a_day_worked_with_no_time_and_no_day_at_all_are_errors(world: Any, make_client: Any, ab_at_a: Any) -> None:
    boss = make_client("a.general_manager", world.store_a)
    r = boss.post(f"/leads/schedule/{ab_at_a.user_id}/", {"on_duty": "on", "tue_open": "on", "tue_start": "10:00"})
    assert r.status_code == 400 and "请填写上下班时间。" in r.content.decode() and 'value="10:00"' in r.content.decode()
    r = boss.post(f"/leads/schedule/{ab_at_a.user_id}/", {"on_duty": "on"})
    assert r.status_code == 400 and "请至少排一天班" in r.content.decode()
    with tenant_context(world.store_a):
        assert not ConsultantDuty.objects.exists()


def test_a_consultant_sees_only_their_own_week_and_cannot_edit(world: Any, make_client: Any, member: Any,
                                                               ab_at_a: Any) -> None:
    with tenant_context(world.store_a):
        consultant_schedule_set(member=member("a.sales_manager"), consultant_id=ab_at_a.user_id, on_duty=True,
                                hours=dict(WED_TO_SUN))
    me = make_client("ab.sales_consultant", world.store_a)
    page = me.get("/leads/schedule/").content.decode()
    assert f'id="schedule-{ab_at_a.user_id}"' in page and "day-sat\">09:00–18:00" in page
    assert f'id="schedule-{world.user("a.sales_consultant").pk}"' not in page
    assert f"/leads/schedule/{ab_at_a.user_id}/" not in page  # no edit link
    assert me.get(f"/leads/schedule/{ab_at_a.user_id}/").status_code == 404
    r = me.post(f"/leads/schedule/{ab_at_a.user_id}/", _week_form(mon=("08:00", "20:00")))
    assert r.status_code == 404
    with tenant_context(world.store_a):
        assert ConsultantDuty.objects.get(consultant_id=ab_at_a.user_id).schedule == WED_TO_SUN


def test_store_bs_manager_cannot_reach_store_as_consultant(world: Any, make_client: Any) -> None:
    other = make_client("b.sales_manager", world.store_b)
    a_only = world.user("a.sales_consultant").pk
    assert other.get(f"/leads/schedule/{a_only}/").status_code == 404
    assert other.post(f"/leads/schedule/{a_only}/", _week_form(sat=("09:00", "18:00"))).status_code == 404
    assert f'id="schedule-{a_only}"' not in other.get("/leads/schedule/").content.decode()
    with tenant_context(world.store_a):
        assert not ConsultantDuty.objects.exists()
