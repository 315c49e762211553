"""Stripe webhooks: verify, store once, then process in a Celery task. The newest Stripe state wins."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from .. import gateway
from ..models import BillingAccount, WebhookEvent
from ..tasks import webhook_event_process as task
from .mirror import mirror_subscription

log = logging.getLogger(__name__)

SUBSCRIPTION_EVENTS = {
    "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
    "customer.subscription.paused", "customer.subscription.resumed", "customer.subscription.trial_will_end",
}
INVOICE_EVENTS = {"invoice.payment_failed", "invoice.payment_succeeded", "invoice.paid"}


@transaction.atomic
def webhook_event_receive(*, payload: bytes, signature: str) -> tuple[WebhookEvent, bool]:
    """Verify and store a Stripe event; queue its processing after commit. A replay is counted, not redone."""
    event = gateway.webhook_event_parse(payload=payload, signature=signature)
    row, created = WebhookEvent.objects.get_or_create(
        stripe_event_id=str(event["id"]),
        defaults={"type": str(event["type"]), "created": int(event.get("created") or 0), "payload": event},
    )
    if created:
        transaction.on_commit(lambda: task.delay(row.pk))
    else:
        WebhookEvent.objects.filter(pk=row.pk).update(deliveries=F("deliveries") + 1)
    return row, created


def _customer_of(event_type: str, obj: dict[str, Any]) -> str:
    if event_type.startswith("customer.") and not event_type.startswith("customer.subscription."):
        return str(obj.get("id") or "")
    customer = obj.get("customer")
    return str(customer.get("id") if isinstance(customer, dict) else customer or "")


def _subscription_of(event_type: str, obj: dict[str, Any]) -> str:
    if event_type in SUBSCRIPTION_EVENTS:
        return str(obj.get("id") or "")
    sub = obj.get("subscription")
    if not sub:  # API versions since 2025 move it under `parent`
        sub = ((obj.get("parent") or {}).get("subscription_details") or {}).get("subscription")
    return str(sub.get("id") if isinstance(sub, dict) else sub or "")


def _done(row: WebhookEvent, note: str = "") -> WebhookEvent:
    row.processed_at = timezone.now()
    row.note = note[:200]
    row.save(update_fields=["processed_at", "note", "account"])
    return row


@transaction.atomic
def webhook_event_process(*, event_pk: int) -> WebhookEvent:
    """Apply one stored event. Re-fetches the subscription so the mirror is Stripe's newest state."""
    row = WebhookEvent.objects.select_for_update().get(pk=event_pk)
    if row.processed_at is not None:
        return row
    if row.type not in SUBSCRIPTION_EVENTS | INVOICE_EVENTS:
        return _done(row, gettext("无需处理的事件类型"))
    obj = (row.payload.get("data") or {}).get("object") or {}
    customer_id = _customer_of(row.type, obj)
    account = BillingAccount.objects.select_for_update().filter(stripe_customer_id=customer_id).first()
    if account is None:
        log.warning("stripe event %s (%s) for unknown customer %r kept unprocessed", row.stripe_event_id,
                    row.type, customer_id)
        return _done(row, gettext("未知客户 %(customer)s：事件已保存，未改变任何状态") % {"customer": customer_id or "-"})
    row.account = account
    if row.created < account.state_event_created:
        return _done(row, gettext("较旧的事件：状态已由更新的事件决定，未回退"))
    sub_id = _subscription_of(row.type, obj)
    if not sub_id or sub_id != account.stripe_subscription_id:
        return _done(row, gettext("不是当前订阅（%(subscription)s）") % {"subscription": sub_id or "-"})
    fresh = gateway.subscription_retrieve(sub_id)
    failed_at = datetime.fromtimestamp(row.created, tz=UTC) if row.created else None
    mirror_subscription(account, fresh, event_id=row.stripe_event_id, failed_at=failed_at)
    account.state_event_created = max(account.state_event_created, row.created)
    account.save(update_fields=["state_event_created"])
    return _done(row)
