"""In a real browser, as a consultant and their sales manager work a platform lead (issue 18): the lead
arrives through the push API at 10:00 on a working Monday (store time), the consultant sees it in the
inbox with 18 working minutes left at 10:12, claims it, makes a call that does not count (no answer),
then reaches the customer at 10:20 — the first response, 20 working minutes after receipt, within the
30-minute deadline; the manager reads it on the first-response page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.request
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
MONDAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)  # a working Monday, away from other tests' weeks
MOBILE = "13966600001"


def _cleanup(world: World) -> None:
    from crm.models import ConsultantDuty, Customer
    from crm.models.aftersales import Notification

    with tenant_context(world.store_a):
        Customer.objects.filter(mobile=MOBILE).delete()  # its leads, intakes and follow-ups go with it
        Notification.objects.filter(kind="lead_sla").delete()
        ConsultantDuty.objects.all().delete()  # the round-robin's turns the push wrote


@pytest.fixture
def clean(live_app: Any, world: World) -> Iterator[None]:
    _cleanup(world)
    yield
    _cleanup(world)


def _alert(page: Any) -> str:
    return str(page.locator(".alert").first.inner_text())


def test_a_consultant_claims_and_answers_a_platform_lead_in_time(page: Any, live_app: Any, world: World,
                                                                 clean: None) -> None:
    from crm.models import Customer, Lead
    from tenants.services.accounts import api_token_issue

    consultant = world.user("a.sales_consultant")
    with time_machine.travel(MONDAY, tick=False) as clock:
        # 汽车之家 pushes the lead to store A with the store's API token (the real endpoint).
        _, key = api_token_issue(user=world.user("a.sales_manager"), store=world.store_a, name="autohome")
        body = json.dumps({"leads": [{"source": "autohome", "source_lead_id": "AH-BROWSER-1",
                                      "mobile": "139 6660 0001", "name": "钱先生", "campaign": "双十二团购",
                                      "model_of_interest": "ID.4"}]}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{live_app.port}/api/leads/intake/", data=body, headers={
            "Host": f"{world.store_a.slug}.localhost:{live_app.port}", "Authorization": f"Bearer {key}",
            "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the local live server
            assert response.status == 200 and json.loads(response.read())["accepted"] == 1
        with tenant_context(world.store_a):  # routed round-robin; this test follows a.sales_consultant
            lead = Lead.objects.get(source_lead_id="AH-BROWSER-1")
            Lead.objects.filter(pk=lead.pk).update(consultant_id=consultant.pk)
            Customer.objects.filter(pk=lead.customer_id).update(consultant_id=consultant.pk)

        # 10:12: the lead is in the consultant's inbox, due 10:30, 18 working minutes left.
        clock.move_to(MONDAY.replace(minute=12))
        sign_in_at_store(page, live_app, world, "a.sales_consultant", "/leads/inbox/")
        assert page.locator("#nav-lead_inbox").count() == 1  # in the store menu
        row = page.locator(f"#lead-{lead.pk}")
        text = row.inner_text()
        assert "钱先生" in text and "汽车之家" in text and "11-23 10:30" in text and "剩余 18 分钟" in text

        row.locator("button.claim").click()
        page.wait_for_load_state()
        assert "已认领：钱先生" in _alert(page)
        assert "已认领" in page.locator(f"#lead-{lead.pk}").inner_text()

        # 10:15: no answer — logged, but the clock keeps running.
        clock.move_to(MONDAY.replace(minute=15))
        page.locator(f"#lead-{lead.pk} a.contact").click()
        page.wait_for_load_state()
        page.select_option("#id_outcome", "no_answer")
        page.fill("#id_content", "未接，稍后再拨")
        page.click("#contact-form button")
        page.wait_for_load_state()
        assert "未接通不算首次联系" in _alert(page)
        assert "剩余 15 分钟" in page.locator(f"#lead-{lead.pk}").inner_text()

        # 10:20: reached. A missing content first: the error at its field, the choices kept.
        clock.move_to(MONDAY.replace(minute=20))
        page.locator(f"#lead-{lead.pk} a.contact").click()
        page.wait_for_load_state()
        page.select_option("#id_outcome", "talked")
        page.click("#contact-form button")
        page.wait_for_load_state()
        assert "请填写沟通内容" in page.locator(".field-error[data-field=content]").inner_text()
        assert page.locator("#id_outcome").input_value() == "talked"
        page.fill("#id_content", "客户周六到店看车，已发定位")
        page.click("#contact-form button")
        page.wait_for_load_state()
        assert "已记录首次联系：钱先生" in _alert(page)
        assert page.locator(f"#lead-{lead.pk}").count() == 0
        assert "没有等待首次联系的线索" in page.locator("#my-leads").inner_text()

        # The sales manager: 汽车之家 — 1 received, 1 contacted, median 20 working minutes, 100 % in time.
        sign_in_at_store(page, live_app, world, "a.sales_manager", "/leads/response/")
        cells = page.locator("#response-autohome td").all_inner_texts()
        assert cells == ["汽车之家", "1", "1", "20.0", "100.0%"]
        assert re.search(r"时限 30 个工作分钟", page.locator("main").inner_text())
