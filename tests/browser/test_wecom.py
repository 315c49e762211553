"""In a real browser: HQ switches WeCom on, the GM gives the service manager a 企业微信账号, and an escalated
complaint reaches the service manager both as a WeCom card (at a local WeCom server) and as an in-app notice.

The HQ admin of group X enters the corp id, agent id and Secret on 短信设置 (the Secret comes back only masked)
and sends a test message; the GM of store A types a malformed userid (refused at the field, the typed text
kept), then a good one. A complaint received Friday 16:00 misses its 回复客户 deadline (Monday 16:00: one
working day on 08:30–18:00); the 17:00 sweep escalates it to the service manager.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django_tenants.utils import tenant_context

from hq.models import WeComAccount
from tenants.models import StoreMembership
from tests.browser.conftest import new_page, sign_in
from tests.browser.test_aftersales_complaints import store_a_policies  # noqa: F401 - cleans store A afterwards
from tests.vendors.wecom_server import WeComPeer
from tests.world import World

pytestmark = pytest.mark.browser
SH = ZoneInfo("Asia/Shanghai")
CORP_ID, AGENT_ID, SECRET = "ww00aa11bb22cc33dd", 1000005, "BrowserWeComSecret-never-shown-0123456789"
USERID = "zhang.sm"


def _drop(world: World) -> None:
    WeComAccount.objects.filter(group=world.group_x).delete()
    StoreMembership.objects.filter(store=world.store_a).update(wecom_userid="")
    cache.clear()


@pytest.fixture
def peer(live_app: Any, world: World) -> Iterator[WeComPeer]:
    _drop(world)
    wecom = WeComPeer(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID, users={USERID, "li.gm"})
    server = wecom.start()
    yield wecom
    server.close()
    _drop(world)


def _sign_in(browser: Any, live_app: Any, world: World, key: str) -> Any:
    return sign_in(new_page(browser), live_app, world.user(key).mobile)


@pytest.mark.usefixtures("store_a_policies")
def test_hq_switches_wecom_on_and_an_escalated_complaint_reaches_the_service_manager(
        browser: Any, live_app: Any, world: World, peer: WeComPeer) -> None:
    from crm.aftersales.complaints import complaint_sla_sweep
    from crm.cadence.outbox import outbox_dispatch
    from tests.conftest import wait_for
    from tests.crm.aftersales.conftest import submitted_complaint

    hq = _sign_in(browser, live_app, world, "x.hq_admin")
    hq.goto(f"{live_app.base}/hq/sms/")
    assert "尚未配置：投诉升级" in hq.inner_text("#wecom-account")
    hq.fill("#id_wecom-corp_id", CORP_ID)
    hq.fill("#id_wecom-agent_id", str(AGENT_ID))
    hq.fill("#id_wecom-secret", SECRET)
    hq.fill("#id_wecom-api_base", peer.api_base)
    hq.check("#id_wecom-is_active")
    hq.click("#wecom-account-form button")
    hq.wait_for_load_state()
    assert hq.inner_text("#wecom-secret-masked") == "Brow****6789"
    assert SECRET not in hq.content() and hq.locator("#wecom-on").count() == 1
    # 发送测试消息 to the GM's WeCom account: it arrives at the local WeCom server.
    hq.fill("#id_wecomtest-userid", "li.gm")
    hq.click("#wecom-test-form button")
    hq.wait_for_load_state()
    assert "测试消息已发送到 li.gm" in hq.content()
    assert [(d["touser"], d["msgtype"]) for d in peer.delivered] == [("li.gm", "text")]

    gm = _sign_in(browser, live_app, world, "a.general_manager")
    gm.goto(live_app.store_url(world.store_a, "/staff/"))
    sm = StoreMembership.objects.get(store=world.store_a, user=world.user("a.service_manager"))
    row = f"form[data-wecom-member='{sm.pk}']"
    gm.fill(f"{row} input[name=wecom_userid]", "张 三")
    gm.click(f"{row} button")
    gm.wait_for_load_state()
    assert "只能包含字母、数字和 _-@." in gm.inner_text("[data-field=wecom_userid]")
    assert gm.input_value(f"{row} input[name=wecom_userid]") == "张 三"
    gm.fill(f"{row} input[name=wecom_userid]", USERID)
    gm.click(f"{row} button")
    gm.wait_for_load_state()
    assert "企业微信账号已保存" in gm.content()
    assert gm.input_value(f"{row} input[name=wecom_userid]") == USERID

    # Friday 16:00 complaint; Monday 17:00 the sweep finds 回复客户 (due Monday 16:00) missed.
    friday = dt.datetime(2026, 11, 20, 16, 0, tzinfo=SH)
    monday = dt.datetime(2026, 11, 23, 17, 0, tzinfo=SH)
    with time_machine.travel(monday, tick=False), tenant_context(world.store_a):
        cs = StoreMembership.objects.select_related("user", "store").get(
            store=world.store_a, user=world.user("a.customer_service"))
        complaint = submitted_complaint(cs, reported_at=friday)
        assert complaint_sla_sweep(now=monday).notified == 1
        outbox_dispatch(now=monday)
    title = f"投诉 {complaint.code} 超时升级：经理调查并回复客户（时限 1 个工作日）"
    # The commit also kicks the store's outbox on a worker; whichever sends a card, it is sent once.
    wait_for(lambda: len([d for d in peer.delivered if d["touser"] == USERID]) >= 2, timeout=30,
             what="both cards at WeCom")
    cards = [d for d in peer.delivered if d["touser"] == USERID]
    # The complaint form (the service manager is copied) and its escalation, each once (in either order:
    # the worker and this test's dispatch may share them out).
    assert sorted((c["msgtype"], c["title"]) for c in cards) == sorted([
        ("textcard", f"投诉处理表 {complaint.code}：电话投诉待处理"), ("textcard", title)])
    [escalation] = [c for c in cards if c["title"] == title]
    assert escalation["url"].startswith(live_app.store_url(world.store_a, "/aftersales/notifications/?notice="))

    sm_page = _sign_in(browser, live_app, world, "a.service_manager")
    sm_page.goto(escalation["url"])  # the card opens the store's notice page
    notice = sm_page.locator("#notifications li", has_text=title)
    assert notice.count() == 1
    assert "超时升级" in notice.inner_text() and "已发企业微信" in notice.inner_text()
