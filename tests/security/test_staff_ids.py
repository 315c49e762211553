"""Ids that name staff accept only active members of THIS store with a fitting role; the answer is the
same for another store's member, another group's, a former member and an id that does not exist."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import tenant_context

from crm.models import Customer
from tenants.models import StoreMembership
from tests.conftest import client_for
from tests.world import World


@pytest.fixture
def outsiders(world: World, db: Any) -> dict[str, int]:
    """Ids a store-A payload must refuse: B's consultant, group Y's (store C), a member who left A,
    an HQ user, a platform user with no store, and an id nobody has."""
    left = world.user("a.service_advisor")
    StoreMembership.objects.filter(user=left, store=world.store_a).update(is_active=False)
    return {"store B": world.user("b.sales_consultant").pk, "group Y": world.user("c.sales_consultant").pk,
            "left A": left.pk, "HQ": world.user("x.hq_admin").pk, "nobody": world.user("nobody").pk,
            "missing": 987654321}


def _api(world: World, key: str) -> Any:
    return client_for(world.user(key), world.host(world.store_a))


def test_the_api_refuses_foreign_consultants_with_one_answer(world: World, outsiders: dict[str, int]) -> None:
    manager = _api(world, "a.sales_manager")
    answers = set()
    for label, uid in {**outsiders, "A's customer service (wrong role)": world.user("a.customer_service").pk}.items():
        r = manager.post("/api/customers/", {"name": "测试", "mobile": "13977770001", "consultant_id": uid},
                         content_type="application/json")
        assert r.status_code == 400, (label, r.content)
        answers.add(r.content)
    assert len(answers) == 1, answers  # nothing tells an existing id from a missing one
    assert "所选员工不是本店在职员工" in answers.pop().decode()
    ok = manager.post("/api/customers/", {"name": "测试", "mobile": "13977770001",
                                          "consultant_id": world.user("a.sales_consultant").pk},
                      content_type="application/json")
    assert ok.status_code == 201, ok.content
    pk = ok.json()["id"]
    for uid in outsiders.values():
        r = manager.post(f"/api/customers/{pk}/reassign/", {"consultant_id": uid}, content_type="application/json")
        assert r.status_code == 400, r.content
    with tenant_context(world.store_a):
        assert Customer.objects.get(pk=pk).consultant_id == world.user("a.sales_consultant").pk


def test_corrective_action_owners_must_be_this_stores_staff(world: World, outsiders: dict[str, int]) -> None:
    gm = _api(world, "a.general_manager")
    body = {"kind": "corrective", "source": "monthly_report", "report_month": "2026-11-01",
            "description": "整改", "deadline": "2030-01-01"}
    answers = set()
    for uid in outsiders.values():
        r = gm.post("/api/aftersales/corrective-actions/", {**body, "owner_id": uid}, content_type="application/json")
        assert r.status_code == 400, r.content
        answers.add(r.content)
    assert len(answers) == 1


def test_the_new_customer_form_refuses_a_foreign_consultant(world: World, outsiders: dict[str, int]) -> None:
    page = client_for(world.user("a.sales_manager"), world.host(world.store_a))
    for uid in outsiders.values():
        r = page.post("/customers/new/", {"name": "表单客户", "mobile": "13977770002", "consultant_id": str(uid)})
        assert r.status_code in (200, 400)
        assert "所选销售顾问不是本店在职销售人员" in r.content.decode()
    with tenant_context(world.store_a):
        assert not Customer.objects.filter(mobile="13977770002").exists()


def test_outside_a_store_no_id_passes(world: World, db: Any) -> None:
    from tenants.staff import store_staff_member

    assert store_staff_member(world.user("a.sales_consultant").pk) is None  # public schema: fail safe
    with tenant_context(world.store_a):
        assert store_staff_member(world.user("a.sales_consultant").pk) is not None
        assert store_staff_member("x") is None and store_staff_member(-1) is None
