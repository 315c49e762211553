"""回执与上行: vendor receipts and replies applied to this store's rows, and the polling that fetches them.

A receipt or reply reaches a store only through hq.services.messaging's routing (the group's callback
token, then the vendor reference the store itself recorded when it sent, with the same number): a push
can never touch another group's or another store's rows. Replies that say 退订 (R, T, TD, 退订, 拒收)
put the number on the store's suppression list (crm.consent).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from hq.services.messaging import sms_provider_for_group, sms_ref_route, sms_reply_stores
from tenants.messaging.base import Receipt, Reply, Vendor
from tenants.messaging.optout import is_opt_out
from tenants.models import Store

from .consent import suppress
from .models import OutboxMessage
from .models.cadence import OutboxStatus
from .models.consent import SuppressionReason

log = logging.getLogger(__name__)
POLL_DAYS = 3


@transaction.atomic
def receipt_apply(*, outbox_id: int, receipt: Receipt) -> bool:
    """Record the vendor's receipt on the message it is for (same id, same number). True if it changed."""
    updated = OutboxMessage.objects.filter(pk=outbox_id, to=receipt.phone, status=OutboxStatus.SENT).update(
        delivered=receipt.delivered, delivered_at=receipt.at or timezone.now(), receipt_error=receipt.error_code[:60])
    return bool(updated)


def reply_apply(*, reply: Reply) -> bool:
    """A reply (上行): an opt-out word puts the number on the suppression list. True if it did."""
    if not is_opt_out(reply.content):
        return False
    suppress(phone=reply.phone, reason=SuppressionReason.REPLY, note=reply.content[:50])
    return True


def receipts_route(*, group_id: int, vendor: str, receipts: list[Receipt]) -> int:
    """Apply receipts of one group's account to the stores that sent them (unknown references: ignored)."""
    applied = 0
    for receipt in receipts:
        ref = sms_ref_route(group_id=group_id, vendor=vendor, vendor_ref=receipt.vendor_ref, phone=receipt.phone)
        if ref is None and receipt.out_id:
            ref = sms_ref_route(group_id=group_id, vendor=vendor, vendor_ref=f"outid:{receipt.out_id}",
                                phone=receipt.phone)
        if ref is None:
            log.info("receipt for an unknown reference ignored (group %s, %s)", group_id, vendor)
            continue
        with tenant_context(ref.store):
            applied += receipt_apply(outbox_id=ref.outbox_id, receipt=receipt)
    return applied


def replies_route(*, group_id: int, replies: list[Reply]) -> int:
    """Apply replies to every store of the group that has sent to that number."""
    applied = 0
    for reply in replies:
        for store in sms_reply_stores(group_id=group_id, phone=reply.phone):
            with tenant_context(store):
                applied += reply_apply(reply=reply)
    return applied


def receipts_poll_store(*, now: dt.datetime | None = None) -> int:
    """QuerySendDetails (Aliyun) for this store's messages of the last days still without a receipt."""
    store = getattr(connection, "tenant", None)
    if not isinstance(store, Store):
        raise RuntimeError("receipts are polled inside a store's schema (a TenantTask or tenant_context)")
    sender: Any = sms_provider_for_group(store.group_id)
    if sender is None or sender.vendor != Vendor.ALIYUN:
        return 0
    since = (now or timezone.now()) - dt.timedelta(days=POLL_DAYS)
    pending = list(OutboxMessage.objects.filter(status=OutboxStatus.SENT, vendor=Vendor.ALIYUN, delivered__isnull=True,
                                                sent_at__gte=since).exclude(provider_ref="")[:500])
    applied = 0
    for msg in pending:
        day = timezone.localdate(msg.sent_at) if msg.sent_at else timezone.localdate()
        biz_id = "" if msg.provider_ref.startswith("outid:") else msg.provider_ref
        for receipt in sender.send_details(phone=msg.to, send_date=day, biz_id=biz_id):
            if biz_id or receipt.out_id == msg.provider_ref.removeprefix("outid:"):
                applied += receipt_apply(outbox_id=msg.pk, receipt=receipt)
    return applied


def tencent_pull_group(*, group_id: int) -> tuple[int, int]:
    """PullSmsSendStatus + PullSmsReplyStatus (Tencent) for one group; routed to its stores."""
    sender: Any = sms_provider_for_group(group_id)
    if sender is None or sender.vendor != Vendor.TENCENT:
        return 0, 0
    receipts = receipts_route(group_id=group_id, vendor=Vendor.TENCENT, receipts=sender.pull_receipts())
    replies = replies_route(group_id=group_id, replies=sender.pull_replies())
    return receipts, replies
