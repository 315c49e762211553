"""问卷链接 in a real browser, the customer on a phone-size screen (390×844), the store's clock pinned:

customer service sends the survey link from the call screen (待客户填写) → the customer opens the link
from the SMS on a phone, answers (a "no" with its reason), sees the thank-you page → opening the link
again is refused → the service manager finds the complaint draft with its first deadline half a working
day later.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tenants.utils import tenant_context

from crm.models import Customer
from crm.models.aftersales import Complaint, ReturnVisit, SurveyInvitation
from tenants.models import Store, StoreMembership
from tests.browser.conftest import new_page, sign_in_at_store
from tests.browser.test_return_visits import eager_cadence, rv_store  # noqa: F401 - fixtures
from tests.crm.aftersales.conftest import return_visit
from tests.world import World

pytestmark = pytest.mark.browser
TZ = ZoneInfo("Asia/Shanghai")
# Wednesday 2 December 2026, 10:00 in the store (hours 08:30–18:00).
WED = dt.datetime(2026, 12, 2, 10, 0, tzinfo=TZ)


def test_a_customer_answers_the_survey_on_a_phone(browser: Any, live_app: Any, world: World,
                                                  rv_store: Store) -> None:  # noqa: F811
    StoreMembership.objects.create(user=world.user("a.service_manager"), store=rv_store, role="service_manager")
    with tenant_context(rv_store):
        owner = Customer.objects.get(name="王建国")
        visit = return_visit(c=owner, due=WED.date())
    clock = time_machine.travel(WED, tick=True)
    clock.start()
    try:
        cs = sign_in_at_store(new_page(browser), live_app, world, "a.customer_service", f"/aftersales/visits/{visit.pk}/", store=rv_store)
        cs.click("#send-survey-link")
        cs.wait_for_selector("#survey-waiting")
        assert "待客户填写" in cs.inner_text("#survey-link")
        cs.context.close()
        with tenant_context(rv_store):
            inv = SurveyInvitation.objects.select_related("outbox").get(visit_id=visit.pk)
            assert inv.outbox is not None
            link = re.search(r"https?://\S+/s/[^/\s]+/", inv.outbox.body)
        assert link is not None and link.group(0).startswith(live_app.store_url(rv_store, "/s/"))

        phone_ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                        has_touch=True, device_scale_factor=3)
        phone = phone_ctx.new_page()
        phone.set_default_timeout(15000)
        phone.goto(link.group(0))
        assert phone.inner_text("h1") == "服务满意度问卷"
        # One column on the phone: nothing wider than the screen.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.click("label[for=person_owner]")
        for key in ("overall", "on_time", "explained", "clean", "reception", "recommend"):
            phone.click(f"label[for=q_{key}_yes]")
        phone.click("label[for=q_fixed_no]")
        phone.fill("#remark_fixed", "异响还在")
        phone.click("label[for=q_score_3]")
        phone.click("#survey-submit")
        phone.wait_for_url(re.compile(r"/s/thanks/$"))
        assert "感谢您的反馈" in phone.inner_text("#survey-thanks")
        phone.goto(link.group(0))
        assert "问卷已提交" in phone.inner_text("#survey-refused")
        phone_ctx.close()

        with tenant_context(rv_store):
            done = ReturnVisit.objects.get(pk=visit.pk)
            assert (done.status, done.answered_via, done.satisfied) == ("completed", "web", False)
            draft = Complaint.objects.get(return_visit_id=visit.pk)
            first = draft.deadlines.get(step=1).due_at
        # Answered about 10:00: half a working day (4.75 h) later is about 14:45 the same day.
        assert draft.state == "draft" and "异响还在" in draft.description
        assert first - draft.reported_at == dt.timedelta(hours=4, minutes=45)
        sm = sign_in_at_store(new_page(browser), live_app, world, "a.service_manager", "/aftersales/complaints/?state=draft", store=rv_store)
        assert draft.code in sm.content()
        sm.goto(live_app.store_url(rv_store, f"/aftersales/complaints/{draft.pk}/"))
        assert "异响还在" in sm.content()
        sm.context.close()
    finally:
        clock.stop()
