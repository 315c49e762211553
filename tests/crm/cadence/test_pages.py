"""Cadence pages and API as staff use them: the day's queue, one-click outcome, overdue, overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tenants.utils import tenant_context

from crm.cadence.engine import cadence_run_store
from crm.models import FollowUpTask
from hq.models import PolicyKind, StorePolicyAdoption
from hq.services.policies import group_policy_bootstrap, store_policy_adopt_current
from tests.conftest import client_for
from tests.world import World

from .conftest import customer, vehicle


def _setup(world: World) -> tuple[FollowUpTask, FollowUpTask]:
    """Two tasks due today in store A: a 3DC for customer service, a care call for the consultant."""
    group_policy_bootstrap(group=world.group_x)
    store_policy_adopt_current(store=world.store_a)
    today = timezone.localdate()
    with tenant_context(world.store_a):
        consultant = world.user("a.sales_consultant").pk
        v3 = vehicle(customer(consultant_id=consultant), delivered_on=today - dt.timedelta(days=3))
        v30 = vehicle(customer(consultant_id=consultant), delivered_on=today - dt.timedelta(days=30))
        cadence_run_store(today=today)
        # The later calls of each series are planned ahead too; these are today's.
        return (FollowUpTask.objects.get(customer=v3.owner, rule_key="delivery_3dc", due_date=today),
                FollowUpTask.objects.get(customer=v30.owner, rule_key="consultant_care", due_date=today))


def test_my_tasks_shows_only_my_tasks_for_the_day(world: World, db: Any) -> None:
    cs_task, care = _setup(world)
    host = world.host(world.store_a)
    html = client_for(world.user("a.customer_service"), host).get("/cadence/tasks/").content.decode()
    assert "交车3日回访(3DC)" in html and "销售顾问1-3个月回访关怀" not in html
    html = client_for(world.user("a.sales_consultant"), host).get("/cadence/tasks/").content.decode()
    assert "销售顾问1-3个月回访关怀" in html and f"task-{cs_task.pk}" not in html


def test_one_click_completion_records_the_outcome(world: World, db: Any) -> None:
    cs_task, care = _setup(world)
    client = client_for(world.user("a.customer_service"), world.host(world.store_a))
    # The 3DC call is a return visit: once it got through, its survey is recorded on the call screen, so
    # a bare "satisfied" from the task list is refused with where to go, and the call stays open.
    r = client.post(f"/cadence/tasks/{cs_task.pk}/complete/", {"outcome": "satisfied", "note": "车况良好"},
                    HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 400 and "回访页面记录问卷" in html and "/aftersales/visits/" in html
    assert 'value="satisfied"' not in html and 'value="reached"' not in html and 'value="no_answer"' in html
    with tenant_context(world.store_a):
        cs_task.refresh_from_db()
        assert cs_task.status == "open"
    # Nobody answered: still one click here (the template's rule redials).
    r = client.post(f"/cadence/tasks/{cs_task.pk}/complete/", {"outcome": "no_answer", "note": "无人接听"},
                    HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "未接通" in r.content.decode()
    with tenant_context(world.store_a):
        cs_task.refresh_from_db()
        assert (cs_task.status, cs_task.outcome, cs_task.outcome_note) == ("done", "no_answer", "无人接听")
        assert cs_task.completed_by_id == world.user("a.customer_service").pk
    # Someone else's task is "not found"; an outcome the rule does not ask for is refused.
    assert client.post(f"/cadence/tasks/{care.pk}/complete/", {"outcome": "reached"}).status_code == 404
    consultant = client_for(world.user("a.sales_consultant"), world.host(world.store_a))
    r = consultant.post(f"/api/cadence/tasks/{care.pk}/complete/", {"outcome": "satisfied"},
                        content_type="application/json")
    assert r.status_code == 400 and "请选择本任务要求记录的结果" in r.json()["detail"]
    r = consultant.post(f"/api/cadence/tasks/{care.pk}/complete/", {"outcome": "reached", "note": "已回访"},
                        content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "done"
    r = consultant.post(f"/api/cadence/tasks/{care.pk}/complete/", {"outcome": "reached"},
                        content_type="application/json")
    assert r.status_code == 409


def test_a_refusal_withdraws_call_consent(world: World, db: Any) -> None:
    cs_task, _care = _setup(world)
    client = client_for(world.user("a.customer_service"), world.host(world.store_a))
    client.post(f"/cadence/tasks/{cs_task.pk}/complete/", {"outcome": "refused"})
    with tenant_context(world.store_a):
        cs_task.refresh_from_db()
        assert cs_task.customer.may_call is False


def test_skipping_needs_a_reason(world: World, db: Any) -> None:
    cs_task, _ = _setup(world)
    client = client_for(world.user("a.customer_service"), world.host(world.store_a))
    r = client.post(f"/api/cadence/tasks/{cs_task.pk}/skip/", {"reason": " "}, content_type="application/json")
    assert r.status_code == 400
    r = client.post(f"/api/cadence/tasks/{cs_task.pk}/skip/", {"reason": "客户出国"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "skipped"


def test_the_manager_sees_overdue_tasks_per_person(world: World, db: Any) -> None:
    cs_task, care = _setup(world)
    with tenant_context(world.store_a):
        FollowUpTask.objects.filter(pk=care.pk).update(status="overdue", due_date=care.due_date - dt.timedelta(days=2))
    client = client_for(world.user("a.sales_manager"), world.host(world.store_a))
    html = client.get("/cadence/overdue/").content.decode()
    assert "A销售顾问" in html
    rows = client.get("/api/cadence/overdue/").json()
    assert {r["name"]: r["overdue"] for r in rows}["A销售顾问"] == 1
    html = client.get(f"/cadence/overdue/?user={world.user('a.sales_consultant').pk}").content.decode()
    assert "销售顾问1-3个月回访关怀" in html


def test_the_policy_page_shows_the_version_and_the_override_form_validates(world: World, db: Any) -> None:
    _setup(world)
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    html = gm.get("/cadence/policy/").content.decode()
    assert "集团版本" in html and "v1" in html and "当晚回访(所有到店客户)" in html
    r = gm.post("/cadence/policy/cadence/override/", {"rules.high_intent_weekly.offset_days": "12",
                                                      "rules.birthday_greeting.enabled": "on",
                                                      "rules.holiday_greeting.enabled": "on"})
    assert r.status_code == 400 and "超出集团允许的范围 1 到 7" in r.content.decode()
    r = gm.post("/cadence/policy/cadence/override/", {"rules.high_intent_weekly.offset_days": "5",
                                                      "rules.holiday_greeting.enabled": "on"})
    assert r.status_code == 302
    adoption = StorePolicyAdoption.objects.get(store=world.store_a, kind=PolicyKind.CADENCE)
    assert adoption.overrides == {"rules.high_intent_weekly.offset_days": 5, "rules.birthday_greeting.enabled": False}
    assert "本店调整" in gm.get("/cadence/policy/").content.decode()
    r = gm.put("/api/cadence/policy/cadence/overrides/", {"rules.evening_call.offset_days": 1},
               content_type="application/json")
    assert r.status_code == 400 and "不是集团模板开放" in r.json()["detail"]
    api = gm.get("/api/cadence/policy/").json()
    assert api["cadence"]["version"] == "v1" and api["cadence"]["overrides"]["rules.high_intent_weekly.offset_days"] == 5


def test_the_monthly_maintenance_list_exports(world: World, db: Any) -> None:
    _setup(world)
    today = timezone.localdate()
    first_next = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    with tenant_context(world.store_a):
        from .conftest import visit

        v = vehicle(customer(name="到期客户"), delivered_on=first_next - dt.timedelta(days=400))
        visit(v, first_next + dt.timedelta(days=3) - dt.timedelta(days=180), kind="periodic", km=10000)
    client = client_for(world.user("a.customer_service"), world.host(world.store_a))
    assert "到期客户" in client.get("/cadence/maintenance-due/").content.decode()
    csv = client.get("/cadence/maintenance-due.csv").content.decode("utf-8-sig")
    assert "预计保养日期" in csv and "到期客户" in csv and "时间" in csv
    xlsx = client.get("/cadence/maintenance-due.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_on_time_rate_counts_tasks_done_by_their_due_date(world: World, db: Any) -> None:
    cs_task, care = _setup(world)
    from crm.cadence.selectors import overdue_by_person

    with tenant_context(world.store_a):
        now = timezone.now()
        FollowUpTask.objects.filter(pk=cs_task.pk).update(status="done", completed_at=now)
        FollowUpTask.objects.filter(pk=care.pk).update(status="done", completed_at=now + dt.timedelta(days=3))
        rows = {r.name: r for r in overdue_by_person(timezone.localdate() + dt.timedelta(days=3))}
    assert rows["A客服专员"].on_time_rate == "100%"
    assert rows["A销售顾问"].on_time_rate == "0%"


def test_an_unanswered_call_is_tried_again_on_the_next_working_day(world: World, db: Any) -> None:
    cs_task, _care = _setup(world)
    client = client_for(world.user("a.customer_service"), world.host(world.store_a))
    client.post(f"/cadence/tasks/{cs_task.pk}/complete/", {"outcome": "no_answer"})
    with tenant_context(world.store_a):
        retry = FollowUpTask.objects.filter(customer=cs_task.customer, rule_key="delivery_3dc").exclude(pk=cs_task.pk)
        assert retry.count() == 1
        nxt = retry.get()
        assert nxt.due_date > cs_task.due_date and nxt.status == "open" and nxt.assignee_id == cs_task.assignee_id


def test_a_refused_outcome_or_skip_keeps_what_was_typed_with_the_error_at_the_field(world: World, db: Any) -> None:
    cs_task, care = _setup(world)
    client = client_for(world.user("a.sales_consultant"), world.host(world.store_a))
    r = client.post(f"/cadence/tasks/{care.pk}/complete/", {"outcome": "", "note": "客户在开会"},
                    HTTP_HX_REQUEST="true")
    row = r.content.decode()
    assert r.status_code == 400 and 'data-field="outcome">请选择任务结果。' in row and 'value="客户在开会"' in row
    r = client.post(f"/cadence/tasks/{care.pk}/skip/", {"reason": "x" * 201}, HTTP_HX_REQUEST="true")
    row = r.content.decode()
    assert r.status_code == 400 and 'data-field="reason"' in row and 'value="' + "x" * 201 + '"' in row
    with tenant_context(world.store_a):
        care.refresh_from_db()
        assert (care.status, care.outcome, care.skip_reason) == ("open", "", "")
