"""After-sales test helpers: store A with the group's starter templates in force, and data makers."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import tenant_context

from crm.demo import make_vin
from crm.models import Customer, FollowUpTask, ServiceVisit, Vehicle
from crm.models.aftersales import Complaint, ReturnVisit
from hq.services.policies import group_policy_bootstrap, store_policy_adopt_current
from tenants.models import Store, StoreMembership
from tests.world import World

_n = itertools.count(1)
TZ = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hh: int = 10, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=TZ)


@pytest.fixture
def store_a(world: World, db: Any) -> Iterator[Store]:
    """Store A with group X's starter templates in force; the test body runs in its schema."""
    group_policy_bootstrap(group=world.group_x)
    store_policy_adopt_current(store=world.store_a)
    with tenant_context(world.store_a):
        yield world.store_a


@pytest.fixture
def m(world: World, db: Any) -> Any:
    """m("a.customer_service") → that user's membership of their store."""
    def get(key: str) -> StoreMembership:
        store = {"a": world.store_a, "b": world.store_b, "c": world.store_c}[key.split(".")[0]]
        return StoreMembership.objects.select_related("user", "store").get(user=world.user(key), store=store)

    return get


def customer(**kw: Any) -> Customer:
    n = next(_n)
    kw.setdefault("name", f"回访客户{n}")
    kw.setdefault("gender", "f")
    return Customer.objects.create(mobile=f"1391{n:07d}", **kw)


def vehicle(owner: Customer, **kw: Any) -> Vehicle:
    n = next(_n)
    vin = make_vin(random.Random(70000 + n), 70000 + n)
    kw.setdefault("plate", f"浙B{n:05d}")
    return Vehicle.objects.create(vin=vin, vin_tail=vin[-6:], owner=owner, model="408", brand="东风标致", **kw)


def service_visit(v: Vehicle, on: dt.date, advisor_id: int | None = None, may_call: bool = True) -> ServiceVisit:
    return ServiceVisit.objects.create(vehicle=v, customer=v.owner, kind="repair", visited_on=on,
                                       amount=Decimal("680"), advisor_id=advisor_id, may_call=may_call,
                                       order_no=f"WO{next(_n):06d}")


def return_visit(c: Customer | None = None, *, due: dt.date | None = None, subject: str = "service",
                 advisor_id: int | None = None, assignee_id: int | None = None, **kw: Any) -> ReturnVisit:
    """A planned return visit straight in the tables: its call (the cadence task, the work item) and
    its record, as the engine makes them (the engine's own tests cover how)."""
    c = c or customer()
    v = vehicle(c)
    due = due or dt.date(2026, 11, 23)
    sv = service_visit(v, due - dt.timedelta(days=3), advisor_id=advisor_id) if subject == "service" else None
    rule_key = "service_3dc" if sv else "delivery_3dc"
    rule_name = "维修保养后3日回访(3DC)" if sv else "交车3日回访(3DC)"
    task = FollowUpTask.objects.create(
        customer=c, vehicle=v, rule_key=rule_key, rule_name=rule_name,
        trigger="service_done" if sv else "delivery", channel="call", event_date=due - dt.timedelta(days=3),
        due_date=due, assignee_id=assignee_id, call_window=c.call_time,
        allowed_outcomes=["reached", "no_answer", "refused", "complaint", "satisfied"],
        policy_version_id=1, policy_version_number=1)
    return ReturnVisit.objects.create(
        task=task, subject=subject, rule_key=rule_key, rule_name=rule_name,
        customer=c, vehicle=v, service_visit=sv, event_date=due - dt.timedelta(days=3), due_date=due,
        number=c.mobile, **kw)


def all_yes(**override: Any) -> dict[str, dict[str, Any]]:
    answers: dict[str, dict[str, Any]] = {k: {"value": "yes"} for k in
                                          ("overall", "on_time", "explained", "fixed", "clean", "reception",
                                           "recommend")}
    answers["score"] = {"value": 5}
    answers.update(override)
    return answers


def submitted_complaint(member: StoreMembership, *, reported_at: dt.datetime | None = None,
                        c: Customer | None = None) -> Complaint:
    from crm.aftersales.complaints import complaint_create

    c = c or customer()
    return complaint_create(member=member, customer=c, channel="phone", description="保养后发动机异响",
                            expected_resolution="免费检修并道歉", contact_phone=c.mobile, read_back_confirmed=True,
                            object_stage="repair_quality", reported_at=reported_at)
