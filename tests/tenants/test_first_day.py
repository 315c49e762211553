"""开店第一天: the new store's GM sees a checklist on the store home, each item ticked when done; the
page only reads. 营业时间 are set (and confirmed) on their own page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from crm.models import Customer
from tenants.models import Store, StoreMembership
from tenants.services.accounts import invitation_accept
from tenants.services.onboarding import store_onboard
from tests.conftest import client_for
from tests.world import World

NEW = "Lan-Hua-Jie-2026!"


@pytest.fixture
def new_store(world: World, db: Any) -> Iterator[tuple[Store, Any]]:
    result = store_onboard(group=world.group_x, name="宁波北仑大众4S店", slug="nb-vw-bl", city="宁波",
                           gm_name="陈经理", gm_mobile="13912345678")
    gm = invitation_accept(token=str(result.invitation.token), name="陈经理", password=NEW)  # type: ignore[union-attr]
    yield result.store, gm
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{result.store.schema_name}" CASCADE')


def _items(page: str) -> dict[str, str]:
    import re

    return dict(re.findall(r'data-item="(\w+)" data-done="(\d)"', page))


def test_the_checklist_ticks_each_step_as_it_is_done(world: World, new_store: Any) -> None:
    store, gm = new_store
    client = client_for(gm, "nb-vw-bl.localhost")
    first = client.get("/").content.decode()
    # Policy: every group starts with the starter templates published and onboarding adopts them,
    # so the group's policy is in force from the first minute; the rest is the GM's to do.
    assert _items(first) == {"hours": "0", "staff": "0", "customers": "0", "policy": "1"}
    store.refresh_from_db()
    assert store.hours_confirmed_at is None and not store.invitations.exclude(role="general_manager").exists()
    assert _items(client.get("/").content.decode()) == _items(first)  # reading wrote nothing

    response = client.post("/store/hours/", {"mon_open": "on", "mon_start": "08:30", "mon_end": "18:00",
                                             "sat_open": "on", "sat_start": "09:00", "sat_end": "17:00"})
    assert response.status_code == 302
    store.refresh_from_db()
    assert store.working_hours == {"mon": ["08:30", "18:00"], "sat": ["09:00", "17:00"]}
    client.post("/staff/", {"name": "李顾问", "mobile": "13901001003", "role": "sales_consultant"})
    with tenant_context(store):
        Customer.objects.create(name="王先生", mobile="13900000001")
    # Every step done: the checklist gives way to the ordinary store home.
    assert 'id="first-day"' not in client.get("/").content.decode()


def test_hours_with_end_before_start_are_refused_and_kept(world: World, new_store: Any) -> None:
    store, gm = new_store
    client = client_for(gm, "nb-vw-bl.localhost")
    response = client.post("/store/hours/", {"mon_open": "on", "mon_start": "18:00", "mon_end": "08:30"})
    page = response.content.decode()
    assert response.status_code == 400 and "下班时间必须晚于上班时间" in page and 'value="18:00"' in page
    store.refresh_from_db()
    assert store.hours_confirmed_at is None


def test_only_the_gm_sees_the_checklist_and_the_hours_page(world: World, db: Any) -> None:
    consultant = client_for(world.user("a.sales_consultant"), world.host(world.store_a))
    assert 'id="first-day"' not in consultant.get("/").content.decode()
    assert consultant.get("/store/hours/").status_code == 404
    assert StoreMembership.objects.filter(store=world.store_a, role="general_manager").exists()
