"""In a real browser: a new store gets its people in.

HQ onboards a store; its GM accepts, works through the first-day checklist and invites a consultant,
a customer-service advisor and a second consultant, who accept and land in the store; the first
consultant leaves with customers and open tasks and the colleague takes everything over; the
departed consultant's next request is refused. Then a forgotten password is reset with the code
from the log provider's output.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django_tenants.utils import tenant_context

from crm import services
from crm.models import Customer, FollowUpTask
from tenants.models import Store, StoreMembership, User
from tests.browser.conftest import sign_in
from tests.world import World

pytestmark = pytest.mark.browser

SLUG = "browser-staff"
MOBILES = {"gm": "13912345601", "leaver": "13912345602", "cs": "13912345603", "colleague": "13912345604"}
NEW_PASSWORD = "Lan-Hua-Jie-2026!"
NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _drop() -> None:
    for store in Store.objects.filter(slug=SLUG):
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{store.schema_name}" CASCADE')
        store.delete()
    User.objects.filter(mobile__in=MOBILES.values()).delete()


@pytest.fixture
def clean(live_app: Any) -> Iterator[None]:
    _drop()
    yield
    _drop()


def _accept(browser: Any, link: str, name: str) -> Any:
    """The invitee opens the link in their own browser, sets a password and lands in the store."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(link)
    page.fill("#id_name", name)
    page.fill("#id_password", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.click("button:has-text('接受邀请')")
    page.wait_for_url(re.compile(rf"{SLUG}\.localhost:\d+/$"))
    return page


def _invite(page: Any, name: str, mobile: str, role_label: str) -> str:
    page.fill("#id_name", name)
    page.fill("#id_mobile", mobile)
    page.select_option("#id_role", label=role_label)
    page.click("#invite-submit")
    page.wait_for_selector("#invite-link")
    return str(page.input_value("#invite-link"))


def test_a_new_store_gets_its_people_in_and_one_leaves(page: Any, browser: Any, live_app: Any, world: World,
                                                       clean: None, caplog: Any) -> None:
    with time_machine.travel(NOW, tick=True):
        # HQ onboards the store and copies the GM's one-time link.
        sign_in(page, live_app, world.user("x.hq_admin").email)
        page.wait_for_url(re.compile(r"/hq/"))
        page.click("#add-store")
        page.fill("#id_name", "宁波北仑大众4S店")
        page.fill("#id_slug", SLUG)
        page.fill("#id_city", "宁波")
        page.fill("#id_gm_name", "陈经理")
        page.fill("#id_gm_mobile", "139 1234 5601")
        page.click("button[type=submit]")
        page.wait_for_selector("#invite-url")
        gm_link = page.input_value("#invite-url")

        # The GM accepts and sees the first-day checklist: the group's policy is already in force.
        gm = _accept(browser, gm_link, "陈经理")
        checklist = gm.locator("#first-day")
        assert checklist.locator("[data-item=policy]").get_attribute("data-done") == "1"
        assert checklist.locator("[data-item=hours]").get_attribute("data-done") == "0"
        gm.click("#first-day >> text=确认营业时间")
        gm.uncheck("#id_sun_open")  # closed on Sundays
        gm.click("#hours-submit")
        gm.wait_for_url(re.compile(rf"{SLUG}\.localhost:\d+/$"))
        assert gm.locator("[data-item=hours]").get_attribute("data-done") == "1"

        # 员工管理: a bad number is shown at its field and the name is kept; then three invitations.
        gm.click("#nav-staff")
        gm.fill("#id_name", "李顾问")
        gm.fill("#id_mobile", "1391234")
        gm.click("#invite-submit")
        assert "手机号格式不正确" in gm.content() and gm.input_value("#id_name") == "李顾问"
        leaver_link = _invite(gm, "李顾问", "139 1234 5602", "销售顾问")
        cs_link = _invite(gm, "周客服", "13912345603", "客服专员")
        colleague_link = _invite(gm, "王顾问", "+86 13912345604", "销售顾问")
        assert gm.locator("#invitation-table").inner_text().count("待接受") == 3

        leaver = _accept(browser, leaver_link, "李顾问")
        cs = _accept(browser, cs_link, "周客服")
        colleague = _accept(browser, colleague_link, "王顾问")
        for p in (leaver, cs, colleague):
            assert p.locator("h1").first.inner_text() == "宁波北仑大众4S店"

        # The leaver has two customers (walk-ins) and open follow-up tasks.
        store = Store.objects.get(slug=SLUG)
        leaver_m = StoreMembership.objects.get(store=store, user__mobile=MOBILES["leaver"])
        with tenant_context(store):
            for i in (1, 2):
                r = services.reception_create(member=leaver_m, mobile=f"1386666000{i}", name=f"客户{i}", grade="H",
                                              models_of_interest="途观L")
                FollowUpTask.objects.create(customer=r.customer, rule_key="h-weekly", rule_name="H级每周跟进",
                                            trigger="lead", channel="call", event_date=NOW.date(),
                                            due_date=NOW.date(), assignee_id=leaver_m.user_id,
                                            policy_version_id=1, policy_version_number=1)
            first_customer = Customer.objects.get(mobile="13866660001")
        leaver.goto(live_app.store_url(store, f"/customers/{first_customer.pk}/"))
        assert "客户1" in leaver.content()

        # 离职交接: no successor is refused; the colleague takes everything over.
        gm.goto(live_app.store_url(store, "/staff/"))
        gm.click(f"tr[data-member='{MOBILES['leaver']}'] >> text=停用（离职交接）")
        assert "客户：2" in gm.locator("#owned-work").inner_text()
        gm.click("#deactivate-submit")
        assert "请选择接手的同事" in gm.content()
        gm.select_option("#id_successor", label="王顾问 · 销售顾问")
        gm.click("#deactivate-submit")
        gm.wait_for_url(re.compile(r"/staff/$"))
        # 2 customers + 2 open leads (one per walk-in) + 2 open tasks moved.
        assert "客户 2" in gm.content() and "跟进中线索 2" in gm.content() and "待办跟进任务 2" in gm.content()
        assert "离职交接" in gm.locator("#account-events").inner_text()

        # The departed consultant's next request is refused: the session ended, and signing in again
        # does not let them back into the store.
        leaver.goto(live_app.store_url(store, f"/customers/{first_customer.pk}/"))
        assert leaver.url.startswith(f"{live_app.base}/signin/")
        sign_in(leaver, live_app, MOBILES["leaver"], NEW_PASSWORD)
        leaver.goto(live_app.store_url(store, f"/customers/{first_customer.pk}/"))
        assert "客户1" not in leaver.content() and not leaver.url.startswith(live_app.store_url(store))

        # The colleague now has the customer.
        colleague.goto(live_app.store_url(store, f"/customers/{first_customer.pk}/"))
        assert "客户1" in colleague.content()

        # The customer-service advisor forgot the password (on the showroom PC, not signed in there):
        # the code comes from the log provider's output.
        cs = browser.new_context(locale="zh-CN").new_page()
        cs.set_default_timeout(15000)
        with caplog.at_level("INFO", logger="tenants.messaging"):
            cs.goto(f"{live_app.base}/signin/")
            cs.click("#forgot-link")
            cs.fill("#id_login", "139 1234 5603")
            cs.click("button[type=submit]")
            cs.wait_for_url(re.compile(r"/password/reset/"))
            code = re.findall(r"验证码是 (\d{6})", caplog.text)[-1]
        cs.fill("#id_code", "000000" if code != "000000" else "111111")
        cs.fill("#id_password", "Another-Pass-2026!")
        cs.fill("#id_password2", "Another-Pass-2026!")
        cs.click("button[type=submit]")
        assert "验证码不正确或已过期" in cs.content()
        cs.fill("#id_code", code)
        cs.fill("#id_password", "Another-Pass-2026!")
        cs.fill("#id_password2", "Another-Pass-2026!")
        cs.click("button[type=submit]")
        cs.wait_for_url(re.compile(r"/signin/"))
        sign_in(cs, live_app, MOBILES["cs"], "Another-Pass-2026!")
        cs.wait_for_url(re.compile(rf"{SLUG}\.localhost:\d+/$"))
        gm.screenshot(path="/tmp/staff-page.png", full_page=True)
