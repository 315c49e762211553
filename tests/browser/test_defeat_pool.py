"""In a real browser: a consultant marks a lead defeated with a reason, the sales manager sends it back from
战败审核, the consultant follows up, the second defeat is approved; a consultant claims from the 公海 until
the day's limit (5 in the starter policy) stops them.

The live server runs in this process's threads, so time_machine moves its clock too (Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tenants.utils import tenant_context

from tests.browser.conftest import sign_in_at_store
from tests.browser.test_sales_floor import _alert
from tests.world import World

pytestmark = pytest.mark.browser

SH = ZoneInfo("Asia/Shanghai")
TUESDAY = dt.datetime(2026, 9, 15, 10, 0, tzinfo=SH)  # away from the other browser tests' weeks
MOBILES = ["13955700001", *[f"139557001{i:02d}" for i in range(6)]]


def _cleanup(world: World) -> None:
    from crm.models import Customer
    from crm.models.aftersales import Notification

    with tenant_context(world.store_a):
        Customer.objects.filter(mobile__in=MOBILES).delete()
        Notification.objects.filter(kind__in=["defeat", "defeat_back"]).delete()


@pytest.fixture
def floor(live_app: Any, world: World) -> Iterator[None]:
    """Store A with its group's starter cadence (pool rules included), eager Celery; cleaned afterwards."""
    from config.celery import app
    from hq.models import PolicyTemplate, StorePolicyAdoption
    from hq.services.policies import group_policy_bootstrap, store_policy_adopt_current

    had_policies = PolicyTemplate.objects.filter(group=world.group_x).exists()
    group_policy_bootstrap(group=world.group_x)
    store_policy_adopt_current(store=world.store_a)
    _cleanup(world)
    old = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True)
    try:
        yield
    finally:
        app.conf.update(CELERY_TASK_ALWAYS_EAGER=old[0], CELERY_TASK_EAGER_PROPAGATES=old[1])
        _cleanup(world)
        if not had_policies:
            StorePolicyAdoption.objects.filter(group=world.group_x).delete()
            PolicyTemplate.objects.filter(group=world.group_x).delete()


def _defeat(page: Any, reason: str, brand: str = "") -> None:
    details = page.locator("details", has=page.locator("form[id$='-defeat']")).first
    if details.get_attribute("open") is None:  # a re-shown form with errors is already open
        details.locator("summary").click()
    form = page.locator("form[id$='-defeat']").first
    if reason:
        form.locator("select[name=reason]").select_option(reason)
    if brand:
        form.locator("input[name=competitor_brand]").fill(brand)
    form.locator("button").click()
    page.wait_for_load_state()


def test_a_defeat_sent_back_then_approved(page: Any, live_app: Any, world: World, floor: None) -> None:
    from crm import services
    from crm.models import Lead
    from tenants.models import StoreMembership

    consultant = StoreMembership.objects.get(user=world.user("a.sales_consultant"), store=world.store_a)
    with time_machine.travel(TUESDAY, tick=True):
        with tenant_context(world.store_a):
            lead = services.reception_create(member=consultant, mobile=MOBILES[0], name="杨先生", grade="B",
                                             models_of_interest="朗逸").lead
        customer_url = f"/customers/{lead.customer_id}/"
        sign_in_at_store(page, live_app, world, "a.sales_consultant", customer_url)
        _defeat(page, "")  # no reason chosen: refused at the field
        assert "请选择战败原因" in page.locator(".field-error").first.inner_text()
        _defeat(page, "competitor", "丰田")
        assert "已提交战败申请" in _alert(page) and "战败待审" in page.content()

        sign_in_at_store(page, live_app, world, "a.sales_manager", "/")
        page.click("#nav-defeat_review")
        page.wait_for_load_state()
        row = page.locator(".defeat-row", has_text="杨先生")
        assert "购买竞品" in row.inner_text() and "丰田" in row.inner_text()
        assert "没有电话或到店沟通记录" in row.inner_text()  # only the reception, no call: worth sending back
        row.locator("input[name=comment]").fill("先打电话确认是否已提车")
        row.locator("button", has_text="退回继续跟进").click()
        page.wait_for_load_state()
        assert "已退回：杨先生" in _alert(page) and page.locator("#queue-empty").count() == 1

        sign_in_at_store(page, live_app, world, "a.sales_consultant", "/aftersales/notifications/")
        assert "战败申请被退回：杨先生" in page.content() and "先打电话确认是否已提车" in page.content()
        page.goto(live_app.store_url(world.store_a, customer_url))
        form = page.locator("#followup-form")
        form.locator("select[name=channel]").select_option("phone")
        form.locator("select[name=lead]").select_option(str(lead.pk))
        form.locator("textarea[name=content], input[name=content]").first.fill("客户确认已在丰田提车")
        form.locator("button").click()
        page.wait_for_load_state()
        assert "跟进记录已保存" in _alert(page)
        _defeat(page, "competitor", "丰田")
        assert "已提交战败申请" in _alert(page)

        sign_in_at_store(page, live_app, world, "a.sales_manager", "/leads/defeats/")
        row = page.locator(".defeat-row", has_text="杨先生")
        assert "曾被退回 1 次" in row.inner_text() and "客户确认已在丰田提车" in row.inner_text()
        row.locator("button", has_text="批准战败").click()
        page.wait_for_load_state()
        assert "已批准战败：杨先生" in _alert(page)
        page.screenshot(path="/tmp/defeat-review.png", full_page=True)
    with tenant_context(world.store_a):
        assert Lead.objects.get(pk=lead.pk).status == "defeated"


def test_a_consultant_claims_from_the_pool_until_the_limit(page: Any, live_app: Any, world: World,
                                                          floor: None) -> None:
    from crm import services
    from crm.models import Customer, Lead
    from tenants.models import StoreMembership

    manager = StoreMembership.objects.get(user=world.user("a.sales_manager"), store=world.store_a)
    with time_machine.travel(TUESDAY, tick=True):
        with tenant_context(world.store_a):
            leads = [services.reception_create(member=manager, mobile=m, name=f"公海客{i}", grade="C").lead
                     for i, m in enumerate(MOBILES[1:])]
            ids = [x.customer_id for x in leads]
            Customer.objects.filter(pk__in=ids).update(consultant_id=None, pooled_at=TUESDAY, pool_reason="idle")
            Lead.objects.filter(customer_id__in=ids).update(consultant_id=None)
        sign_in_at_store(page, live_app, world, "a.sales_consultant", "/")
        page.click("#nav-pool")
        page.wait_for_load_state()
        assert page.locator(".pool-row").count() == 6 and "139****0100" in page.content()
        for n in range(1, 6):
            page.locator(".pool-row .claim-btn").first.click()
            page.wait_for_load_state()
            assert "已领取" in _alert(page) and f"今天还可领取 {5 - n} 位" in _alert(page)
        assert page.locator("#claim-limit").count() == 1  # the page says so before the next click
        page.locator(".pool-row .claim-btn").first.click()
        page.wait_for_load_state()
        assert "已达每日领取上限（5 位）" in _alert(page)
        assert page.locator(".pool-row").count() == 1 and "今天已领取 5 / 5 位" in page.content()
        page.screenshot(path="/tmp/pool-limit.png", full_page=True)
