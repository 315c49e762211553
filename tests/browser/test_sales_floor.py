"""In a real browser, as the sales floor works (handbook 004): the visitor day end to end, the Monday
key-customer review, receiving a colleague's customer (撞单), and a form error that keeps every value.

The live server runs in this process's threads, so time_machine moves its clock too (Asia/Shanghai).
Celery runs eagerly in the server thread here, so the after-commit cadence run (evening call, departure
SMS) happens on the pinned day; data the live server commits is removed before and after each test.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tenants.utils import tenant_context

from tests.browser.conftest import sign_in_at_store
from tests.world import World

pytestmark = pytest.mark.browser

SH = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 10, 12, 10, 0, tzinfo=SH)  # a working Monday, away from other tests' weeks
MOBILES = ["13955500001", "13955500002", "13955500003", "13955500004", "13955500005", "13955500006"]


def _cleanup(world: World) -> None:
    from crm.models import Customer, KeyReviewWeek, Vehicle
    from crm.models.aftersales import Notification

    with tenant_context(world.store_a):
        ids = list(Customer.objects.filter(mobile__in=MOBILES).values_list("pk", flat=True))
        Vehicle.objects.filter(owner_id__in=ids).delete()
        Customer.objects.filter(pk__in=ids).delete()
        KeyReviewWeek.objects.filter(week_start__in=[dt.date(2026, 10, 12), dt.date(2026, 10, 19)]).delete()
        Notification.objects.filter(kind__in=["clash", "key_review", "defeat"]).delete()


@pytest.fixture
def sales_floor(live_app: Any, world: World) -> Iterator[None]:
    """Store A with its group's starter cadence, eager Celery; everything made here removed afterwards."""
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


def _alert(page: Any) -> str:
    return str(page.locator(".alert").first.inner_text())


def _receive(page: Any, mobile: str, name: str, grade: str, model: str) -> None:
    page.fill("#id_mobile", mobile)
    page.fill("#id_name", name)
    page.select_option("#id_grade", grade)
    page.fill("#id_models_of_interest", model)
    page.click("#reception-form button")
    page.wait_for_load_state()


def test_the_visitor_day_end_to_end(page: Any, live_app: Any, world: World, sales_floor: None) -> None:
    with time_machine.travel(MONDAY, tick=True) as clock:
        # 展厅接待: two visitors on Monday morning, entered in seconds.
        sign_in_at_store(page, live_app, world, "a.sales_consultant", "/reception/")
        _receive(page, "139 5550 0001", "陈先生", "B", "帕萨特")
        assert "已登记接待：陈先生。今晚请完成回访。" in _alert(page)
        _receive(page, "13955500002", "周女士", "A", "途观L")
        assert "已登记接待：周女士" in _alert(page)

        # 当晚回访: both are on tonight's list (19:00), with the departure SMS signed by the consultant.
        page.goto(live_app.store_url(world.store_a, "/cadence/tasks/"))
        rows = page.locator("tr", has_text="当晚回访")
        assert rows.count() == 2
        sms = page.locator("tr", has_text="离店关怀短信").filter(has_text="陈先生")
        assert "我是您的销售顾问A销售顾问" in sms.inner_text()

        # The evening call: 陈先生 is ready to buy this week — regrade to H from the task row.
        clock.move_to(dt.datetime(2026, 10, 12, 19, 5, tzinfo=SH))
        call = page.locator("tr", has_text="当晚回访").filter(has_text="陈先生")
        call.locator("select[name=grade]").select_option("H")
        call.locator("button", has_text="调整级别").click()
        page.wait_for_load_state()
        assert "意向级别已调整为H级" in _alert(page)
        call = page.locator("tr", has_text="当晚回访").filter(has_text="陈先生")
        assert "H级" in call.inner_text() and "重点客户" in call.inner_text()  # H: a key customer

        # 周女士 stays A but the consultant marks her a key customer from the lead board.
        page.goto(live_app.store_url(world.store_a, "/leads/"))
        zhou = page.locator(".lead-row", has_text="周女士")
        zhou.locator("button", has_text="标记重点客户").click()
        page.wait_for_load_state()
        assert "已标记为重点客户" in _alert(page) and page.url.endswith("/leads/")
        assert "重点" in page.locator(".lead-row", has_text="周女士").inner_text()

        # Book 陈先生's test drive for Wednesday 15:00 from his file.
        page.locator(".lead-row", has_text="陈先生").locator("a").first.click()
        page.wait_for_load_state()
        form = page.locator("#test-drive-form")
        form.locator("input[name=driven_at]").fill("2026-10-14T15:00")
        form.locator("input[name=book]").check()
        form.locator("button").click()
        page.wait_for_load_state()
        assert "试驾已预约" in _alert(page)
        assert "2026年10月14日 15:00" in page.locator(".booked-drive").inner_text()
        chen_url = page.url

        # Wednesday: he comes, drives (licence checked), and buys for 23.58万.
        clock.move_to(dt.datetime(2026, 10, 14, 15, 50, tzinfo=SH))
        sign_in_at_store(page, live_app, world, "a.sales_consultant")
        page.goto(chen_url)
        drive = page.locator(".booked-drive")
        drive.locator("input[name=licence_checked]").check()
        drive.locator("input[name=feedback]").fill("动力满意")
        drive.locator("button", has_text="试驾完成").click()
        page.wait_for_load_state()
        assert "试驾已完成" in _alert(page) and page.locator(".booked-drive").count() == 0
        assert "动力满意" in page.locator("#timeline").inner_text()
        page.locator("summary", has_text="成交 / 战败").first.click()
        deal = page.locator("form[id$='-deal']").first
        deal.locator("input[name=vin]").fill("LSVAB2BR8MN000002")
        deal.locator("input[name=amount]").fill("23.58万")
        deal.locator("button").click()
        page.wait_for_load_state()
        assert "已登记成交" in _alert(page)
        assert page.locator(".deal-amount").inner_text() == "23.58万"  # stored 235800.00, shown as written
        assert "成交客户" in page.content() or "成交" in page.locator(".list-group-item").first.inner_text()

        # 周女士 bought a Camry elsewhere: 战败 with the competitor.
        page.goto(live_app.store_url(world.store_a, "/leads/"))
        page.locator(".lead-row", has_text="周女士").locator("a").first.click()
        page.wait_for_load_state()
        page.locator("summary", has_text="成交 / 战败").first.click()
        defeat = page.locator("form[id$='-defeat']").first
        defeat.locator("select[name=reason]").select_option("competitor")
        defeat.locator("input[name=competitor_brand]").fill("丰田")
        defeat.locator("input[name=competitor_model]").fill("凯美瑞")
        defeat.locator("button").click()
        page.wait_for_load_state()
        assert "已提交战败申请" in _alert(page)  # 战败审核 by the sales manager closes it
        assert "购买竞品：丰田 凯美瑞" in page.content() and "战败待审" in page.content()
        page.screenshot(path="/tmp/sales-floor-defeat.png", full_page=True)


def test_the_monday_key_customer_review(page: Any, live_app: Any, world: World, sales_floor: None) -> None:
    from crm import services
    from crm.tasks import key_review_monday
    from tenants.models import StoreMembership

    consultant = StoreMembership.objects.get(user=world.user("a.sales_consultant"), store=world.store_a)
    with time_machine.travel(dt.datetime(2026, 10, 16, 11, 0, tzinfo=SH), tick=True) as clock:
        with tenant_context(world.store_a):
            leads = {name: services.reception_create(member=consultant, mobile=mobile, name=name, grade="H",
                                                     models_of_interest="帕萨特").lead
                     for name, mobile in [("赵一", "13955500003"), ("钱二", "13955500004"), ("孙三", "13955500005")]}
            # 赵一 signs on Friday (the deal is registered with the car on his file).
            services.lead_close_deal(member=consultant, lead=leads["赵一"], vin="LSVAB2BR8MN000002",
                                     amount="21.8万")
        # Monday 07:30: the weekly job lists each consultant's key customers for the sales manager.
        clock.move_to(dt.datetime(2026, 10, 19, 7, 30, tzinfo=SH))
        with tenant_context(world.store_a):
            # Only open key leads are listed: 赵一 closed on Friday, so 钱二 and 孙三 — 2 items.
            assert key_review_monday() == 2

        clock.move_to(dt.datetime(2026, 10, 19, 9, 0, tzinfo=SH))
        sign_in_at_store(page, live_app, world, "a.sales_manager", "/aftersales/notifications/")
        assert "重点客户周报（10月19日起）已生成" in page.content() and "A销售顾问 2 位" in page.content()

        # The consultant records how each week ends: 钱二 bought a Toyota, 孙三 waits for year-end offers.
        sign_in_at_store(page, live_app, world, "a.sales_consultant", "/key-customers/")
        qian = page.locator(".key-item", has_text="钱二")
        qian.locator("select[name=outcome]").select_option("defeated")
        qian.locator("input[name=competitor_brand]").fill("丰田")
        qian.locator("input[name=reason]").fill("价格差一万")
        qian.locator("button").click()
        page.wait_for_load_state()
        assert "已记录：战败" in _alert(page)
        sun = page.locator(".key-item", has_text="孙三")
        sun.locator("select[name=outcome]").select_option("postponed")
        sun.locator("button").click()  # no reason: refused, the choice kept
        page.wait_for_load_state()
        assert "延期请填写原因" in page.content()
        sun = page.locator(".key-item", has_text="孙三")
        assert sun.locator("select[name=outcome]").input_value() == "postponed"
        sun.locator("input[name=reason]").fill("等年底优惠")
        sun.locator("button").click()
        page.wait_for_load_state()
        assert "已记录：延期" in _alert(page)

        # A new key customer on Tuesday, closed the same week: the third outcome.
        with tenant_context(world.store_a):
            lead = services.reception_create(member=consultant, mobile="13955500006", name="李四", grade="H",
                                             models_of_interest="途观L").lead
            from crm.services.key_review import key_review_open_week

            key_review_open_week(store_id=world.store_a.pk)  # adds him to this week's list, no second notice
            services.lead_close_deal(member=consultant, lead=lead, vin="LSVAB2BRXMN000003", amount="26万")
        page.reload()
        li = page.locator(".key-item", has_text="李四")
        li.locator("select[name=outcome]").select_option("deal")
        li.locator("button").click()
        page.wait_for_load_state()
        assert "已记录：成交" in _alert(page)

        # The manager reads the figures: 3 key customers, 1 each → 成交率 1/3 = 33%, and coaches.
        sign_in_at_store(page, live_app, world, "a.sales_manager", "/key-customers/")
        row = page.locator("#review-stats tr[data-consultant='A销售顾问']")
        cells = [row.locator("td").nth(i).inner_text() for i in range(7)]
        assert cells == ["A销售顾问", "3", "1", "1", "1", "0", "33%"]
        card = page.locator(".consultant-week", has_text="A销售顾问")
        card.locator("textarea[name=comment]").fill("战败客户复盘报价，延期客户周三再邀约")
        card.locator("button", has_text="保存辅导意见").click()
        page.wait_for_load_state()
        assert "战败客户复盘报价" in page.locator(".coaching").inner_text()
        with page.expect_download() as download:
            page.click("text=导出Excel")
        assert download.value.suggested_filename == "重点客户周报-2026-10-19.xlsx"  # UTF-8 name, ASCII fallback
        page.screenshot(path="/tmp/sales-floor-review.png", full_page=True)


def test_receiving_a_colleagues_customer(page: Any, live_app: Any, world: World, sales_floor: None) -> None:
    from crm import services
    from tenants.models import StoreMembership

    owner = StoreMembership.objects.get(user=world.user("a.sales_consultant"), store=world.store_a)
    with time_machine.travel(MONDAY, tick=True):
        with tenant_context(world.store_a):
            customer = services.reception_create(member=owner, mobile="13955500001", name="陈先生", grade="A",
                                                 models_of_interest="帕萨特").customer
        # A week later he walks in and the colleague at the door takes him.
    with time_machine.travel(dt.datetime(2026, 10, 19, 10, 0, tzinfo=SH), tick=True):
        sign_in_at_store(page, live_app, world, "ab.sales_consultant", "/reception/")
        _receive(page, "13955500001", "陈", "H", "途观L")
        text = _alert(page)
        assert "撞单" in text and "A销售顾问" in text
        content = page.content()
        assert "陈先生" not in content and f"/customers/{customer.pk}/" not in content
        # Nothing of him anywhere the colleague looks; his file is not theirs.
        for path in ("/cadence/tasks/", "/leads/", "/today/", "/aftersales/notifications/"):
            page.goto(live_app.store_url(world.store_a, path))
            assert "陈先生" not in page.content(), path
        page.goto(live_app.store_url(world.store_a, f"/customers/{customer.pk}/"))
        assert "陈先生" not in page.content()

        # The owner is told and has tonight's call; the sales manager is told too.
        sign_in_at_store(page, live_app, world, "a.sales_consultant", "/aftersales/notifications/")
        assert "撞单：客户「陈先生」由两店顾问接待" in page.content()
        page.goto(live_app.store_url(world.store_a, "/cadence/tasks/"))
        # Two evening calls, both the owner's: tonight's (19 Oct, the colleague's reception) and last Monday's
        # (12 Oct, never made), which 我的任务 keeps in its overdue backlog.
        assert page.locator("tr", has_text="当晚回访").filter(has_text="陈先生").count() == 2
        sign_in_at_store(page, live_app, world, "a.sales_manager", "/aftersales/notifications/")
        assert "撞单：客户「陈先生」由两店顾问接待" in page.content()


def test_a_reception_form_error_keeps_every_typed_value(page: Any, live_app: Any, world: World,
                                                        sales_floor: None) -> None:
    with time_machine.travel(MONDAY, tick=True):
        sign_in_at_store(page, live_app, world, "a.sales_consultant", "/reception/")
        page.fill("#id_mobile", "1395550")
        page.fill("#id_name", "吴先生")
        page.select_option("#id_grade", "A")
        page.fill("#id_models_of_interest", "ID.4")
        page.fill("#id_visitors", "30")
        page.click("summary")
        page.fill("#id_budget", "20-25万")
        page.fill("#id_needs", "家用")
        page.click("#reception-form button")
        page.wait_for_load_state()
        errors = {e.get_attribute("data-field"): e.inner_text() for e in page.locator(".field-error").all()}
        assert set(errors) == {"mobile", "visitors"}
        assert "手机号" in errors["mobile"] and "1–20" in errors["visitors"]
        values = {f: page.input_value(f"#id_{f}") for f in ("mobile", "name", "models_of_interest", "visitors",
                                                             "budget", "needs")}
        assert values == {"mobile": "1395550", "name": "吴先生", "models_of_interest": "ID.4", "visitors": "30",
                          "budget": "20-25万", "needs": "家用"}
        assert page.input_value("#id_grade") == "A"
        assert re.search(r"/reception/$", page.url)
