"""待发消息: sending from the outbox through the template-based providers, with the sending rules.

Every message to a customer goes through here, on every channel, and is checked at the moment it goes:
the suppression list and the consent ledger (crm.services.consent), quiet hours in the store's time, the
group's weekly cap per customer (cadence policy `messages_per_week`). SMS goes through the group's vendor
(hq.services.messaging: Aliyun / Tencent Cloud) under an approved template; without a vendor account,
the log provider (the default: `make run` needs no account).

No duplicates: a row is claimed under a row lock (SKIP LOCKED) and marked 发送中 (sending) in a committed
transaction before the vendor is called; the vendor's answer is recorded in a second one. A worker killed
in between leaves the row 'sending'; the next dispatch asks the vendor whether it has that key (Aliyun
OutId / Tencent SessionContext) and records it as sent, or sends it again if the vendor never got it.

Staff notices by WeCom (channel "wecom", no customer; crm.notifications) go through the group's WeCom
application: none of the customer's rules apply, and quiet hours do not hold them. WeCom cannot be asked
whether it has a message; each send asks for its duplicate check instead, so a re-send inside that window
is dropped by WeCom, and a row left 'sending' longer than the window is marked failed, never sent twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from hq.services.messaging import (
    sms_provider_for_group,
    sms_sent_record,
    sms_template_for,
    wecom_provider_for_group,
)
from tenants.messaging.base import (
    GiveUp,
    LogProvider,
    MessageKind,
    MessageProvider,
    OutboundMessage,
    RetryLater,
    Vendor,
)
from tenants.messaging.wecom import CHANNEL as WECOM
from tenants.models import Store

from ..consent import consent_allows, is_suppressed
from ..models import FollowUpTask, OutboxMessage
from ..models.cadence import OutboxStatus, TaskStatus

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
MESSAGES_PER_WEEK_DEFAULT = 5
# Reminders the customer asked for (an appointment) have no rule: they count but are never held back.
APPOINTMENT_REMINDER = "appointment_reminder"

__all__ = ["LogProvider", "MAX_ATTEMPTS", "SendError", "backoff", "outbox_dispatch", "provider", "quiet_until"]


class SendError(Exception):
    """The provider could not send now; the outbox retries with back-off."""


def provider() -> MessageProvider:
    """The default provider (CADENCE_MESSAGE_PROVIDER; the log provider unless configured)."""
    path = getattr(settings, "CADENCE_MESSAGE_PROVIDER", "tenants.messaging.base.LogProvider")
    return import_string(path)()  # type: ignore[no-any-return]


def _parse(hhmm: str) -> dt.time:
    h, m = hhmm.split(":")
    return dt.time(int(h), int(m))


def quiet_until(now: dt.datetime, quiet: dict[str, str]) -> dt.datetime | None:
    """If `now` is inside quiet hours (e.g. 21:00–08:30), when they end; otherwise None."""
    local = timezone.localtime(now)
    start, end = _parse(quiet["start"]), _parse(quiet["end"])
    t = local.time()
    inside = (start <= t or t < end) if start > end else (start <= t < end)
    if not inside:
        return None
    day = local.date() + (dt.timedelta(days=1) if start > end and t >= start else dt.timedelta())
    return dt.datetime.combine(day, end, tzinfo=local.tzinfo)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2 ** attempts, 240))


@dataclass
class _Context:
    """What one dispatch needs once: the store, its group's SMS vendor, the policy's rules and cap."""

    store: Store | None
    default: MessageProvider
    sms: MessageProvider | None
    per_week: int
    marketing_rules: set[str] = field(default_factory=set)
    # Channels with their own sender (settings.CADENCE_CHANNEL_SENDERS: a platform's status webhook,
    # 线索状态回传). They reach no person: no consent, suppression, weekly cap or quiet hours apply.
    own: dict[str, MessageProvider] = field(default_factory=dict)
    wecom: MessageProvider | None = None  # the group's WeCom application (staff notices), if switched on

    def provider_for(self, channel: str) -> MessageProvider:
        if channel in self.own:
            return self.own[channel]
        if channel == WECOM:
            if self.wecom is None:
                raise GiveUp("WeComOff", "the group's WeCom is not switched on")
            return self.wecom
        return self.sms if channel == "sms" and self.sms is not None else self.default


def _context(policy_body: dict[str, Any] | None, per_week: int | None) -> _Context:
    tenant = getattr(connection, "tenant", None)
    store = tenant if isinstance(tenant, Store) else None
    body = policy_body or {}
    return _Context(
        store=store, default=provider(), sms=sms_provider_for_group(store.group_id) if store else None,
        per_week=per_week or int(body.get("messages_per_week") or MESSAGES_PER_WEEK_DEFAULT),
        marketing_rules={r["key"] for r in body.get("rules") or [] if r.get("marketing")},
        own={name: import_string(path)() for name, path in getattr(settings, "CADENCE_CHANNEL_SENDERS", {}).items()},
        wecom=wecom_provider_for_group(store.group_id) if store else None,
    )


def _close_task(msg: OutboxMessage, now: dt.datetime, *, done: bool, reason: str = "") -> None:
    if not msg.task_id:
        return
    open_ = FollowUpTask.objects.filter(pk=msg.task_id, status__in=[TaskStatus.OPEN, TaskStatus.OVERDUE])
    if done:
        open_.update(status=TaskStatus.DONE, outcome="sent", completed_at=now)
    else:
        open_.update(status=TaskStatus.SKIPPED, skip_reason=reason[:100], completed_at=now)


def _cancel(msg: OutboxMessage, now: dt.datetime, reason: str) -> None:
    msg.status, msg.last_error = OutboxStatus.CANCELLED, reason[:300]
    msg.save(update_fields=["status", "last_error"])
    _close_task(msg, now, done=False, reason=reason)


def _refusal(msg: OutboxMessage) -> str | None:
    """Why this message may not go now (suppression, consent), or None (stored as the skip reason)."""
    customer = msg.customer
    if customer is None:  # a staff notice: no customer's rules
        return None
    if is_suppressed(customer.mobile) or (msg.channel in {"sms", "wechat"} and is_suppressed(msg.to)):
        return gettext("号码在免打扰名单")
    if msg.channel == "email" and not customer.email:
        return gettext("客户未同意接收邮件")
    if not consent_allows(customer, msg.channel, msg.kind):
        return gettext("客户未同意接收邮件") if msg.channel == "email" else gettext("客户未同意接收此类消息")
    return None


def _over_cap(msg: OutboxMessage, now: dt.datetime, per_week: int) -> dt.datetime | None:
    """频次上限: if the customer had `per_week` messages in the last 7 days, when the oldest drops out."""
    if (msg.rule_key in ("", APPOINTMENT_REMINDER) and not msg.task_id) or msg.customer_id is None:
        return None
    since = now - dt.timedelta(days=7)
    recent = list(OutboxMessage.objects.filter(customer_id=msg.customer_id)
                  .filter(Q(status=OutboxStatus.SENT, sent_at__gt=since)
                          | Q(status=OutboxStatus.SENDING, claimed_at__gt=since))
                  .exclude(pk=msg.pk).order_by("sent_at").values_list("sent_at", "claimed_at"))
    times = [t for t in (s or c for s, c in recent) if t is not None]
    if len(times) < per_week:
        return None
    return min(times) + dt.timedelta(days=7, minutes=1)


def _outbound(msg: OutboxMessage, ctx: _Context, sender: MessageProvider) -> OutboundMessage:
    """The message as the provider takes it: for an SMS vendor, the group's approved template for the rule."""
    if msg.channel != "sms" or sender.vendor == Vendor.LOG or ctx.store is None:
        return OutboundMessage(channel=msg.channel, to=msg.to, text=msg.body, kind=msg.kind,
                               params={k: str(v) for k, v in (msg.params or {}).items()})

    template = sms_template_for(ctx.store.group_id, msg.rule_key or APPOINTMENT_REMINDER)
    if template is None:
        raise GiveUp("NoApprovedTemplate", msg.rule_key)
    params = {v: str((msg.params or {}).get(v, "")) for v in template.variables}
    return OutboundMessage(channel="sms", to=msg.to, text=msg.body, kind=template.kind,
                           template_code=template.code, params=params, sign_name=template.signature.name)


def _key(msg: OutboxMessage) -> str:
    return f"{getattr(connection, 'schema_name', 'public')}-{msg.pk}"


def _claim(ctx: _Context, now: dt.datetime, *, quiet: bool = False,
           ) -> tuple[OutboxMessage, OutboundMessage, MessageProvider] | bool:
    """Lock the next due row and decide: False = nothing due; True = handled here (cancelled, held back,
    given up); else the claimed row (committed as 'sending') with what to send and through whom. In quiet
    hours only the channels that reach no person (ctx.own) are due."""
    with transaction.atomic():
        due = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        if quiet:
            due = due.filter(Q(channel__in=list(ctx.own)) | Q(customer__isnull=True))
        msg = (due.select_for_update(skip_locked=True, of=("self",)).select_related("customer")
               .order_by("next_attempt_at").first())
        if msg is None:
            return False
        # A customer's rules (consent, suppression, weekly cap) hold for messages to customers only.
        to_person = msg.channel not in ctx.own and msg.customer_id is not None
        if msg.rule_key in ctx.marketing_rules:
            msg.kind = MessageKind.MARKETING
        reason = _refusal(msg) if to_person else None
        if reason:
            _cancel(msg, now, reason)
            return True
        later = _over_cap(msg, now, ctx.per_week) if to_person else None
        if later is not None:
            msg.next_attempt_at = later
            msg.save(update_fields=["next_attempt_at", "kind"])
            return True
        try:
            sender = ctx.provider_for(msg.channel)
            outbound = _outbound(msg, ctx, sender)
        except GiveUp as exc:
            msg.status, msg.last_error, msg.attempts = OutboxStatus.FAILED, str(exc)[:300], msg.attempts + 1
            msg.save(update_fields=["status", "last_error", "attempts", "kind"])
            return True
        msg.status, msg.claimed_at, msg.vendor = OutboxStatus.SENDING, now, sender.vendor
        msg.template_code, msg.kind = outbound.template_code, outbound.kind
        msg.save(update_fields=["status", "claimed_at", "vendor", "template_code", "kind"])
        return msg, outbound, sender


def _record_sent(msg: OutboxMessage, ctx: _Context, ref: str, now: dt.datetime) -> None:
    msg.status, msg.sent_at, msg.provider_ref = OutboxStatus.SENT, now, ref[:100]
    msg.attempts += 1
    msg.save(update_fields=["status", "sent_at", "provider_ref", "attempts"])
    _close_task(msg, now, done=True)
    # The daily volume counts messages to customers.
    if ctx.store is not None and msg.channel not in ctx.own and msg.customer_id is not None:
        sms_sent_record(store=ctx.store, vendor=msg.vendor, vendor_ref=ref, phone=msg.to, outbox_id=msg.pk,
                        channel=msg.channel, day=timezone.localdate(now))


def _record_failure(msg: OutboxMessage, exc: Exception, now: dt.datetime) -> None:
    msg.attempts += 1
    msg.last_error = str(exc)[:300]
    if isinstance(exc, GiveUp) or msg.attempts >= MAX_ATTEMPTS:
        msg.status = OutboxStatus.FAILED
    else:
        msg.status = OutboxStatus.PENDING
        msg.next_attempt_at = now + backoff(msg.attempts)
    msg.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])


def _reconcile(ctx: _Context, now: dt.datetime) -> int:
    """Rows left 'sending' by a killed worker: sent if the vendor has their key, else due again."""
    after = dt.timedelta(seconds=float(getattr(settings, "OUTBOX_RECONCILE_AFTER_S", 300)))
    fixed = 0
    stale = list(OutboxMessage.objects.filter(status=OutboxStatus.SENDING, claimed_at__lte=now - after)
                 .values_list("pk", flat=True)[:200])
    for pk in stale:
        with transaction.atomic():
            msg = (OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(pk=pk, status=OutboxStatus.SENDING).first())
            if msg is None:
                continue
            try:
                sender = ctx.provider_for(msg.channel)
            except GiveUp as exc:
                _record_failure(msg, exc, now)
                continue
            window = getattr(sender, "duplicate_window", None)
            if window is not None and msg.claimed_at is not None and msg.claimed_at <= now - window:
                # Past the vendor's duplicate check: a re-send could reach the person twice.
                _record_failure(msg, GiveUp("unknown", "not known whether it was delivered"), now)
                continue
            finder = getattr(sender, "find_sent", None)
            ref = None
            if finder is not None and sender.vendor == msg.vendor and msg.claimed_at is not None:
                try:
                    ref = finder(phone=msg.to, key=_key(msg), day=timezone.localdate(msg.claimed_at))
                except (RetryLater, GiveUp):
                    continue  # ask again next time
            if ref:
                msg.attempts -= 1  # _record_sent counts the attempt that did reach the vendor
                _record_sent(msg, ctx, ref, msg.claimed_at or now)
            else:
                msg.status, msg.next_attempt_at = OutboxStatus.PENDING, now
                msg.save(update_fields=["status", "next_attempt_at"])
            fixed += 1
    return fixed


def outbox_dispatch(*, limit: int = 200, now: dt.datetime | None = None, quiet: dict[str, str] | None = None,
                    policy_body: dict[str, Any] | None = None, per_week: int | None = None) -> int:
    """Send due messages of the active store. Returns how many were sent."""
    now = now or timezone.now()
    if quiet is None and policy_body:
        quiet = policy_body.get("quiet_hours")
    ctx = _context(policy_body, per_week)
    # Quiet hours: nothing reaches a person; the next dispatch after they end sends (webhooks still go).
    quiet_now = quiet is not None and quiet_until(now, quiet) is not None
    if quiet_now and not ctx.own and ctx.wecom is None:
        return 0
    _reconcile(ctx, now)
    sent = 0
    for _ in range(limit):
        claimed = _claim(ctx, now, quiet=quiet_now)
        if claimed is False:
            break
        if claimed is True:
            continue
        msg, outbound, sender = claimed
        try:
            ref = sender.send(message=outbound, key=_key(msg))
        except Exception as exc:  # noqa: BLE001 - RetryLater / GiveUp / anything else (retried)
            with transaction.atomic():
                _record_failure(msg, exc, now)
            continue
        with transaction.atomic():
            _record_sent(msg, ctx, ref, now)
        sent += 1
    return sent
