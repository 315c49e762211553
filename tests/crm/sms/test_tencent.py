"""Tencent Cloud SMS through its real SDK against a local peer that checks TC3-HMAC-SHA256."""

from __future__ import annotations

from typing import Any

import time_machine
from django_tenants.utils import tenant_context

from crm.cadence.outbox import outbox_dispatch
from crm.messaging import tencent_pull_group
from crm.models import OutboxMessage, Suppression
from hq.models import SmsDailyVolume
from hq.services.messaging import sms_account_save
from tenants.models import Store
from tests.vendors.tencent_server import TencentPeer
from tests.world import World

from .conftest import DEPARTURE_TENCENT, SIGN, TENCENT_APP
from .test_aliyun import NOON, _departure_sms


@time_machine.travel(NOON, tick=False)
def test_a_departure_sms_goes_to_tencent_with_its_parameters_in_template_order(
        world: World, store_a: Store, tencent: TencentPeer) -> None:
    msg = _departure_sms(world, name="李雷", gender="m")
    assert outbox_dispatch(now=NOON) == 1
    msg.refresh_from_db()
    [sent] = tencent.sent
    assert (sent["phone"], sent["sign"], sent["template"]) == (f"+86{msg.to}", SIGN, DEPARTURE_TENCENT)
    assert sent["params"] == ["李雷", "先生", "A店", world.user("a.sales_consultant").name]
    assert sent["session"] == f"{store_a.schema_name}-{msg.pk}"
    assert (msg.status, msg.vendor, msg.provider_ref) == ("sent", "tencent", sent["serial"])
    assert SmsDailyVolume.objects.get(store=store_a, channel="sms").sent == 1


@time_machine.travel(NOON, tick=False)
def test_receipts_and_an_opt_out_reply_are_pulled_and_routed_to_the_store(world: World, store_a: Store,
                                                                          tencent: TencentPeer) -> None:
    msg = _departure_sms(world)
    outbox_dispatch(now=NOON)
    tencent.reply(msg.to, "回T", SIGN)  # not an opt-out word on its own
    tencent.reply(msg.to, "T", SIGN)
    assert tencent_pull_group(group_id=world.group_x.pk) == (1, 1)
    msg.refresh_from_db()
    assert msg.delivered is True
    assert Suppression.objects.filter(phone=msg.to, reason="reply").exists()
    with tenant_context(world.store_b):
        assert not Suppression.objects.exists()
    # Group Y's pull reaches nothing of group X (it has no account: nothing is pulled at all).
    assert tencent_pull_group(group_id=world.group_y.pk) == (0, 0)


@time_machine.travel(NOON, tick=False)
def test_vendor_errors_are_mapped_to_retry_or_give_up(world: World, store_a: Store, tencent: TencentPeer) -> None:
    bad = _departure_sms(world)
    OutboxMessage.objects.filter(pk=bad.pk).update(to="12000000000")
    limited = _departure_sms(world)
    tencent.limited.add(f"+86{limited.to}")
    outbox_dispatch(now=NOON)
    bad.refresh_from_db()
    limited.refresh_from_db()
    assert bad.status == "failed" and "InvalidParameterValue.IncorrectPhoneNumber" in bad.last_error
    assert limited.status == "pending" and "LimitExceeded.PhoneNumberDailyLimit" in limited.last_error


@time_machine.travel(NOON, tick=False)
def test_a_wrong_secret_key_fails_the_tc3_check(world: World, store_a: Store, tencent: TencentPeer) -> None:
    sms_account_save(group=world.group_x, actor=None, vendor="tencent", secret="wrong", app_id=TENCENT_APP,
                     endpoint=tencent.server.endpoint, protocol="http", is_active=True)
    msg = _departure_sms(world)
    outbox_dispatch(now=NOON)
    msg.refresh_from_db()
    assert tencent.refused == [("SendSms", "AuthFailure.SignatureFailure")] and tencent.sent == []
    assert msg.status == "failed" and "AuthFailure.SignatureFailure" in msg.last_error


@time_machine.travel(NOON, tick=False)
def test_a_killed_workers_message_is_found_by_its_session_context(world: World, store_a: Store,
                                                                  tencent: TencentPeer, settings: Any) -> None:
    settings.OUTBOX_RECONCILE_AFTER_S = 60
    msg = _departure_sms(world)
    outbox_dispatch(now=NOON)
    serial = tencent.sent[0]["serial"]
    OutboxMessage.objects.filter(pk=msg.pk).update(status="sending", sent_at=None, provider_ref="")
    from tests.crm.cadence.conftest import TODAY, at

    outbox_dispatch(now=at(TODAY, 13))
    msg.refresh_from_db()
    assert len(tencent.sent) == 1 and (msg.status, msg.provider_ref) == ("sent", serial)
