"""营业时间与时区: the GM sets the zone and hours with a lunch break; bad input is refused at its field and
nothing is half-written; another store's GM cannot reach or change it; the deadlines follow the hours."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tenants.errors import DomainError, NotFound
from tenants.models import Store
from tenants.services.store_settings import store_working_hours_set
from tests.conftest import client_for
from tests.world import World

MON = {"mon_open": "on", "mon_start": "08:30", "mon_end": "18:00"}


def test_the_gm_saves_a_zone_and_a_lunch_break(world: World, db: Any) -> None:
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    r = gm.post("/store/hours/", {**MON, "mon_lunch_start": "12:00", "mon_lunch_end": "13:30",
                                  "time_zone": "Asia/Urumqi"})
    assert r.status_code == 302
    store = Store.objects.get(pk=world.store_a.pk)
    assert store.time_zone == "Asia/Urumqi" and store.working_hours == {"mon": ["08:30", "12:00", "13:30", "18:00"]}
    # The complaint deadline counts on those hours in that zone: Monday 2026-11-23 11:00 in Urumqi + half a
    # working day (8 h of work → 4 h): 11:00–12:00 (1 h), lunch, 13:30–16:30 (3 h) → 16:30 Urumqi.
    from crm.aftersales.policy import working_deadline

    urumqi = ZoneInfo("Asia/Urumqi")
    due = working_deadline(store, dt.datetime(2026, 11, 23, 11, 0, tzinfo=urumqi), 0.5)
    assert due == dt.datetime(2026, 11, 23, 16, 30, tzinfo=urumqi)


@pytest.mark.parametrize(("extra", "field", "message"), [
    ({"mon_lunch_start": "13:30", "mon_lunch_end": "12:00"}, "mon_lunch_end", "午休结束时间必须晚于开始时间"),
    ({"mon_lunch_start": "07:00", "mon_lunch_end": "08:00"}, "mon_lunch_start", "午休时间必须在上下班时间之内"),
    ({"mon_lunch_start": "12:00"}, "mon_lunch_end", "午休请同时填写开始和结束时间"),
    ({"time_zone": "Asia/Beijing"}, "time_zone", "时区不正确"),
])
def test_bad_hours_or_zone_are_refused_at_their_field_and_kept(world: World, db: Any, extra: dict[str, str],
                                                               field: str, message: str) -> None:
    before = Store.objects.values("working_hours", "time_zone").get(pk=world.store_a.pk)
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    r = gm.post("/store/hours/", {**MON, **extra})
    html = r.content.decode()
    assert r.status_code == 400 and message in html
    for name, value in extra.items():
        assert f'name="{name}" id="id_{name}" value="{value}"' in html or f'value="{value}"' in html
    assert f'id="id_{field}"' in html
    assert Store.objects.values("working_hours", "time_zone").get(pk=world.store_a.pk) == before  # nothing written


def test_another_stores_gm_cannot_reach_or_change_the_hours(world: World, db: Any) -> None:
    before = Store.objects.values("working_hours", "time_zone").get(pk=world.store_a.pk)
    gm_b = client_for(world.user("b.general_manager"), world.host(world.store_a))
    assert gm_b.get("/store/hours/").status_code == 404
    assert gm_b.post("/store/hours/", {**MON, "time_zone": "Asia/Urumqi"}).status_code == 404
    with pytest.raises(NotFound):
        store_working_hours_set(actor=world.user("b.general_manager"), store=world.store_a,
                                hours={"mon": ["08:30", "18:00"]}, time_zone="Asia/Urumqi")
    assert Store.objects.values("working_hours", "time_zone").get(pk=world.store_a.pk) == before
    # Store A's own consultant has neither the page nor the menu entry.
    consultant = client_for(world.user("a.sales_consultant"), world.host(world.store_a))
    assert consultant.get("/store/hours/").status_code == 404
    assert 'id="nav-store_hours"' not in consultant.get("/").content.decode()
    assert 'id="nav-store_hours"' in client_for(world.user("a.general_manager"),
                                                world.host(world.store_a)).get("/").content.decode()


def test_the_service_refuses_a_four_time_day_out_of_order(world: World, db: Any) -> None:
    with pytest.raises(DomainError) as err:
        store_working_hours_set(actor=world.user("a.general_manager"), store=world.store_a,
                                hours={"tue": ["08:30", "12:00", "11:00", "18:00"]})
    assert err.value.field == "tue_lunch_end"
