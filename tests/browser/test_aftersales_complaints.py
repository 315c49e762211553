"""In a real browser, on the store's clock (Asia/Shanghai, pinned with time-machine): a complaint from
intake to closing with the deadlines the GM sees, a corrective action sent back, corrected, approved
and done with everyone notified, and the monthly return-visit report on known data (handbooks 002, 003).

The live server commits what it writes, so every row these tests add to store A (and group X's
policies, if they made them) is removed afterwards.
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

from tests.browser.conftest import new_page, sign_in_at_store
from tests.world import World

pytestmark = pytest.mark.browser
SH = ZoneInfo("Asia/Shanghai")
MOBILE = "13912340354"

_CLEANED = ("Notification", "CorrectiveAction", "Complaint", "SurveyAnswer", "ReturnVisitCall", "ReturnVisit",
            "ServiceVisit", "Vehicle", "Customer")


@pytest.fixture
def store_a_policies(live_app: Any, world: World) -> Iterator[None]:
    """Group X's starter templates in force at store A; after the test, every row it added to store A is
    removed, and the group's templates too if this test created them."""
    import crm.models as crm_models
    from crm.models import aftersales as am
    from hq.models import PolicyTemplate, PolicyVersion, StorePolicyAdoption
    from hq.services.policies import group_policy_bootstrap, store_policy_adopt_current

    def model(name: str) -> Any:
        return getattr(am, name, None) or getattr(crm_models, name)

    had_templates = PolicyTemplate.objects.filter(group=world.group_x).exists()
    had_adoption = StorePolicyAdoption.objects.filter(store=world.store_a).exists()
    group_policy_bootstrap(group=world.group_x)
    store_policy_adopt_current(store=world.store_a)
    with tenant_context(world.store_a):
        before = {name: (model(name).objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
                  for name in _CLEANED}
    yield
    with tenant_context(world.store_a):
        for name in _CLEANED:
            model(name).objects.filter(pk__gt=before[name]).delete()
    if not had_adoption:
        StorePolicyAdoption.objects.filter(store=world.store_a).delete()
    if not had_templates:
        StorePolicyAdoption.objects.filter(group_id=world.group_x.pk).delete()
        PolicyVersion.objects.filter(template__group=world.group_x).delete()
        PolicyTemplate.objects.filter(group=world.group_x).delete()


def _move(page: Any, key: str, fill: dict[str, str] | None = None, check: str = "", select: dict[str, str] | None = None
          ) -> None:
    form = page.locator(f"#move-{key}")
    for name, value in (fill or {}).items():
        form.locator(f"[name={name}]").fill(value)
    for name, value in (select or {}).items():
        form.locator(f"select[name={name}]").select_option(value)
    if check:
        form.locator(f"[name={check}]").check()
    form.locator("button").click()
    page.wait_for_load_state()


def test_a_complaint_before_opening_is_handled_on_the_store_clock(browser: Any, live_app: Any, world: World,
                                                                  store_a_policies: None) -> None:
    from crm.models import Customer

    with tenant_context(world.store_a):
        Customer.objects.create(name="王建国", mobile=MOBILE, gender="m")
    # Wednesday 2026-11-25 03:54 in Shanghai, before the 08:30 opening (store hours 08:30–18:00).
    with time_machine.travel(dt.datetime(2026, 11, 25, 3, 54, tzinfo=SH), tick=True):
        cs = sign_in_at_store(new_page(browser), live_app, world, "a.customer_service")
        cs.goto(live_app.store_url(world.store_a, f"/aftersales/complaints/new/?mobile={MOBILE}"))
        cs.select_option("#channel", "phone")
        cs.fill("#description", "保养后发动机舱有异响")
        cs.fill("#expected_resolution", "免费检修并说明原因")
        cs.fill("#contact_phone", MOBILE)
        cs.check("#read_back_confirmed")
        cs.click("#complaint-form button.btn-primary")
        cs.wait_for_url(re.compile(r"/aftersales/complaints/\d+/$"))
        deadlines = cs.locator("#deadlines").inner_text()
        # Half a working day counts from the 08:30 opening: 08:30 + 4 h 45 (half of 9 h 30) = 13:15.
        assert "截止 2026年11月25日 13:15" in deadlines
        # One working day: the next working day at the same working-time point, Thursday 08:30.
        assert "截止 2026年11月26日 08:30" in deadlines
        # Customer service apologises and promises a reply time: the manager's step is still open.
        _move(cs, "acknowledge", fill={"reply_promised_at": "2026-11-25T15:00"}, check="apologised")
        assert "已致歉并承诺回复" in cs.content()
        assert "完成" not in cs.locator("#deadlines tr").nth(1).inner_text()
        assert "reply" not in [cs.locator("#next-steps form input[name=action]").nth(i).get_attribute("value")
                               for i in range(cs.locator("#next-steps form input[name=action]").count())]
        complaint_url = cs.url
        code = re.search(r"TS\d{6}", cs.content())
        assert code is not None

        # Moments later (the clock ticks on from 03:54) the GM sees the complaint, its deadlines, time left.
        gm = sign_in_at_store(new_page(browser), live_app, world, "a.general_manager")
        gm.goto(live_app.store_url(world.store_a, "/aftersales/gm/"))
        rows = gm.locator(f"#open-complaints tr[data-complaint={code[0]}]")
        assert rows.count() == 3
        assert "2026年11月25日 13:15" in rows.nth(0).inner_text() and "已完成" in rows.nth(0).inner_text()
        reply_row = rows.nth(1).inner_text()
        # 03:54 now → Thursday 08:30 is working time: all of Wednesday's 08:30–18:00 (the store is not open
        # yet) = 9 h 30, not the 28 h 36 min on the clock.
        assert "2026年11月26日 08:30" in reply_row and "剩余 9 小时 30 分" in reply_row
        # The GM was sent the complaint form: the bell shows it unread.
        assert gm.locator("#nav-unread").inner_text() == "1"
        gm.screenshot(path="/tmp/aftersales-gm.png", full_page=True)

        # The service manager investigates and records the reply to the customer.
        sm = sign_in_at_store(new_page(browser), live_app, world, "a.service_manager")
        sm.goto(complaint_url)
        _move(sm, "investigate", fill={"departments": "售后、车间"})
        _move(sm, "reply", fill={"note": "查明为隔热罩松动，已约客户明天免费紧固"})
        assert "完成" in sm.locator("#deadlines tr").nth(1).inner_text()
        _move(sm, "name_cause", fill={"responsible_party": "车间", "cause_detail": "隔热罩卡扣未装好"},
              select={"cause_category": "service_process"})
        _move(sm, "propose", fill={"solution": "免费紧固隔热罩并赠送一次检测"})
        _move(sm, "agree")
        _move(sm, "carry_out", fill={"note": "已紧固，试车无异响"})
        # Closing needs the customer's satisfaction: without it nothing is written.
        _move(sm, "close")
        assert "结案前请记录客户对处理结果的满意度" in sm.content()
        _move(sm, "close", select={"satisfaction": "satisfied"})
        assert sm.locator("#satisfaction").inner_text().startswith("满意")
        assert "已结案" in sm.content()
        # Closed: it leaves the GM's list of open complaints.
        gm.goto(live_app.store_url(world.store_a, "/aftersales/gm/"))
        assert gm.locator(f"#open-complaints tr[data-complaint={code[0]}]").count() == 0


def test_a_measure_sent_back_corrected_approved_and_done(browser: Any, live_app: Any, world: World,
                                                         store_a_policies: None) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, tzinfo=SH), tick=True):
        sm = sign_in_at_store(new_page(browser), live_app, world, "a.service_manager")
        sm.goto(live_app.store_url(world.store_a, "/aftersales/actions/?month=2026-11"))
        sm.fill("#description", "交车前增加洗车检查")
        sm.select_option("#owner_id", str(world.user("a.service_advisor").pk))
        sm.fill("#deadline", "2026-12-10")
        sm.click("#action-form button")
        sm.wait_for_load_state()
        assert "措施已提交" in sm.content()

        gm = sign_in_at_store(new_page(browser), live_app, world, "a.general_manager")
        gm.goto(live_app.store_url(world.store_a, "/aftersales/gm/"))
        review = gm.locator("#to-approve li", has_text="交车前增加洗车检查").locator("form.review-form")
        review.locator("button", has_text="退回修改").click()  # no comment: refused
        gm.wait_for_load_state()
        assert "退回时请写明需要修改的地方" in gm.content()
        review = gm.locator("#to-approve li", has_text="交车前增加洗车检查").locator("form.review-form")
        review.locator("[name=comment]").fill("请写明检查哪些位置、由谁签字")
        review.locator("button", has_text="退回修改").click()
        gm.wait_for_load_state()
        assert "已退回修改" in gm.content()

        # The owner sees the notice in the bell, follows it to their measures and corrects it.
        adv = sign_in_at_store(new_page(browser), live_app, world, "a.service_advisor")
        assert adv.locator("#nav-unread").inner_text() == "1"
        adv.click("#nav-notifications")
        adv.locator("#notifications a", has_text="被退回修改").click()
        adv.wait_for_url(re.compile(r"/aftersales/actions/mine/"))
        card = adv.locator(".card", has_text="请写明检查哪些位置、由谁签字")
        card.locator("[name=description]").fill("交车前由服务顾问检查座椅、脚垫、方向盘并签字")
        card.locator("button", has_text="修改后重新提交").click()
        adv.wait_for_load_state()
        assert "已修改并重新提交审批" in adv.content()

        gm.goto(live_app.store_url(world.store_a, "/aftersales/gm/"))
        review = gm.locator("#to-approve li", has_text="座椅、脚垫、方向盘").locator("form.review-form")
        review.locator("[name=comment]").fill("同意，12月10日前完成")
        review.locator("button", has_text="批准").click()
        gm.wait_for_load_state()
        assert "已批准" in gm.content()

        adv.goto(live_app.store_url(world.store_a, "/aftersales/actions/mine/"))
        assert adv.locator("#nav-unread").inner_text() == "2"  # sent back, approved
        card = adv.locator(".card", has_text="座椅、脚垫、方向盘")
        card.locator("[name=result]").fill("已执行两周，交车抽查全部合格")
        card.locator("[name=evidence]").fill("交车检查表 12-01 至 12-14")
        card.locator("button", has_text="填报完成").click()
        adv.wait_for_load_state()
        assert "已填报完成情况" in adv.content()

        # The GM is told it is done.
        gm.goto(live_app.store_url(world.store_a, "/aftersales/notifications/"))
        assert "整改措施已完成：交车前由服务顾问检查座椅" in gm.locator("#notifications").inner_text()
        assert int(gm.locator("#nav-unread").inner_text()) >= 1


def test_the_monthly_report_page_on_known_data(browser: Any, live_app: Any, world: World,
                                               store_a_policies: None) -> None:
    from crm.aftersales.visits import return_visit_record
    from tenants.models import StoreMembership
    from tests.crm.aftersales.conftest import all_yes, return_visit

    with time_machine.travel(dt.datetime(2026, 11, 23, 14, 0, tzinfo=SH), tick=False), \
            tenant_context(world.store_a):
        cs = StoreMembership.objects.get(user=world.user("a.customer_service"), store=world.store_a)
        v1 = return_visit(due=dt.date(2026, 11, 3))
        return_visit_record(member=cs, visit=v1, outcome="completed", person_called="owner", answers=all_yes())
        v2 = return_visit(due=dt.date(2026, 11, 5))
        return_visit_record(member=cs, visit=v2, outcome="completed", person_called="served",
                            answers=all_yes(clean={"value": "no", "remark": "车内有油污"},
                                            score={"value": 3, "remark": "一般"}))
        v3 = return_visit(due=dt.date(2026, 11, 10), subject="delivery")
        return_visit_record(member=cs, visit=v3, outcome="completed", person_called="owner",
                            answers={"overall": {"value": "yes"}, "clean": {"value": "no", "remark": "没洗车"}})
        v4 = return_visit(due=dt.date(2026, 11, 12))
        return_visit_record(member=cs, visit=v4, outcome="no_answer")
        return_visit(due=dt.date(2026, 11, 20))
    with time_machine.travel(dt.datetime(2026, 11, 30, 17, 0, tzinfo=SH), tick=True):
        page = sign_in_at_store(new_page(browser), live_app, world, "a.customer_service")
        page.goto(live_app.store_url(world.store_a, "/aftersales/report/?month=2026-11"))
        text = page.locator("main").inner_text()
        assert "回访月报 · 2026年11月" in text
        rows = {r.locator("td").nth(0).inner_text().strip(): r.locator("td").nth(1).inner_text().strip()
                for r in page.locator("#report-summary tr").all()}
        # 5 due (v1–v5); 4 called (v1–v4) = 80.0 %; 3 completed = 60.0 %.
        assert rows["本期应回访数量"] == "5" and rows["实施回访数量"] == "4"
        assert rows["实施回访百分比(实施/应回访)"] == "80.0%" and rows["成功回访数量"] == "3"
        assert rows["成功回访百分比(成功/应回访)"] == "60.0%"
        # Last repair: the 1–5 score after service, v1 5 (satisfied, ≥ 4) and v2 3 (not) → 50.0 %.
        assert rows["对上次维修的满意度"] == "50.0%"
        # Overall: the "overall" question, yes in v1, v2, v3 → 100.0 %.
        assert rows["回访总体满意度"] == "100.0%"
        # Per question: 交车时车辆是否清洁 yes / no / no → 33.3 %.
        assert "33.3" in page.locator("tr", has_text="交车时车辆是否清洁").first.inner_text()
