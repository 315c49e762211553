"""Aliyun SMS through its real SDK against a local Dysmsapi peer that checks the ACS3-HMAC-SHA256 signature."""

from __future__ import annotations

import json
from typing import Any

import time_machine
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from crm.cadence.engine import cadence_run_store
from crm.cadence.outbox import outbox_dispatch
from crm.consent import consent_record, is_suppressed, suppress
from crm.messaging import receipts_poll_store
from crm.models import OutboxMessage, Suppression
from hq.models import ReviewStatus, SmsAccount, SmsDailyVolume, SmsTemplate
from hq.services.messaging import sms_account_save, sms_account_view
from tenants.models import Store
from tests.crm.cadence.conftest import TODAY, at, customer, reception
from tests.vendors.aliyun_server import AliyunPeer
from tests.world import World

from .conftest import ALIYUN_KEY, DEPARTURE_ALIYUN, SIGN

NOON = at(TODAY, 12)


class _Web:
    """The vendor posting to the base domain; the test body goes back to the store's schema afterwards."""

    def __init__(self, store: Store) -> None:
        self.client, self.store = Client(HTTP_HOST="localhost"), store

    def post(self, url: str, payload: Any) -> Any:
        response = self.client.post(url, json.dumps(payload), content_type="application/json")
        connection.set_tenant(self.store)  # type: ignore[attr-defined]
        return response


def _departure_sms(world: World, **kw: Any) -> OutboxMessage:
    consultant = world.user("a.sales_consultant").pk
    c = customer(consultant_id=consultant, **kw)
    reception(c, consultant, at(TODAY, 10))
    cadence_run_store(today=TODAY)
    msg = OutboxMessage.objects.get(customer=c, channel="sms")
    OutboxMessage.objects.filter(pk=msg.pk).update(next_attempt_at=at(TODAY, 9))
    return msg


@time_machine.travel(NOON, tick=False)
def test_a_departure_sms_goes_to_aliyun_as_its_approved_template(world: World, store_a: Store,
                                                                  aliyun: AliyunPeer) -> None:
    msg = _departure_sms(world, name="王芳", gender="f")
    assert outbox_dispatch(now=NOON) == 1
    msg.refresh_from_db()
    [sent] = aliyun.sent
    # The vendor got the template code, the signature and the variables — not the text.
    assert (sent["phone"], sent["sign"], sent["template"]) == (msg.to, SIGN, DEPARTURE_ALIYUN)
    assert sent["params"] == {"customer_name": "王芳", "title": "女士", "store_name": "A店",
                              "consultant_name": world.user("a.sales_consultant").name}
    assert sent["out_id"] == f"{store_a.schema_name}-{msg.pk}"
    assert (msg.status, msg.vendor, msg.provider_ref, msg.attempts) == ("sent", "aliyun", sent["biz_id"], 1)
    assert SmsDailyVolume.objects.get(store=store_a, day=TODAY, channel="sms").sent == 1
    # The receipt, by polling QuerySendDetails.
    assert receipts_poll_store(now=NOON) == 1
    msg.refresh_from_db()
    assert msg.delivered is True


@time_machine.travel(NOON, tick=False)
def test_a_wrong_secret_is_refused_by_the_signature_check_and_given_up(world: World, store_a: Store,
                                                                      aliyun: AliyunPeer) -> None:
    sms_account_save(group=world.group_x, actor=None, vendor="aliyun", secret="not-the-secret",
                     endpoint=aliyun.server.endpoint, protocol="http", is_active=True)
    msg = _departure_sms(world)
    assert outbox_dispatch(now=NOON) == 0
    msg.refresh_from_db()
    assert aliyun.refused == [("SendSms", "SignatureDoesNotMatch")] and aliyun.sent == []
    assert msg.status == "failed" and "SignatureDoesNotMatch" in msg.last_error


@time_machine.travel(NOON, tick=False)
def test_an_unknown_access_key_is_given_up(world: World, store_a: Store, aliyun: AliyunPeer) -> None:
    sms_account_save(group=world.group_x, actor=None, vendor="aliyun", key_id="LTAI5tSomeoneElsesKey",
                     endpoint=aliyun.server.endpoint, protocol="http", is_active=True)
    msg = _departure_sms(world)
    outbox_dispatch(now=NOON)
    msg.refresh_from_db()
    assert msg.status == "failed" and "InvalidAccessKeyId.NotFound" in msg.last_error


@time_machine.travel(NOON, tick=False)
def test_a_malformed_number_is_given_up_and_a_rate_limit_retried(world: World, store_a: Store,
                                                                  aliyun: AliyunPeer) -> None:
    bad = _departure_sms(world)
    OutboxMessage.objects.filter(pk=bad.pk).update(to="12000000000")
    limited = _departure_sms(world)
    aliyun.limited.add(limited.to)
    assert outbox_dispatch(now=NOON) == 0
    bad.refresh_from_db()
    limited.refresh_from_db()
    assert (bad.status, bad.attempts) == ("failed", 1) and "isv.MOBILE_NUMBER_ILLEGAL" in bad.last_error
    assert (limited.status, limited.attempts) == ("pending", 1) and "isv.BUSINESS_LIMIT_CONTROL" in limited.last_error
    assert limited.next_attempt_at > NOON  # back-off: 2 minutes after the first failure


@time_machine.travel(NOON, tick=False)
def test_an_unapproved_template_sends_nothing(world: World, store_a: Store, aliyun: AliyunPeer) -> None:
    SmsTemplate.objects.filter(group=world.group_x).update(status=ReviewStatus.PENDING)
    msg = _departure_sms(world)
    outbox_dispatch(now=NOON)
    msg.refresh_from_db()
    assert aliyun.sent == [] and aliyun.refused == []
    assert msg.status == "failed" and "NoApprovedTemplate" in msg.last_error


@time_machine.travel(NOON, tick=False)
def test_a_suppressed_number_or_withdrawn_consent_gets_nothing(world: World, store_a: Store,
                                                               aliyun: AliyunPeer) -> None:
    suppressed = _departure_sms(world)
    suppress(phone=suppressed.to, reason="staff", created_by_id=world.user("a.customer_service").pk)
    withdrawn = _departure_sms(world)
    consent_record(customer=withdrawn.customer, channel="sms", purpose="notification", granted=False,
                   source="customer", recorded_by_id=world.user("a.customer_service").pk, note="电话中要求")
    assert outbox_dispatch(now=NOON) == 0
    assert aliyun.sent == []
    for msg in (suppressed, withdrawn):
        msg.refresh_from_db()
        assert msg.status == "cancelled"
        assert msg.task is not None and msg.task.status == "skipped"


@time_machine.travel(NOON, tick=False)
def test_a_worker_killed_after_the_vendor_took_the_message_does_not_send_it_again(
        world: World, store_a: Store, aliyun: AliyunPeer, settings: Any) -> None:
    settings.OUTBOX_RECONCILE_AFTER_S = 60
    msg = _departure_sms(world)
    outbox_dispatch(now=NOON)
    assert len(aliyun.sent) == 1
    # As if the worker died between the vendor's answer and the commit: the row is still 'sending'.
    OutboxMessage.objects.filter(pk=msg.pk).update(status="sending", claimed_at=NOON, sent_at=None, provider_ref="")
    later = at(TODAY, 13)
    assert outbox_dispatch(now=later) == 0
    msg.refresh_from_db()
    assert len(aliyun.sent) == 1  # asked QuerySendDetails, found its OutId, did not send again
    assert msg.status == "sent" and msg.provider_ref == f"outid:{store_a.schema_name}-{msg.pk}"
    # One that never reached the vendor is sent (once) instead.
    other = _departure_sms(world)
    OutboxMessage.objects.filter(pk=other.pk).update(status="sending", claimed_at=NOON)
    outbox_dispatch(now=later)
    outbox_dispatch(now=later)
    other.refresh_from_db()
    assert other.status == "sent" and [s["out_id"] for s in aliyun.sent].count(f"{store_a.schema_name}-{other.pk}") == 1


def test_the_key_is_stored_encrypted_and_shown_masked(world: World, db: Any, aliyun: AliyunPeer) -> None:
    row = SmsAccount.objects.get(group=world.group_x)
    assert ALIYUN_KEY not in row.key_id_encrypted and "secret" not in row.secret_encrypted
    view = sms_account_view(world.group_x)
    assert view is not None and view.key_id_masked == "LTAI****abcd" and view.has_secret
    assert sms_account_view(world.group_y) is None  # group Y has no account and sees none of X's


@time_machine.travel(NOON, tick=False)
def test_receipt_and_reply_callbacks_reach_only_the_store_that_sent(world: World, store_a: Store,
                                                                    aliyun: AliyunPeer) -> None:
    msg = _departure_sms(world)
    outbox_dispatch(now=NOON)
    msg.refresh_from_db()
    token = SmsAccount.objects.get(group=world.group_x).callback_token
    web = _Web(store_a)
    report = [{"phone_number": msg.to, "send_time": "2026-11-23 12:00:00", "report_time": "2026-11-23 12:00:05",
               "success": True, "err_code": "DELIVERED", "err_msg": "用户接收成功", "sms_size": "1",
               "biz_id": msg.provider_ref, "out_id": f"{store_a.schema_name}-{msg.pk}"}]
    # Another group's token (group Y has its own account) or a made-up one: nothing changes.
    sms_account_save(group=world.group_y, actor=None, vendor="aliyun", key_id="LTAI5tGroupYKey1234",
                     secret="y-secret", is_active=True)
    other_token = SmsAccount.objects.get(group=world.group_y).callback_token
    assert web.post(f"/sms/callback/aliyun/{other_token}/report/", report).status_code == 200
    assert web.post("/sms/callback/aliyun/not-a-token/report/", report).status_code == 404
    msg.refresh_from_db()
    assert msg.delivered is None
    # A forged reference with group X's token is ignored too.
    forged = [{**report[0], "biz_id": "999^0", "out_id": f"{store_a.schema_name}-{msg.pk}"}]
    forged[0]["phone_number"] = "13999999999"
    web.post(f"/sms/callback/aliyun/{token}/report/", forged)
    msg.refresh_from_db()
    assert msg.delivered is None
    response = web.post(f"/sms/callback/aliyun/{token}/report/", report)
    assert response.json() == {"code": 0, "msg": "成功"}
    msg.refresh_from_db()
    assert msg.delivered is True
    # The customer replies "TD": the number goes on store A's list — not store B's (same group, never sent
    # to it), not store C's (another group).
    reply = [{"phone_number": msg.to, "send_time": "2026-11-23 12:05:00", "content": " td ", "sign_name": SIGN,
              "dest_code": "1234", "sequence_id": 1}]
    web.post(f"/sms/callback/aliyun/{other_token}/reply/", reply)
    assert not is_suppressed(msg.to)
    web.post(f"/sms/callback/aliyun/{token}/reply/", reply)
    assert Suppression.objects.get(phone=msg.to).reason == "reply"
    for other in (world.store_b, world.store_c):
        with tenant_context(other):
            assert not Suppression.objects.exists()
