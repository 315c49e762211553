"""离职交接 (handbook 000): a departing consultant's customers and open work move to a named colleague
in one transaction, each move recorded; afterwards the departed member sees nothing of the store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django_tenants.utils import tenant_context

from crm import services
from crm.models import (
    Complaint,
    CorrectiveAction,
    Customer,
    CustomerAssignment,
    FollowUpTask,
    Lead,
)
from tenants.errors import DomainError
from tenants.models import AccountEvent, StoreMembership
from tenants.services.staff import member_deactivate, member_work_reassign
from tests.conftest import client_for
from tests.world import World

NOW = "2026-12-01 10:00:00+08:00"


def _membership(world: World, key: str, store: Any = None) -> StoreMembership:
    return StoreMembership.objects.get(user=world.user(key), store=store or world.store_a)


def _give_work(world: World, owner_key: str = "a.sales_consultant") -> dict[str, Any]:
    """Two customers of the consultant (each with an open lead), plus one open and one done item of every kind."""
    owner = _membership(world, owner_key)
    uid = owner.user_id
    today = dt.date(2026, 12, 1)
    with tenant_context(world.store_a):
        customers = [services.reception_create(member=owner, mobile=f"1391234000{i}", name=f"客户{i}", grade="A",
                                               models_of_interest="途观L").customer for i in (1, 2)]
        c = customers[0]
        kw = dict(customer=c, rule_key="r", rule_name="回访", trigger="t", channel="call", event_date=today,
                  policy_version_id=1, policy_version_number=1, assignee_id=uid)
        FollowUpTask.objects.create(due_date=today, status="open", **kw)
        FollowUpTask.objects.create(due_date=today - dt.timedelta(days=1), status="overdue", **kw)
        FollowUpTask.objects.create(due_date=today - dt.timedelta(days=2), status="done", **kw)
        # A return visit's call is its cadence task (one work item per call): it moves with the tasks.
        Complaint.objects.create(channel="phone", customer=c, state="received", created_by_id=uid)
        Complaint.objects.create(channel="phone", customer=c, state="closed", created_by_id=uid)
        CorrectiveAction.objects.create(source="complaint", description="整改", owner_id=uid, deadline=today,
                                        raised_by_id=uid, status="approved")
        CorrectiveAction.objects.create(source="complaint", description="已完成", owner_id=uid, deadline=today,
                                        raised_by_id=uid, status="done")
    return {"customers": customers, "uid": uid}


def test_deactivating_an_owner_requires_a_successor(world: World, db: Any) -> None:
    _give_work(world)
    departing = _membership(world, "a.sales_consultant")
    with pytest.raises(DomainError) as err:
        member_deactivate(actor=world.user("a.general_manager"), store=world.store_a, membership_id=departing.pk)
    assert err.value.field == "successor"
    assert StoreMembership.objects.get(pk=departing.pk).is_active


@pytest.mark.parametrize("successor_key, why", [
    ("b.sales_consultant", "another store"),
    ("a.sales_consultant", "the departing member themselves"),
])
def test_the_successor_must_be_another_active_member_of_the_store(world: World, db: Any, successor_key: str,
                                                                  why: str) -> None:
    _give_work(world)
    departing = _membership(world, "a.sales_consultant")
    with pytest.raises(DomainError) as err:
        member_deactivate(actor=world.user("a.general_manager"), store=world.store_a, membership_id=departing.pk,
                          successor_id=world.user(successor_key).pk)
    assert err.value.field == "successor", why
    assert StoreMembership.objects.get(pk=departing.pk).is_active


def test_an_inactive_successor_is_refused_and_nothing_moves(world: World, db: Any) -> None:
    work = _give_work(world)
    StoreMembership.objects.filter(user=world.user("a.sales_manager"), store=world.store_a).update(is_active=False)
    departing = _membership(world, "a.sales_consultant")
    with pytest.raises(DomainError):
        member_deactivate(actor=world.user("a.general_manager"), store=world.store_a, membership_id=departing.pk,
                          successor_id=world.user("a.sales_manager").pk)
    with tenant_context(world.store_a):
        assert Customer.objects.filter(consultant_id=work["uid"]).count() == 2


def test_a_successor_who_cannot_own_customers_is_refused_in_one_transaction(world: World, db: Any) -> None:
    work = _give_work(world)
    departing = _membership(world, "a.sales_consultant")
    # Customers go to sales staff only (the one reassignment rule): a service advisor cannot take them.
    with pytest.raises(DomainError):
        member_deactivate(actor=world.user("a.general_manager"), store=world.store_a, membership_id=departing.pk,
                          successor_id=world.user("a.service_advisor").pk)
    assert StoreMembership.objects.get(pk=departing.pk).is_active
    with tenant_context(world.store_a):
        assert Customer.objects.filter(consultant_id=work["uid"]).count() == 2
        assert FollowUpTask.objects.filter(assignee_id=work["uid"], status="open").count() == 1


def test_everything_open_moves_to_the_colleague_and_is_recorded(world: World, db: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        work = _give_work(world)
        departing = _membership(world, "a.sales_consultant")
        successor = world.user("a.sales_manager")
        client = client_for(departing.user, world.host(world.store_a))
        assert client.get(f"/customers/{work['customers'][0].pk}/").status_code == 200

        moved = member_deactivate(actor=world.user("a.general_manager"), store=world.store_a,
                                  membership_id=departing.pk, successor_id=successor.pk)

    # Open items only, by hand: 2 customers; 2 leads (one per reception); tasks open + overdue = 2 (done stays);
    # 1 received complaint (closed stays); 1 approved action (done stays).
    assert moved == {"customers": 2, "leads": 2, "tasks": 2, "complaints": 1, "corrective_actions": 1}
    with tenant_context(world.store_a):
        uid = work["uid"]
        assert Customer.objects.filter(consultant_id=successor.pk).count() == 2
        assert Lead.objects.filter(consultant_id=uid, status="open").count() == 0
        assert FollowUpTask.objects.filter(assignee_id=uid, status="done").count() == 1
        assert Complaint.objects.filter(created_by_id=uid, state="closed").count() == 1
        assert CorrectiveAction.objects.filter(owner_id=uid, status="done").count() == 1
        records = CustomerAssignment.objects.filter(from_consultant_id=uid, to_consultant_id=successor.pk)
        assert records.count() == 2 and set(records.values_list("reason", flat=True)) == {"离职交接"}
    event = AccountEvent.objects.get(kind="handover_done", subject=departing.user)
    assert event.detail["moved"] == moved and event.detail["to"] == successor.pk
    assert AccountEvent.objects.filter(kind="member_deactivated", subject=departing.user).exists()
    # The departed consultant's next request is refused.
    assert client.get(f"/customers/{work['customers'][0].pk}/").status_code == 302
    departing.user.refresh_from_db()
    again = client_for(departing.user, world.host(world.store_a))
    assert again.get(f"/customers/{work['customers'][0].pk}/").status_code == 404
    assert again.get("/").status_code == 404


def test_a_bulk_reassignment_moves_work_without_deactivating(world: World, db: Any) -> None:
    work = _give_work(world)
    moved = member_work_reassign(actor=world.user("a.general_manager"), store=world.store_a,
                                 from_user_id=work["uid"], to_user_id=world.user("a.sales_manager").pk)
    assert moved["customers"] == 2 and moved["tasks"] == 2
    assert _membership(world, "a.sales_consultant").is_active


def test_the_deactivate_page_shows_the_work_and_keeps_the_choice_on_error(world: World, db: Any) -> None:
    _give_work(world)
    departing = _membership(world, "a.sales_consultant")
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    page = gm.get(f"/staff/{departing.pk}/deactivate/").content.decode()
    assert "客户：2" in page and "待办跟进任务：2" in page
    refused = gm.post(f"/staff/{departing.pk}/deactivate/", {})
    assert refused.status_code == 400 and "请选择接手的同事" in refused.content.decode()
    done = gm.post(f"/staff/{departing.pk}/deactivate/", {"successor": world.user("a.sales_manager").pk})
    assert done.status_code == 302
    assert not StoreMembership.objects.get(pk=departing.pk).is_active
    # The HQ admin of another group cannot reach this page for store A.
    y = client_for(world.user("y.hq_admin"))
    assert y.get(f"/hq/stores/{world.store_a.pk}/staff/{departing.pk}/deactivate/").status_code == 404


def test_the_hq_admin_hands_over_from_the_hq_page(world: World, db: Any) -> None:
    work = _give_work(world)
    departing = _membership(world, "a.sales_consultant")
    hq = client_for(world.user("x.hq_admin"))
    page = hq.get(f"/hq/stores/{world.store_a.pk}/staff/{departing.pk}/deactivate/").content.decode()
    assert "客户：2" in page
    done = hq.post(f"/hq/stores/{world.store_a.pk}/staff/{departing.pk}/deactivate/",
                   {"successor": world.user("a.sales_manager").pk})
    assert done.status_code == 302
    with tenant_context(world.store_a):
        assert Customer.objects.filter(consultant_id=work["uid"]).count() == 0
    assert not StoreMembership.objects.get(pk=departing.pk).is_active
