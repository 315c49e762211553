"""The cadence's SQL and the HQ snapshot read local dates in the store's own zone (a bound parameter, not
a literal Asia/Shanghai), and take "now" from Python (so a pinned clock and the rows agree)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django_tenants.utils import schema_context, tenant_context

from crm.cadence.metrics import compute
from crm.cadence.sql import rule_insert
from crm.models import FollowUpTask
from hq.metrics.periods import Period
from tenants.models import Store
from tests.crm.aftersales.conftest import customer
from tests.world import World

SH = ZoneInfo("Asia/Shanghai")
NOV = Period("month", dt.date(2026, 11, 1))


@time_machine.travel(dt.datetime(2026, 11, 30, 10, 0, tzinfo=SH), tick=False)
def test_on_time_is_judged_on_the_stores_own_date(world: World, db: Any) -> None:
    with tenant_context(world.store_a):
        FollowUpTask.objects.all().delete()
        c = customer()
        # Due Monday 23 Nov; done at 01:00 on the 24th Shanghai time — 23:00 on the 23rd in Urumqi (UTC+6).
        FollowUpTask.objects.create(customer=c, rule_key="zone_probe", rule_name="时区检验", trigger="delivery",
                                    channel="call", event_date=dt.date(2026, 11, 20), due_date=dt.date(2026, 11, 23),
                                    status="done", completed_at=dt.datetime(2026, 11, 24, 1, 0, tzinfo=SH),
                                    policy_version_id=1, policy_version_number=1)
        in_shanghai = compute(NOV)
    with schema_context("public"):
        Store.objects.filter(pk=world.store_a.pk).update(time_zone="Asia/Urumqi")
    urumqi_store = Store.objects.get(pk=world.store_a.pk)
    with tenant_context(urumqi_store):
        in_urumqi = compute(NOV)
    # One task due in November: late in a Shanghai store (done the 24th), on time in an Urumqi store (the 23rd).
    assert in_shanghai["cadence_tasks_due"] == 1.0 and in_shanghai["cadence_tasks_on_time_pct"] == 0.0
    assert in_urumqi["cadence_tasks_due"] == 1.0 and in_urumqi["cadence_tasks_on_time_pct"] == 100.0


def test_the_generated_statement_binds_the_zone_and_now() -> None:
    rule = {"key": "r", "name": "r", "trigger": "reception", "channel": "call", "assignee": "consultant",
            "offset_days": 1}
    body = {"maintenance": {"first_days": 90, "first_km": 5000, "interval_days": 180, "interval_km": 10000}}
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SH)
    stmt = rule_insert(rule, body, start=dt.date(2026, 11, 23), end=dt.date(2026, 11, 23), version_id=1,
                       version_number=1, store_name="A店", role_ids=[], holidays=[], tz="Asia/Urumqi", now=now)
    assert "Asia/Shanghai" not in stmt.sql and "now()" not in stmt.sql
    assert stmt.params["tz"] == "Asia/Urumqi" and stmt.params["now"] == now
    # The event window starts at the store's midnight: 00:00 in Urumqi on the 22nd (offset one day).
    assert stmt.params["ev_from_ts"] == dt.datetime(2026, 11, 22, 0, 0, tzinfo=ZoneInfo("Asia/Urumqi"))
