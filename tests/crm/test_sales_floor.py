"""Sales floor (handbook 004, issue 12/15): regrade and key customer from every page, 撞单 at reception
without leaking the colleague's customer, and the duplicate-mobile answer that names only what one may see."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tenants.utils import tenant_context

from crm import services
from crm.cadence.engine import cadence_run_customer
from crm.models import Customer, FollowUpTask, Lead, Reception
from crm.models.aftersales import Notification
from hq.services.policies import group_policy_bootstrap, store_policy_adopt_current
from tenants.models import StoreMembership
from tests.conftest import client_for

from .fixtures import HARNESS_MOBILE, a_customer

SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)  # a Monday morning in the store


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def policies(world: Any, db: Any) -> None:
    """Store A runs its group's starter cadence (evening call + departure SMS on every reception)."""
    group_policy_bootstrap(group=world.group_x)
    store_policy_adopt_current(store=world.store_a)


def _client(world: Any, key: str) -> Any:
    return client_for(world.user(key), world.host(world.store_a))


def _lead(world: Any, customer: Customer) -> Lead:
    with tenant_context(world.store_a):
        return Lead.objects.get(customer=customer)


# ------------------------------------------------------------------ 1. regrade and key customer


def test_the_360_page_offers_regrade_and_key_customer_and_they_work(world: Any, db: Any, clock: Any) -> None:
    customer = a_customer(world)  # an A-grade lead of a.sales_consultant
    lead = _lead(world, customer)
    client = _client(world, "a.sales_consultant")
    body = client.get(f"/customers/{customer.pk}/").content.decode()
    assert f'id="lead-{lead.pk}-grade"' in body and "标记重点客户" in body

    clock.shift(dt.timedelta(hours=9))  # the evening call at 19:00
    body = client.post(f"/leads/{lead.pk}/grade/", {"grade": "H", "next": f"/customers/{customer.pk}/"},
                       follow=True).content.decode()
    assert "意向级别已调整为H级" in body
    with tenant_context(world.store_a):
        lead.refresh_from_db()
        # H is a key customer by itself (handbook 004: 一周之内成交); graded_at restarts the H cadence.
        assert (lead.grade, lead.is_key, lead.graded_at) == ("H", True, MONDAY_10 + dt.timedelta(hours=9))

    body = client.post(f"/leads/{lead.pk}/key/", {"is_key": "0"}, follow=True).content.decode()
    assert "已取消重点客户" in body and "标记重点客户" in body
    with tenant_context(world.store_a):
        assert not Lead.objects.get(pk=lead.pk).is_key


def test_the_lead_board_regrades_and_comes_back_to_the_board(world: Any, db: Any, clock: Any) -> None:
    customer = a_customer(world)
    lead = _lead(world, customer)
    client = _client(world, "a.sales_consultant")
    board = client.get("/leads/").content.decode()
    assert f'id="lead-row-{lead.pk}"' in board and f'action="/leads/{lead.pk}/key/"' in board
    response = client.post(f"/leads/{lead.pk}/key/", {"is_key": "1", "next": "/leads/"})
    assert response.status_code == 302 and response["Location"] == "/leads/"
    board = client.get("/leads/").content.decode()
    assert "已标记为重点客户" in board and "取消重点客户" in board


@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/", "http://evil.example"])
def test_next_never_leaves_the_site(world: Any, db: Any, target: str) -> None:
    customer = a_customer(world)
    lead = _lead(world, customer)
    response = _client(world, "a.sales_consultant").post(f"/leads/{lead.pk}/key/", {"is_key": "1", "next": target})
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"


def test_a_bad_grade_is_refused_and_nothing_changes(world: Any, db: Any) -> None:
    customer = a_customer(world)
    lead = _lead(world, customer)
    body = _client(world, "a.sales_consultant").post(f"/leads/{lead.pk}/grade/", {"grade": "Z"},
                                                      follow=True).content.decode()
    assert "意向级别只能是 H、A、B、C" in body
    with tenant_context(world.store_a):
        assert Lead.objects.get(pk=lead.pk).grade == "A"


def test_the_evening_call_task_row_regrades_the_lead(world: Any, db: Any, policies: None, clock: Any) -> None:
    customer = a_customer(world)
    with tenant_context(world.store_a):
        cadence_run_customer(customer_id=customer.pk)
        task = FollowUpTask.objects.get(customer=customer, rule_key="evening_call")
        lead = Lead.objects.get(customer=customer)
    client = _client(world, "a.sales_consultant")
    row = client.get("/cadence/tasks/").content.decode().split(f'id="task-{task.pk}"')[1].split("</tr>")[0]
    assert f'action="/leads/{lead.pk}/grade/"' in row and 'value="/cadence/tasks/?day=2026-11-23"' in row
    response = client.post(f"/leads/{lead.pk}/grade/", {"grade": "B", "next": "/cadence/tasks/?day=2026-11-23"})
    assert response["Location"] == "/cadence/tasks/?day=2026-11-23"
    with tenant_context(world.store_a):
        assert Lead.objects.get(pk=lead.pk).grade == "B"


# ------------------------------------------------------------------ 4. 撞单


def test_receiving_a_colleagues_customer_tells_only_that_they_have_a_consultant(
    world: Any, db: Any, policies: None, clock: Any,
) -> None:
    customer = a_customer(world)  # 王小明, owned by a.sales_consultant ("A销售顾问")
    lead = _lead(world, customer)
    colleague = _client(world, "ab.sales_consultant")

    response = colleague.post("/reception/", {"mobile": "139 1111 2222", "name": "王先生", "grade": "H",
                                              "models_of_interest": "帕萨特"}, follow=True)
    body = response.content.decode()

    assert "撞单" in body and "A销售顾问" in body
    assert "王小明" not in body and f"/customers/{customer.pk}/" not in body and "王先生" not in body
    with tenant_context(world.store_a):
        r = Reception.objects.get(customer=customer, clash=True)
        owner, receiver = world.user("a.sales_consultant").pk, world.user("ab.sales_consultant").pk
        assert (r.consultant_id, r.received_by_id, r.lead_id) == (owner, receiver, lead.pk)
        # The receiver's name and grade are not written onto the owner's file.
        assert Customer.objects.get(pk=customer.pk).name == "王小明"
        assert Lead.objects.get(pk=lead.pk).grade == "A"
        notified = set(Notification.objects.filter(kind="clash").values_list("recipient_id", flat=True))
        assert notified == {owner, world.user("a.sales_manager").pk}
        # The evening call and the departure SMS go to the owner, signed by the owner.
        cadence_run_customer(customer_id=customer.pk)
        tasks = {t.rule_key: t for t in FollowUpTask.objects.filter(customer=customer, trigger="reception")}
        assert {t.assignee_id for t in tasks.values()} == {owner}
        assert "我是您的销售顾问A销售顾问" in tasks["departure_sms"].message
        assert not FollowUpTask.objects.filter(assignee_id=receiver).exists()

    # Nothing in the receiver's own pages points at the customer.
    for path in ("/cadence/tasks/", "/today/", "/leads/", "/aftersales/notifications/"):
        page = colleague.get(path).content.decode()
        assert "王小明" not in page and f"/customers/{customer.pk}/" not in page, path
    owner_inbox = _client(world, "a.sales_consultant").get("/aftersales/notifications/").content.decode()
    assert "撞单" in owner_inbox and "王小明" in owner_inbox


def test_the_reception_api_answers_a_clash_without_the_customer(world: Any, db: Any, clock: Any) -> None:
    customer = a_customer(world)
    response = _client(world, "ab.sales_consultant").post(
        "/api/receptions/", {"mobile": HARNESS_MOBILE, "name": "x"}, content_type="application/json")
    assert response.status_code == 201
    body = response.content.decode()
    assert response.json()["clash"] is True and "王小明" not in body
    assert str(customer.pk) not in body.replace('"clash"', "")


def test_the_owner_at_reception_is_no_clash(world: Any, db: Any, clock: Any) -> None:
    customer = a_customer(world)
    body = _client(world, "a.sales_consultant").post("/reception/", {"mobile": HARNESS_MOBILE},
                                                      follow=True).content.decode()
    assert "已登记接待：王小明" in body and "撞单" not in body
    with tenant_context(world.store_a):
        assert Reception.objects.filter(customer=customer, clash=False).count() == 2


def test_the_duplicate_mobile_names_a_customer_only_to_who_may_see_them(world: Any, db: Any) -> None:
    customer = a_customer(world)
    page = _client(world, "ab.sales_consultant").post(
        "/customers/new/", {"name": "又一个", "mobile": HARNESS_MOBILE}).content.decode()
    assert "该手机号已有客户档案，由其他销售顾问跟进" in page
    assert "王小明" not in page and f"/customers/{customer.pk}/" not in page
    api = _client(world, "ab.sales_consultant").post(
        "/api/customers/", {"name": "又一个", "mobile": HARNESS_MOBILE}, content_type="application/json")
    assert api.status_code == 409 and "王小明" not in api.content.decode()
    assert str(customer.pk) not in api.content.decode()
    # The manager, who sees the whole store, is offered the existing file.
    manager = _client(world, "a.sales_manager").post(
        "/customers/new/", {"name": "又一个", "mobile": HARNESS_MOBILE}).content.decode()
    assert "打开「王小明」的档案" in manager and f"/customers/{customer.pk}/" in manager
    with tenant_context(world.store_a):
        assert Customer.objects.filter(mobile=HARNESS_MOBILE).count() == 1


def test_a_clash_in_the_service_layer_keeps_everything_with_the_owner(world: Any, db: Any, clock: Any) -> None:
    customer = a_customer(world)
    colleague = StoreMembership.objects.get(user=world.user("ab.sales_consultant"), store=world.store_a)
    with tenant_context(world.store_a):
        r = services.reception_create(member=colleague, mobile=HARNESS_MOBILE, grade="C")
        assert r.clash and r.consultant_id == world.user("a.sales_consultant").pk
        assert Lead.objects.filter(customer=customer).count() == 1


def test_a_manager_receiving_a_consultants_customer_sees_whose_they_are(world: Any, db: Any, policies: None,
                                                                        clock: Any) -> None:
    customer = a_customer(world)
    body = _client(world, "a.sales_manager").post("/reception/", {"mobile": HARNESS_MOBILE},
                                                   follow=True).content.decode()
    assert "已登记接待：王小明（撞单，归属销售顾问A销售顾问，由其今晚回访）" in body
    with tenant_context(world.store_a):
        r = Reception.objects.get(customer=customer, clash=True)
        assert r.consultant_id == world.user("a.sales_consultant").pk
        # The manager is the receiver: the owner alone is notified.
        assert list(Notification.objects.filter(kind="clash").values_list("recipient_id", flat=True)) == [
            world.user("a.sales_consultant").pk]


def test_a_task_row_offers_lead_buttons_only_to_who_manages_leads(world: Any, db: Any, policies: None,
                                                                  clock: Any) -> None:
    customer = a_customer(world)
    with tenant_context(world.store_a):
        cadence_run_customer(customer_id=customer.pk)
        # Hand the evening call to customer service (who may not regrade): no buttons that would 404.
        FollowUpTask.objects.filter(customer=customer, rule_key="evening_call").update(
            assignee_id=world.user("a.customer_service").pk)
    page = _client(world, "a.customer_service").get("/cadence/tasks/").content.decode()
    assert "当晚回访" in page and 'action="/leads/' not in page
