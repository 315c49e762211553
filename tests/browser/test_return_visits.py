"""回访 in a real browser, on the store's clock (Asia/Shanghai, pinned with time-machine; the live server
runs in this process's threads, so it shares the clock):

a service advisor records a repair with the customer's consent → customer service sees the return visit
planned on its future date in the queue's week view and on the 360° page → on that day works it in the
call screen (answers, a "no" with its reason) → the call and its answers are on the timeline. A delivery
plans 3DC / 7DC / 15-day care / 首保 ahead; an unanswered 3DC is redialled by the survey template's rule.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django_tenants.utils import tenant_context

from crm.demo import make_vin
from crm.models import Customer, Vehicle
from hq.models import StorePolicyAdoption
from hq.services.policies import group_policy_bootstrap, store_policy_adopt_current
from tenants.models import DealerGroup, Store, StoreMembership
from tenants.services.onboarding import store_onboard
from tests.browser.conftest import new_page, sign_in_at_store
from tests.world import World

pytestmark = pytest.mark.browser
TZ = ZoneInfo("Asia/Shanghai")
# Tuesday 1 December 2026, 09:30 in the store; no public holiday before New Year's Day.
DAY1 = dt.datetime(2026, 12, 1, 9, 30, tzinfo=TZ)
# Friday 4 December: the repair's 3DC and the delivery's 3DC fall due.
DAY4 = dt.datetime(2026, 12, 4, 9, 30, tzinfo=TZ)


def test_this_module_runs_on_the_test_database(db: Any) -> None:
    """Makes pytest-django set up the test database when this module runs alone (see test_worker_kill)."""
    assert connection.settings_dict["NAME"] == connection.settings_dict["TEST"]["NAME"]


@pytest.fixture
def eager_cadence() -> Iterator[None]:
    """The after-event cadence run (an on-commit Celery task) runs in the request's thread, on the
    pinned clock; a worker process would read the real date. The worker path has its own tests."""
    from config.celery import app

    old = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True)
    yield
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=old[0], CELERY_TASK_EAGER_PROPAGATES=old[1])


@pytest.fixture
def rv_store(live_app: Any, world: World, eager_cadence: None) -> Iterator[Store]:
    """A store of a group of its own with the starter templates (committed for the live server, removed
    afterwards), store A's service advisor, customer service and GM as its staff, two customers."""
    code = f"rv-{uuid.uuid4().hex[:8]}"
    group = DealerGroup.objects.create(code=code, name=f"回访测试集团{code}")
    store = store_onboard(group=group, name="回访测试店", slug=code, city="杭州", gm_name="经理",
                          gm_mobile="13700000001").store
    try:
        group_policy_bootstrap(group=group)
        store_policy_adopt_current(store=store)
        for key in ("a.service_advisor", "a.customer_service", "a.general_manager"):
            StoreMembership.objects.create(user=world.user(key), store=store, role=key.split(".")[1])
        with tenant_context(store):
            owner = Customer.objects.create(name="王建国", mobile="13901001003", gender="m", call_time="10:00-11:30")
            vin = make_vin(random.Random(8101), 8101)
            Vehicle.objects.create(vin=vin, vin_tail=vin[-6:], owner=owner, plate="浙A12345", brand="东风标致",
                                   model="408", delivered_on=dt.date(2025, 6, 1))
            Customer.objects.create(name="林晓", mobile="13901001004", gender="f")
        yield store
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{store.schema_name}" CASCADE')
        StoreMembership.objects.filter(store=store).delete()
        StorePolicyAdoption.objects.filter(group=group).delete()
        Store.objects.filter(pk=store.pk).delete()
        group.delete()


def _customer_pk(store: Store, name: str) -> int:
    with tenant_context(store):
        return Customer.objects.get(name=name).pk


def test_a_return_visit_planned_ahead_worked_on_its_day(browser: Any, live_app: Any, world: World,
                                                         rv_store: Store) -> None:
    wang, lin = _customer_pk(rv_store, "王建国"), _customer_pk(rv_store, "林晓")
    clock = time_machine.travel(DAY1, tick=True)
    clock.start()
    try:
        # The service advisor records today's repair; the customer agrees to be called.
        sa = sign_in_at_store(new_page(browser), live_app, world, "a.service_advisor", store=rv_store, path=f"/customers/{wang}/")
        sa.click("summary:has-text('登记维修工单')")
        form = sa.locator("form[action$='/service-visits/']")
        form.locator("select[name=kind]").select_option("repair")
        form.locator("input[name=visited_on]").fill("2026-12-01")
        form.locator("input[name=km]").fill("23500")
        form.locator("input[name=amount]").fill("680")
        assert form.locator("input[name=may_call]").is_checked()
        form.locator("button").click()
        sa.wait_for_load_state()
        assert "维修工单已登记" in sa.content()
        sa.context.close()

        # The GM records a delivery today for 林晓 (the car's file with its delivery date).
        gm = sign_in_at_store(new_page(browser), live_app, world, "a.general_manager", store=rv_store, path=f"/customers/{lin}/")
        gm.click("summary:has-text('添加车辆')")
        form = gm.locator("form[action$='/vehicles/']")
        form.locator("input[name=vin]").fill(make_vin(random.Random(8102), 8102))
        form.locator("input[name=plate]").fill("浙A67890")
        form.locator("input[name=model]").fill("5008")
        form.locator("input[name=delivered_on]").fill("2026-12-01")
        form.locator("button").click()
        gm.wait_for_load_state()
        gm.context.close()

        # Customer service plans the week: nothing is due today, the two 3DC calls are on Friday.
        cs = sign_in_at_store(new_page(browser), live_app, world, "a.customer_service", store=rv_store, path="/aftersales/visits/")
        assert cs.locator("#visit-queue tbody tr[data-visit]").count() == 0
        cs.click("#scope-this-week")
        cs.wait_for_url(re.compile(r"scope=week"))
        rows = cs.locator("#visit-queue tbody tr[data-visit]")
        # This week (Mon 30 Nov – Sun 6 Dec): 林晓's first visit (delivery +1: Wed 2 Dec), the repair's 3DC
        # (Tue 1 + 3 = Fri 4 Dec) and 林晓's 3DC (Fri 4 Dec).
        assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.callOn)")) == [
            "2026-12-02", "2026-12-04", "2026-12-04"]
        friday = cs.locator("#week-days a[data-day='2026-12-04'] .badge").inner_text()
        assert friday == "2"
        assert "维修保养后3日回访(3DC)" in cs.locator("#visit-queue").inner_text()
        cs.click("#scope-next-week")
        cs.wait_for_url(re.compile(r"scope=week&day=2026-12-07"))
        # Next week: 林晓's 7DC on Tue 8 Dec (1 Dec + 7).
        assert cs.locator("#visit-queue tbody tr[data-visit]").evaluate_all(
            "rs => rs.map(r => r.dataset.callOn)") == ["2026-12-08"]
        cs.fill("#day", "2026-12-16")
        cs.select_option("#scope", "day")
        cs.click("#queue-show")
        cs.wait_for_url(re.compile(r"day=2026-12-16"))
        assert "客服15天关怀" in cs.locator("#visit-queue").inner_text()  # 1 Dec + 15

        # The 360° pages show the planned follow-ups on their dates.
        cs.goto(live_app.store_url(rv_store, f"/customers/{wang}/"))
        planned = cs.locator("#planned-calls").inner_text()
        assert "维修保养后3日回访(3DC)" in planned and "计划" in planned
        assert cs.locator("#planned-calls li[data-due='2026-12-04']").count() == 1
        cs.goto(live_app.store_url(rv_store, f"/customers/{lin}/"))
        dues = cs.locator("#planned-calls li[data-task]").evaluate_all(
            "ls => ls.map(l => l.dataset.due + ' ' + l.innerText)")
        # 3DC 4 Dec, 7DC 8 Dec, 15-day care 16 Dec, and 首保 reminded 14 days before the first service
        # is due 180 days after delivery (30 May 2027) → 16 May 2027.
        for due, name in (("2026-12-04", "交车3日回访(3DC)"), ("2026-12-08", "交车7日回访(7DC)"),
                          ("2026-12-16", "客服15天关怀"), ("2027-05-16", "首保提醒")):
            assert any(d.startswith(due) and name in d for d in dues), (due, name, dues)
        cs.context.close()
    finally:
        clock.stop()

    clock = time_machine.travel(DAY4, tick=True)
    clock.start()
    try:
        # 我的任务: the repair's 3DC is a return visit. Once the customer answers, its survey is recorded on
        # the call screen: the row offers only "no answer" and "refused" as one-click outcomes, and the link.
        cs = sign_in_at_store(new_page(browser), live_app, world, "a.customer_service", store=rv_store, path="/cadence/tasks/")
        row = cs.locator("tr[id^=task-]:has-text('王建国'):has-text('维修保养后3日回访(3DC)')")
        assert row.count() == 1
        offered = row.locator("button[name=outcome]").evaluate_all("bs => bs.map(b => b.value)")
        assert sorted(offered) == ["no_answer", "refused"], offered
        row.locator("a.return-visit-link").click()
        cs.wait_for_selector("#call-form")
        assert "/aftersales/visits/" in cs.url
        cs.goto(live_app.store_url(rv_store, "/aftersales/visits/"))
        queue = cs.locator("#visit-queue").inner_text()
        assert "王建国" in queue and "林晓" in queue
        # 林晓's first visit (2 Dec) waited two days: it is in today's list, marked overdue.
        overdue_row = cs.locator("#visit-queue tr[data-call-on='2026-12-02']")
        assert "已逾期" in overdue_row.inner_text()

        # The repair's 3DC: all yes but "fixed first time", with its reason, and a suggestion.
        cs.locator("#visit-queue tr:has-text('王建国') a:has-text('回访')").click()
        cs.wait_for_selector("#call-form")
        cs.select_option("#person_called", "served")
        for radio in cs.locator("#call-form input[type=radio][value=yes]").all():
            radio.check()
        cs.check("#q_fixed_no")
        cs.click("#call-form button[value=completed] >> nth=0")
        assert "请在备注中记录不满意的原因" in cs.locator("#form-error").inner_text()  # a "no" needs its reason
        for radio in cs.locator("#call-form input[type=radio][value=yes]").all():
            radio.check()
        cs.check("#q_fixed_no")
        cs.fill("input[name=remark_fixed]", "右后门异响没修好")
        cs.fill("#remark", "希望提供上门取送车")
        cs.select_option("select[name=q_score]", "4")
        cs.click("#call-form button[value=completed] >> nth=0")
        cs.wait_for_selector("#visit-status")
        assert cs.locator("#visit-status").inner_text() == "回访成功"

        cs.goto(live_app.store_url(rv_store, f"/customers/{wang}/"))
        timeline = cs.locator("#timeline").inner_text()
        assert "回访·完成回访" in timeline and "维修保养后3日回访(3DC)" in timeline
        assert "您车辆的问题是否一次修好？：否（右后门异响没修好）" in timeline
        assert "希望提供上门取送车" in timeline
        assert cs.locator("#planned-calls li[data-due='2026-12-04']").count() == 0  # worked, no longer planned

        # 林晓 does not answer her 3DC: the template's rule (3 dials, the next working day) redials
        # on Monday 7 December (Fri 4 → Sat, Sun are not working days → Mon 7).
        cs.goto(live_app.store_url(rv_store, "/aftersales/visits/"))
        cs.locator("#visit-queue tr:has-text('交车3日回访(3DC)'):has-text('林晓') a:has-text('回访')").click()
        cs.wait_for_selector("#call-form")
        cs.click("#call-form button[value=no_answer]")
        cs.wait_for_load_state()
        assert "未接通待重拨" in cs.content()
        assert "12月7日" in cs.locator("#call-on").inner_text()
        cs.goto(live_app.store_url(rv_store, "/aftersales/visits/?scope=day&day=2026-12-07"))
        row = cs.locator("#visit-queue tr[data-call-on='2026-12-07']")
        assert row.count() == 1 and "林晓" in row.inner_text() and "第 2 次拨打" in row.inner_text()
        cs.screenshot(path="/tmp/shots/return-visit-redial.png", full_page=True)
        cs.context.close()
    finally:
        clock.stop()
