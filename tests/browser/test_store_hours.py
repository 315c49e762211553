"""In a real browser: the GM sets the store's time zone and its hours with a lunch break from the store
menu; a mistake is shown at its field with what was typed kept; the saved hours drive the deadlines."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import schema_context

from tenants.models import Store
from tests.world import PASSWORD, World

pytestmark = pytest.mark.browser


def test_the_gm_sets_the_zone_and_a_lunch_break_from_the_menu(browser: Any, live_app: Any, world: World) -> None:
    with schema_context("public"):
        before = Store.objects.values("working_hours", "time_zone", "hours_confirmed_at").get(pk=world.store_a.pk)
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{live_app.base}/signin/")
        page.fill("#id_username", world.user("a.general_manager").mobile)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto(live_app.store_url(world.store_a, "/"))
        # The store menu: 经理工具 → 营业时间与时区.
        page.click("#nav-store_hours >> xpath=ancestor::li[contains(@class,'dropdown')]/a")
        page.click("#nav-store_hours")
        page.wait_for_url("**/store/hours/")
        assert "营业时间与时区" in page.inner_text("h1")
        page.fill("#id_time_zone", "Asia/Urumqi")
        page.check("#id_mon_open")
        page.fill("#id_mon_start", "08:30")
        page.fill("#id_mon_end", "18:00")
        # A lunch break that ends before it starts: refused at its field, everything typed kept.
        page.fill("#id_mon_lunch_start", "13:30")
        page.fill("#id_mon_lunch_end", "12:00")
        page.click("#hours-submit")
        row = page.locator("tr[data-day=mon]")
        assert "午休结束时间必须晚于开始时间" in row.inner_text()
        assert page.input_value("#id_mon_lunch_start") == "13:30" and page.input_value("#id_mon_lunch_end") == "12:00"
        assert page.input_value("#id_time_zone") == "Asia/Urumqi"
        # An unknown zone is refused at the zone field.
        page.fill("#id_mon_lunch_start", "12:00")
        page.fill("#id_mon_lunch_end", "13:30")
        page.fill("#id_time_zone", "Asia/Beijing")
        page.click("#hours-submit")
        assert "时区不正确" in page.locator("#hours-form").inner_text()
        assert page.input_value("#id_mon_lunch_start") == "12:00"
        page.fill("#id_time_zone", "Asia/Urumqi")
        page.click("#hours-submit")
        page.wait_for_url(lambda url: not url.endswith("/store/hours/"))
        assert "营业时间已保存" in page.content()
        with schema_context("public"):
            saved = Store.objects.get(pk=world.store_a.pk)
        assert saved.time_zone == "Asia/Urumqi"
        assert saved.working_hours["mon"] == ["08:30", "12:00", "13:30", "18:00"]
        # Back on the page: what was saved is shown.
        page.goto(live_app.store_url(world.store_a, "/store/hours/"))
        assert page.input_value("#id_time_zone") == "Asia/Urumqi"
        assert page.input_value("#id_mon_lunch_start") == "12:00" and page.input_value("#id_mon_lunch_end") == "13:30"
        # The customer service advisor has no such menu entry.
        cs = browser.new_context(locale="zh-CN").new_page()
        cs.goto(f"{live_app.base}/signin/")
        cs.fill("#id_username", world.user("a.customer_service").mobile)
        cs.fill("#id_password", PASSWORD)
        cs.click("button[type=submit]")
        cs.wait_for_load_state()
        cs.goto(live_app.store_url(world.store_a, "/"))
        assert cs.locator("#nav-store_hours").count() == 0
        cs.context.close()
    finally:
        context.close()
        with schema_context("public"):
            Store.objects.filter(pk=world.store_a.pk).update(**before)
