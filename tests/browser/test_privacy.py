"""In a real browser: a consultant opens a customer, sees 138****8000, clicks 显示号码 and sees the full number;
the GM opens 个人信息访问记录 and finds that reveal with the consultant's name, the field and the time in
store time."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tenants.utils import tenant_context

from crm import services
from crm.models import Customer, PersonalDataAccess
from tenants.models import StoreMembership
from tests.browser.conftest import sign_in
from tests.world import World

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
MOBILE = "13800138000"


def _forget(world: World) -> None:
    with tenant_context(world.store_a):
        ids = list(Customer.objects.filter(mobile=MOBILE).values_list("pk", flat=True))
        PersonalDataAccess.objects.filter(customer_ids__overlap=ids).delete()
        Customer.objects.filter(pk__in=ids).delete()


@pytest.fixture
def committed(world: World) -> Iterator[None]:
    _forget(world)
    yield
    _forget(world)


def test_a_consultant_reveals_a_number_and_the_gm_sees_it_in_the_log(page: Any, live_app: Any, world: World,
                                                                    committed: None) -> None:
    consultant = world.user("a.sales_consultant")
    with tenant_context(world.store_a):
        member = StoreMembership.objects.select_related("user").get(user=consultant, store=world.store_a)
        customer = services.customer_create(member=member, name="周隐私", mobile=MOBILE)
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 30, tzinfo=SHANGHAI), tick=True):
        sign_in(page, live_app, consultant.mobile)
        page.goto(live_app.store_url(world.store_a, f"/customers/{customer.pk}/"))
        phone = page.locator("#customer-mobile")
        assert phone.inner_text().startswith("138****8000")
        assert MOBILE not in page.content() and "138 0013 8000" not in page.content()
        phone.get_by_role("button", name="显示号码").click()
        page.wait_for_selector("#customer-mobile .revealed")
        assert "138 0013 8000" in phone.inner_text()
        assert phone.locator("a[href^='tel:']").get_attribute("href") == f"tel:{MOBILE}"

        page.context.clear_cookies()
        sign_in(page, live_app, world.user("a.general_manager").mobile)
        page.goto(live_app.store_url(world.store_a, "/customers/"))
        page.locator("li.dropdown", has=page.locator("#nav-access_log")).locator(".dropdown-toggle").click()
        page.locator("#nav-access_log").click()
        page.wait_for_url(re.compile(r"/privacy/access-log/"))
        page.select_option("#id_action", "reveal")
        page.click("#access-log-filter button")
        page.wait_for_url(re.compile(r"action=reveal"))
        row = page.locator("#access-log tbody tr").first
        text = row.inner_text()
        assert consultant.name in text and "显示号码" in text and "手机号" in text and "周隐私" in text
        assert "2026年12月7日 09:3" in text  # store time (01:3x UTC)
        page.screenshot(path="/tmp/access-log.png", full_page=True)
