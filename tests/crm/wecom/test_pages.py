"""企业微信 settings: HQ's form (field errors, typed kept, nothing half-written, the Secret masked and only to its
group), the test message, and the GM setting each member's 企业微信账号 (store A's GM only for store A)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from hq.models import WeComAccount
from tenants.models import StoreMembership
from tests.conftest import client_for
from tests.vendors.wecom_server import WeComPeer
from tests.world import World

from .conftest import CORP_ID, GM, SECRET

GOOD = {"wecom-corp_id": CORP_ID, "wecom-agent_id": "1000002", "wecom-secret": SECRET, "wecom-is_active": "on"}


def test_hq_sees_the_secret_masked_and_another_group_sees_nothing(world: World, db: Any, wecom: WeComPeer) -> None:
    body = client_for(world.user("x.hq_admin")).get("/hq/sms/").content.decode()
    assert f"{SECRET[:4]}****{SECRET[-4:]}" in body
    assert SECRET not in body and CORP_ID in body and 'id="wecom-on"' in body
    other = client_for(world.user("y.hq_admin")).get("/hq/sms/").content.decode()
    assert CORP_ID not in other and SECRET[-4:] not in other and "尚未配置：投诉升级" in other
    assert client_for(world.user("a.general_manager")).get("/hq/sms/").status_code == 404


def test_a_bad_corp_id_is_refused_at_the_field_with_what_was_typed_kept_and_nothing_written(
        world: World, db: Any) -> None:
    hq = client_for(world.user("x.hq_admin"))
    response = hq.post("/hq/sms/wecom/", {**GOOD, "wecom-corp_id": "corp-123"})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-field="corp_id"' in text and "企业ID应为 ww 开头" in text
    assert 'value="corp-123"' in text and 'value="1000002"' in text
    assert SECRET not in text  # the secret is never rendered back, not even after an error
    assert not WeComAccount.objects.filter(group=world.group_x).exists()
    response = hq.post("/hq/sms/wecom/", {**GOOD, "wecom-agent_id": "abc"})
    assert response.status_code == 400 and 'data-field="agent_id"' in response.content.decode()
    response = hq.post("/hq/sms/wecom/", {**GOOD, "wecom-secret": ""})  # switched on without a secret
    assert response.status_code == 400 and 'data-field="secret"' in response.content.decode()
    response = hq.post("/hq/sms/wecom/", {**GOOD, "wecom-api_base": "file:///etc/passwd"})
    assert response.status_code == 400 and 'data-field="api_base"' in response.content.decode()
    assert not WeComAccount.objects.filter(group=world.group_x).exists()
    assert hq.post("/hq/sms/wecom/", GOOD).status_code == 302
    account = WeComAccount.objects.get(group=world.group_x)
    assert account.is_active and account.corp_id == CORP_ID and SECRET not in account.secret_encrypted
    # Saving again with the secret left blank keeps it.
    assert hq.post("/hq/sms/wecom/", {**GOOD, "wecom-secret": ""}).status_code == 302
    assert WeComAccount.objects.get(group=world.group_x).secret_encrypted == account.secret_encrypted


def test_only_an_hq_admin_changes_it(world: World, db: Any, wecom: WeComPeer) -> None:
    assert client_for(world.user("x.hq_analyst")).post("/hq/sms/wecom/", {**GOOD, "wecom-is_active": ""}
                                                        ).status_code == 404
    assert client_for(world.user("y.hq_admin")).post("/hq/sms/wecom/test/", {"wecomtest-userid": GM}).status_code != 302
    assert WeComAccount.objects.get(group=world.group_x).is_active
    assert wecom.delivered == []


def test_the_test_message_reaches_the_userid_and_a_refusal_shows_the_errcode(world: World, db: Any,
                                                                            wecom: WeComPeer) -> None:
    hq = client_for(world.user("x.hq_admin"))
    assert hq.post("/hq/sms/wecom/test/", {"wecomtest-userid": GM}).status_code == 302
    [sent] = wecom.delivered
    assert (sent["touser"], sent["msgtype"]) == (GM, "text") and "集团X的企业微信测试消息" in sent["content"]
    response = hq.post("/hq/sms/wecom/test/", {"wecomtest-userid": "nobody.here"})
    text = response.content.decode()
    assert response.status_code == 400 and "错误码 81013" in text and 'value="nobody.here"' in text
    assert SECRET not in text
    response = hq.post("/hq/sms/wecom/test/", {"wecomtest-userid": "张三 李四"})
    assert response.status_code == 400 and 'data-field="userid"' in response.content.decode()
    cache.clear()


def _membership(world: World, key: str, store: Any) -> StoreMembership:
    return StoreMembership.objects.get(user=world.user(key), store=store)


def test_the_gm_sets_a_members_wecom_userid_and_bad_input_keeps_what_was_typed(world: World, db: Any) -> None:
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    sm = _membership(world, "a.service_manager", world.store_a)
    response = gm.post(f"/staff/{sm.pk}/wecom/", {"wecom_userid": "张 三!"})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-field="wecom_userid"' in text and 'value="张 三!"' in text and "只能包含字母" in text
    assert _membership(world, "a.service_manager", world.store_a).wecom_userid == ""
    assert gm.post(f"/staff/{sm.pk}/wecom/", {"wecom_userid": "zhang.sm"}).status_code == 302
    assert _membership(world, "a.service_manager", world.store_a).wecom_userid == "zhang.sm"
    # The same userid on a second member of the store is refused.
    cs = _membership(world, "a.customer_service", world.store_a)
    response = gm.post(f"/staff/{cs.pk}/wecom/", {"wecom_userid": "ZHANG.sm"})
    assert response.status_code == 400 and "本店已有员工使用" in response.content.decode()
    assert 'value="zhang.sm"' in gm.get("/staff/").content.decode()


def test_a_gm_cannot_set_another_stores_member_and_a_consultant_cannot_set_any(world: World, db: Any) -> None:
    b_member = _membership(world, "b.service_manager", world.store_b)
    gm_a = client_for(world.user("a.general_manager"), world.host(world.store_a))
    assert gm_a.post(f"/staff/{b_member.pk}/wecom/", {"wecom_userid": "x"}).status_code == 404
    own = _membership(world, "a.service_manager", world.store_a)
    consultant = client_for(world.user("a.sales_consultant"), world.host(world.store_a))
    assert consultant.post(f"/staff/{own.pk}/wecom/", {"wecom_userid": "x"}).status_code == 404
    assert client_for(None, world.host(world.store_a)).post(f"/staff/{own.pk}/wecom/",
                                                            {"wecom_userid": "x"}).status_code in (302, 404)
    assert _membership(world, "b.service_manager", world.store_b).wecom_userid == ""
    assert _membership(world, "a.service_manager", world.store_a).wecom_userid == ""
