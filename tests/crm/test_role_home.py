"""工作台: each role's home shows its own work (handbook 000 duties), and only links the role may open."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from crm.models import FollowUpTask, Lead, Vehicle
from hq.services.policies import group_policy_bootstrap, store_policy_adopt_current
from tenants.models import Store, StoreMembership
from tests.conftest import client_for
from tests.crm.cadence.conftest import customer, vehicle
from tests.world import World

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)  # a Wednesday morning in the store


def _m(world: World, role: str) -> StoreMembership:
    return StoreMembership.objects.select_related("user", "store").get(user=world.user(f"a.{role}"),
                                                                       store=world.store_a)


def seed_store_a_work(world: World) -> dict[str, Any]:
    """One piece of work for every role of store A (see seed_store_work)."""
    group_policy_bootstrap(group=world.group_x)
    store_policy_adopt_current(store=world.store_a)
    return seed_store_work(world.store_a, {r: _m(world, r) for r in ("sales_consultant", "customer_service",
                                                                      "service_advisor")})


def seed_store_work(store: Store, members: dict[str, StoreMembership]) -> dict[str, Any]:
    """One piece of work for every role of a store whose group's policies are in force: a lead due
    today, a repair order, a complaint, a measure waiting for the GM, a task for customer service."""
    from crm.aftersales.actions import corrective_action_create
    from crm.aftersales.complaints import complaint_create
    from crm.services.service_visits import service_visit_create

    consultant, cs, advisor = members["sales_consultant"], members["customer_service"], members["service_advisor"]
    today = timezone.localdate()
    with tenant_context(store):
        buyer = customer(consultant_id=consultant.user_id, name="赵意向")
        Lead.objects.create(customer=buyer, consultant_id=consultant.user_id, grade="A", model_of_interest="帕萨特",
                            next_followup_on=today)
        owner = customer(consultant_id=consultant.user_id, name="钱车主")
        car: Vehicle = vehicle(owner, plate="浙A8H888", delivered_on=today - dt.timedelta(days=400))
        service_visit_create(member=advisor, vehicle=car, kind="periodic", visited_on=today, km=15000,
                             advisor_id=advisor.user_id)
        complaint = complaint_create(member=cs, customer=owner, channel="phone", description="保养后异响",
                                     expected_resolution="免费检修", contact_phone=owner.mobile,
                                     read_back_confirmed=True, object_stage="repair_quality")
        corrective_action_create(member=cs, kind="corrective", source="complaint", description="交车前增加试车检查",
                                 owner_id=advisor.user_id, deadline=today + dt.timedelta(days=7), complaint=complaint)
        FollowUpTask.objects.create(customer=owner, rule_key="care_call", rule_name="客服15天关怀", trigger="delivery",
                                    channel="call", event_date=today - dt.timedelta(days=15), due_date=today,
                                    assignee_id=cs.user_id, policy_version_id=1, policy_version_number=1)
    return {"complaint": complaint}


def _card(html: str, key: str) -> str:
    found = re.search(rf'id="card-{key}".*?</div>\s*</div></div>', html, re.S)
    assert found, f"no card {key}"
    return found.group(0)


def test_each_role_sees_its_own_work_on_the_home_page(world: World, db: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        seeded = seed_store_a_work(world)
        code = f"TS{seeded['complaint'].pk:06d}"
        host = world.host(world.store_a)
        home = {role: client_for(world.user(f"a.{role}"), host).get("/").content.decode()
                for role in ("sales_consultant", "sales_manager", "customer_service", "service_advisor",
                             "service_manager", "general_manager")}

    # 销售顾问: today's follow-ups and the leads.
    assert "赵意向" in _card(home["sales_consultant"], "due")
    assert "A级" in _card(home["sales_consultant"], "leads")
    assert 'id="card-complaints"' not in home["sales_consultant"]
    # 销售经理: the team, each consultant with open leads / overdue.
    assert "A销售顾问" in _card(home["sales_manager"], "team")
    # 客服: today's calls and the complaints.
    assert "客服15天关怀" in _card(home["customer_service"], "tasks")
    assert code in _card(home["customer_service"], "complaints")
    assert 'id="card-visits"' in home["customer_service"]
    assert 'id="card-leads"' not in home["customer_service"]
    # 服务顾问 / 服务经理: repair orders and the appointment slot (no link until appointments exist).
    assert "浙A8H888" in _card(home["service_advisor"], "service_orders")
    assert "预约功能上线后" in _card(home["service_advisor"], "appointments")
    assert "浙A8H888" in _card(home["service_manager"], "service_orders")
    assert code in _card(home["service_manager"], "complaints")
    # 总经理: approvals waiting and complaints.
    assert "交车前增加试车检查" in _card(home["general_manager"], "approvals")
    assert code in _card(home["general_manager"], "complaints")


def test_an_advisor_sees_only_their_own_repair_orders(world: World, db: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        seed_store_a_work(world)
        other = client_for(world.user("b.service_advisor"), world.host(world.store_b)).get("/").content.decode()
    assert "浙A8H888" not in other  # store B's advisor sees nothing of store A
