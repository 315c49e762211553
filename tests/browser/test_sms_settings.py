"""In a real browser: HQ switches SMS on, and customer service keeps the do-not-contact list.

The HQ admin of group X enters the Aliyun AccessKey on 短信设置 and sees it back only as LTAI****abcd,
registers the signature and a template for the departure SMS. Customer service of store A types a
malformed number into 免打扰名单 (refused at the field, the typed text kept), then a good one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from crm.models import Suppression
from hq.models import SmsAccount, SmsSignature, SmsTemplate
from tests.browser.conftest import new_page, sign_in
from tests.world import World

pytestmark = pytest.mark.browser

KEY_ID, SECRET = "LTAI5tBrowserKeyabcd", "browser-secret-never-shown"


def _drop(world: World) -> None:
    SmsTemplate.objects.filter(group=world.group_x).delete()
    SmsSignature.objects.filter(group=world.group_x).delete()
    SmsAccount.objects.filter(group=world.group_x).delete()
    with tenant_context(world.store_a):
        Suppression.objects.all().delete()


@pytest.fixture
def clean(live_app: Any, world: World) -> Iterator[None]:
    _drop(world)
    yield
    _drop(world)


def test_hq_enters_the_key_and_registers_a_template_and_service_suppresses_a_number(
        browser: Any, live_app: Any, world: World, clean: None) -> None:
    hq = sign_in(new_page(browser), live_app, world.user("x.hq_admin").mobile)
    hq.goto(f"{live_app.base}/hq/sms/")
    assert "尚未配置" in hq.inner_text("#sms-account")
    hq.select_option("#id_vendor", "aliyun")
    hq.fill("#id_key_id", KEY_ID)
    hq.fill("#id_secret", SECRET)
    hq.check("#id_is_active")
    hq.click("#sms-account-form button")
    hq.wait_for_load_state()
    assert hq.inner_text("#sms-key-masked") == "LTAI****abcd"
    assert KEY_ID not in hq.content() and SECRET not in hq.content()
    hq.fill("#sms-signature-form #id_name", "华东汽车")
    hq.select_option("#sms-signature-form #id_status", "approved")
    hq.click("#sms-signature-form button")
    hq.wait_for_load_state()
    assert "【华东汽车】" in hq.inner_text("#sms-signatures")
    form = "#sms-template-form"
    hq.fill(f"{form} #id_code", "SMS_400001")
    hq.fill(f"{form} #id_name", "离店关怀")
    hq.fill(f"{form} #id_content", "${customer_name}您好，感谢您今天光临${store_name}。")
    hq.fill(f"{form} #id_rule_keys", "departure_sms")
    hq.select_option(f"{form} #id_status", "approved")
    hq.click(f"{form} button")
    hq.wait_for_load_state()
    row = hq.inner_text("#sms-templates")
    assert "SMS_400001" in row and "departure_sms" in row and "已通过" in row

    cs = sign_in(new_page(browser), live_app, world.user("a.customer_service").mobile)
    cs.goto(live_app.store_url(world.store_a, "/suppression/"))
    cs.fill("#id_phone", "1380013800")
    cs.click("#suppression-form button")
    cs.wait_for_load_state()
    assert "请输入正确的手机号" in cs.inner_text(".field-error[data-field=phone]")
    assert cs.input_value("#id_phone") == "1380013800"
    cs.fill("#id_phone", "138 0013 8000")
    cs.select_option("#id_reason", "complaint")
    cs.fill("#id_note", "投诉时要求不再联系")
    cs.click("#suppression-form button")
    cs.wait_for_load_state()
    assert "13800138000" in cs.inner_text("#suppression-list") and "投诉" in cs.inner_text("#suppression-list")
