"""One meaning of 逾期 (crm.selectors.overdue) on every page that counts it: 今日待办, 我的任务, 跟进督查,
逾期任务(按人) and the 工作台 figure show the same number for the same person."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import time_machine
from django_tenants.utils import tenant_context

from crm.models import FollowUpTask, Lead
from tests.conftest import client_for
from tests.crm.cadence.conftest import customer
from tests.world import World

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# 00:30 on 2 December in the store = 16:30 UTC on 1 December: a UTC "today" would get it wrong.
NOW = dt.datetime(2026, 12, 2, 0, 30, tzinfo=SHANGHAI)
TODAY = dt.date(2026, 12, 2)


def _task(c: Any, assignee: int, due: dt.date, status: str = "open", lead: Lead | None = None,
          key: str = "care") -> FollowUpTask:
    return FollowUpTask.objects.create(
        customer=c, lead_id=lead.pk if lead else None, rule_key=key, rule_name="测试跟进",
        trigger="lead_graded" if lead else "delivery", channel="call", event_date=due - dt.timedelta(days=7),
        due_date=due, assignee_id=assignee, status=status, policy_version_id=1, policy_version_number=1)


def _seed(world: World) -> int:
    """The consultant's work, with the expected overdue count worked out by hand."""
    me = world.user("a.sales_consultant").pk
    other = world.user("a.sales_manager").pk
    with tenant_context(world.store_a):
        # 1: a lead whose planned follow-up was yesterday, no task of its own.
        Lead.objects.create(customer=customer(consultant_id=me), consultant_id=me, next_followup_on=TODAY - dt.timedelta(days=1))
        # 2: a lead late on its date AND with a late task of its own -> one piece of work, counted once.
        both = Lead.objects.create(customer=customer(consultant_id=me), consultant_id=me,
                                   next_followup_on=TODAY - dt.timedelta(days=4))
        _task(both.customer, me, TODAY - dt.timedelta(days=2), lead=both, key="high_intent_weekly")
        # 3: a task the nightly run already flagged overdue.
        _task(customer(consultant_id=me), me, TODAY - dt.timedelta(days=7), status="overdue")
        # 4: a task due yesterday that the nightly run has not flagged yet (still "open").
        _task(customer(consultant_id=me), me, TODAY - dt.timedelta(days=1))
        # Not overdue: due today (task and lead), done / skipped in the past, a closed lead, someone else's.
        _task(customer(consultant_id=me), me, TODAY)
        Lead.objects.create(customer=customer(consultant_id=me), consultant_id=me, next_followup_on=TODAY)
        _task(customer(consultant_id=me), me, TODAY - dt.timedelta(days=12), status="done")
        _task(customer(consultant_id=me), me, TODAY - dt.timedelta(days=3), status="skipped")
        Lead.objects.create(customer=customer(consultant_id=me), consultant_id=me, status="won",
                            next_followup_on=TODAY - dt.timedelta(days=30))
        _task(customer(consultant_id=other), other, TODAY - dt.timedelta(days=5))
    return 4  # items 1 + 2 + 3 + 4 above


def _cell(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert found, element_id
    return found.group(1).strip()


def test_every_page_counts_the_same_overdue_work(world: World, db: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        expected = _seed(world)
        me = world.user("a.sales_consultant").pk
        host = world.host(world.store_a)
        consultant = client_for(world.user("a.sales_consultant"), host)
        manager = client_for(world.user("a.sales_manager"), host)

        today = consultant.get("/today/").content.decode()
        tasks = consultant.get("/cadence/tasks/").content.decode()
        home = consultant.get("/").content.decode()
        supervision = manager.get("/supervision/").content.decode()
        by_person = manager.get("/cadence/overdue/").content.decode()

        assert _cell(today, "overdue-count") == str(expected)
        assert _cell(tasks, "overdue-count") == f"逾期 {expected} 项"
        assert _cell(home, "stat-overdue") == str(expected)
        assert _cell(supervision, f"overdue-{me}") == str(expected)
        assert _cell(by_person, f"overdue-{me}") == str(expected)
        # The task due yesterday that no nightly run flagged still shows in today's queue.
        assert tasks.count("测试跟进") == 4  # 2 days late, 7 days late, 1 day late (open), due today


def test_a_task_due_today_is_not_overdue_late_in_the_evening(world: World, db: Any) -> None:
    """Seed 004: today's visitors are called that evening — at 23:50 a task due today is still on time."""
    with time_machine.travel(dt.datetime(2026, 12, 2, 23, 50, tzinfo=SHANGHAI), tick=False):
        me = world.user("a.sales_consultant").pk
        with tenant_context(world.store_a):
            _task(customer(consultant_id=me), me, TODAY)
        html = client_for(world.user("a.sales_consultant"), world.host(world.store_a)).get("/today/").content.decode()
        assert _cell(html, "overdue-count") == "0"
