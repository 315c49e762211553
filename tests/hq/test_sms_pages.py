"""HQ 短信设置: the group's keys shown masked and only to that group; registry forms keep what was typed;
publishing a cadence with an SMS rule needs an approved template once a vendor is switched on."""

from __future__ import annotations

from typing import Any

import pytest

from hq.errors import PolicyInvalid
from hq.models import PolicyVersion, ReviewStatus, SmsAccount, SmsTemplate
from hq.services.messaging import sms_account_save, sms_signature_save, sms_template_save
from hq.services.policies import policy_version_publish
from tests.conftest import client_for
from tests.world import World

from .helpers import draft_id

KEY_ID, SECRET = "LTAI5tPageTestKeyabcd", "page-test-secret-value-0001"


def _x_account(world: World) -> None:
    sms_account_save(group=world.group_x, actor=None, vendor="aliyun", key_id=KEY_ID, secret=SECRET,
                     is_active=True)
    sign = sms_signature_save(group=world.group_x, name="华东汽车", status=ReviewStatus.APPROVED)
    sms_template_save(group=world.group_x, signature_id=sign.pk, code="SMS_77001", name="保养促销",
                      kind="marketing", content="${customer_name}您好，本月保养八折", status=ReviewStatus.PENDING)


def test_hq_sees_its_key_masked_and_another_group_sees_nothing_of_it(world: World, db: Any) -> None:
    _x_account(world)
    body = client_for(world.user("x.hq_admin")).get("/hq/sms/").content.decode()
    assert "LTAI****abcd" in body and KEY_ID not in body and SECRET not in body
    assert "SMS_77001" in body and "【华东汽车】" in body
    # A marketing template carries Aliyun's unsubscribe wording.
    assert SmsTemplate.objects.get(code="SMS_77001").content.endswith("拒收请回复R")
    other = client_for(world.user("y.hq_analyst")).get("/hq/sms/")
    assert other.status_code == 200
    text = other.content.decode()
    assert "LTAI****abcd" not in text and "SMS_77001" not in text and "华东汽车" not in text
    assert client_for(world.user("a.general_manager")).get("/hq/sms/").status_code == 404


def test_only_an_hq_admin_changes_the_account(world: World, db: Any) -> None:
    _x_account(world)
    response = client_for(world.user("y.hq_analyst")).post("/hq/sms/account/", {"vendor": "log"})
    assert response.status_code == 404
    assert SmsAccount.objects.get(group=world.group_x).is_active


def test_a_bad_account_form_keeps_what_was_typed_and_says_why_at_the_field(world: World, db: Any) -> None:
    client = client_for(world.user("x.hq_admin"))
    response = client.post("/hq/sms/account/", {"vendor": "tencent", "key_id": "AKIDtyped0001", "secret": "s3cret",
                                                "app_id": "", "endpoint": "sms.example.test", "is_active": "on"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-field="app_id"' in body and "SdkAppId" in body
    assert 'value="AKIDtyped0001"' in body and 'value="sms.example.test"' in body
    assert "s3cret" not in body  # a secret is never echoed back
    assert not SmsAccount.objects.filter(group=world.group_x, is_active=True).exists()


def test_a_template_under_another_groups_signature_is_refused(world: World, db: Any) -> None:
    sign_y = sms_signature_save(group=world.group_y, name="西部汽车", status=ReviewStatus.APPROVED)
    client = client_for(world.user("x.hq_admin"))
    response = client.post("/hq/sms/templates/", {"signature": str(sign_y.pk), "code": "SMS_1", "name": "n",
                                                  "kind": "notification", "content": "x", "status": "approved"})
    assert response.status_code == 400 and not SmsTemplate.objects.filter(code="SMS_1").exists()


def test_a_cadence_with_an_sms_rule_and_no_approved_template_cannot_publish(world: World, db: Any) -> None:
    version = PolicyVersion.objects.get(pk=draft_id(world, "x"))
    policy_version_publish(version=version)  # the log provider: nothing leaves, nothing to check
    _x_account(world)
    second = PolicyVersion.objects.get(pk=draft_id(world, "x"))
    with pytest.raises(PolicyInvalid) as err:
        policy_version_publish(version=second)
    assert "离店关怀短信" in err.value.message
    sign = sms_signature_save(group=world.group_x, name="华东汽车", status=ReviewStatus.APPROVED)
    rules = [r for r in second.body["rules"] if r["channel"] == "sms"]
    for i, rule in enumerate(rules):
        sms_template_save(group=world.group_x, signature_id=sign.pk, code=f"SMS_9{i}", name=rule["name"],
                          kind="notification", content="x", status=ReviewStatus.APPROVED, rule_keys=[rule["key"]])
    assert policy_version_publish(version=second).is_published
