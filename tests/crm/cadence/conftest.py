"""Cadence test helpers: a store with the group's starter cadence in force, and tiny data makers."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from crm.demo import make_vin
from crm.models import Customer, Lead, MileageReading, Reception, ServiceVisit, Vehicle
from hq.services.policies import group_policy_bootstrap, store_policy_adopt_current
from tenants.models import Store
from tests.world import World

_n = itertools.count(1)
TODAY = dt.date(2026, 11, 23)  # a Monday (working day)


@pytest.fixture
def store_a(world: World, db: Any) -> Iterator[Store]:
    """Store A with group X's starter templates in force; the test body runs in its schema."""
    group_policy_bootstrap(group=world.group_x)
    store_policy_adopt_current(store=world.store_a)
    with tenant_context(world.store_a):
        yield world.store_a


def customer(*, consultant_id: int | None = None, **kw: Any) -> Customer:
    n = next(_n)
    kw.setdefault("name", f"客户{n}")
    kw.setdefault("gender", "m")
    return Customer.objects.create(mobile=f"1380{n:07d}", consultant_id=consultant_id, **kw)


def vehicle(owner: Customer, **kw: Any) -> Vehicle:
    n = next(_n)
    import random

    vin = make_vin(random.Random(n), 9000 + n)
    kw.setdefault("plate", f"浙A{n:05d}")
    return Vehicle.objects.create(vin=vin, vin_tail=vin[-6:], owner=owner, model="朗逸", brand="上汽大众", **kw)


def reception(c: Customer, consultant_id: int, at: dt.datetime, grade: str = "C") -> Reception:
    lead = Lead.objects.create(customer=c, consultant_id=consultant_id, grade=grade, created_at=at)
    return Reception.objects.create(customer=c, lead=lead, consultant_id=consultant_id, arrived_at=at)


def reading(v: Vehicle, on: dt.date, km: int) -> MileageReading:
    return MileageReading.objects.create(vehicle=v, read_on=on, km=km)


def visit(v: Vehicle, on: dt.date, kind: str = "periodic", km: int | None = None, may_call: bool = True,
          advisor_id: int | None = None) -> ServiceVisit:
    return ServiceVisit.objects.create(vehicle=v, customer=v.owner, kind=kind, visited_on=on, km=km,
                                       amount=Decimal("300"), may_call=may_call, advisor_id=advisor_id)


def at(day: dt.date, hh: int = 10) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(hh), tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def eager_celery() -> Iterator[None]:
    from config.celery import app

    old = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True)
    yield
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=old[0], CELERY_TASK_EAGER_PROPAGATES=old[1])
