"""Stripe webhooks: signature, once-only, newest state wins, unknown customers; processing after commit."""

from __future__ import annotations

import time
from typing import Any

from billing import services
from billing.models import BillingAccount, BillingAuditLog, WebhookEvent
from tests.conftest import client_for

from . import stripe_side
from .conftest import new_group_with_admin, new_store


def _post(payload: bytes, signature: str | None) -> Any:
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return client_for(None).post("/billing/webhook/", data=payload, content_type="application/json", **headers)


def _opened(world: Any) -> BillingAccount:
    group, _ = new_group_with_admin()
    new_store(group)
    return services.billing_account_open(group=group, plan_code="basic", interval="month")


def _process(stripe_event_id: str) -> WebhookEvent:
    row = WebhookEvent.objects.get(stripe_event_id=stripe_event_id)
    return services.webhook_event_process(event_pk=row.pk)


def test_a_forged_signature_is_refused_and_changes_nothing(localstripe: str, world: Any, db: Any) -> None:
    account = _opened(world)
    payload = stripe_side.event("customer.subscription.deleted",
                                {"id": account.stripe_subscription_id, "customer": account.stripe_customer_id})
    before = WebhookEvent.objects.count()
    for signature in (stripe_side.sign(payload, secret="whsec_attacker"), "", None, "t=1,v1=deadbeef"):
        response = _post(payload, signature)
        assert response.status_code == 400
    assert WebhookEvent.objects.count() == before
    assert BillingAccount.objects.get(pk=account.pk).status == account.status


def test_a_stale_signature_is_refused(localstripe: str, world: Any, db: Any) -> None:
    account = _opened(world)
    payload = stripe_side.event("invoice.payment_failed", {"id": "in_1", "customer": account.stripe_customer_id})
    before = WebhookEvent.objects.count()
    response = _post(payload, stripe_side.sign(payload, at=int(time.time()) - 3600))
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == before


def test_an_event_is_stored_first_and_processed_after_commit(
    localstripe: str, world: Any, db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    account = _opened(world)
    payload = stripe_side.event("customer.subscription.updated",
                                {"id": account.stripe_subscription_id, "customer": account.stripe_customer_id},
                                event_id="evt_first")
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post(payload, stripe_side.sign(payload))
    assert response.status_code == 200 and response.json()["duplicate"] is False
    row = WebhookEvent.objects.get(stripe_event_id="evt_first")
    assert row.processed_at is None and len(callbacks) == 1  # the task is queued only once stored
    processed = _process("evt_first")
    assert processed.processed_at is not None and processed.account_id == account.pk and processed.note == ""


def test_a_replay_is_acknowledged_and_ignored(
    localstripe: str, world: Any, db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    account = _opened(world)
    payload = stripe_side.event("invoice.payment_failed",
                                {"id": "in_x", "customer": account.stripe_customer_id,
                                 "subscription": account.stripe_subscription_id}, event_id="evt_replayed")
    with django_capture_on_commit_callbacks() as first:
        assert _post(payload, stripe_side.sign(payload)).status_code == 200
    _process("evt_replayed")
    with django_capture_on_commit_callbacks() as again:
        response = _post(payload, stripe_side.sign(payload))
    assert response.status_code == 200 and response.json()["duplicate"] is True
    assert len(first) == 1 and len(again) == 0
    row = WebhookEvent.objects.get(stripe_event_id="evt_replayed")
    assert row.deliveries == 2
    # Processing the same row again is a no-op too.
    before = BillingAuditLog.objects.filter(account=account).count()
    services.webhook_event_process(event_pk=row.pk)
    assert BillingAuditLog.objects.filter(account=account).count() == before


def test_an_older_event_arriving_late_does_not_move_state_back(localstripe: str, world: Any, db: Any) -> None:
    account = _opened(world)
    sub = {"id": account.stripe_subscription_id, "customer": account.stripe_customer_id}
    now = int(time.time())
    stripe_side.set_card(str(account.stripe_customer_id), stripe_side.GOOD_CARD)
    stripe_side.renew(str(account.stripe_customer_id), str(account.stripe_subscription_id))  # now active
    newer = stripe_side.event("invoice.payment_succeeded", {**sub, "subscription": sub["id"]}, created=now + 5,
                              event_id="evt_newer")
    older = stripe_side.event("invoice.payment_failed", {**sub, "subscription": sub["id"], "status": "open"},
                              created=now - 60, event_id="evt_older")
    for payload in (newer, older):
        assert _post(payload, stripe_side.sign(payload)).status_code == 200
    _process("evt_newer")
    late = _process("evt_older")
    account.refresh_from_db()
    assert account.status == "active" and account.payment_failed_at is None
    assert "较旧的事件" in late.note
    assert account.state_event_created == now + 5


def test_a_stale_payload_loses_to_stripes_current_state(localstripe: str, world: Any, db: Any) -> None:
    """Even a newer event is applied from Stripe's object as it is now, not from the payload."""
    account = _opened(world)
    stripe_side.set_card(str(account.stripe_customer_id), stripe_side.GOOD_CARD)
    stripe_side.renew(str(account.stripe_customer_id), str(account.stripe_subscription_id))
    payload = stripe_side.event("customer.subscription.updated",
                                {"id": account.stripe_subscription_id, "customer": account.stripe_customer_id,
                                 "status": "past_due"}, event_id="evt_stale_payload")
    _post(payload, stripe_side.sign(payload))
    _process("evt_stale_payload")
    account.refresh_from_db()
    assert account.status == "active" and account.payment_failed_at is None


def test_an_unknown_customer_is_logged_answered_and_kept(localstripe: str, world: Any, db: Any, caplog: Any) -> None:
    payload = stripe_side.event("invoice.payment_failed", {"id": "in_1", "customer": "cus_nobody"},
                                event_id="evt_unknown")
    response = _post(payload, stripe_side.sign(payload))
    assert response.status_code == 200
    row = _process("evt_unknown")
    assert row.processed_at is not None and row.account is None
    assert "未知客户 cus_nobody" in row.note
    assert row.payload["data"]["object"]["customer"] == "cus_nobody"  # nothing lost
    assert "unknown customer" in caplog.text


def test_event_types_we_do_not_use_are_kept_and_marked(localstripe: str, world: Any, db: Any) -> None:
    payload = stripe_side.event("plan.created", {"id": "plan_x"}, event_id="evt_plan")
    assert _post(payload, stripe_side.sign(payload)).status_code == 200
    assert _process("evt_plan").note == "无需处理的事件类型"


def test_a_get_is_not_allowed(world: Any, db: Any) -> None:
    assert client_for(None).get("/billing/webhook/").status_code == 405
