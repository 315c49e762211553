"""待发消息: the provider interface and sending from the outbox, with back-off and no duplicates.

A message row is claimed under a row lock (SKIP LOCKED), so two workers never send it twice; the
provider gets the message id as its idempotency key. Quiet hours (免打扰) come from the policy.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ..models import Customer, FollowUpTask, OutboxMessage
from ..models.cadence import OutboxStatus, TaskStatus

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


class SendError(Exception):
    """The provider could not send now; the outbox retries with back-off."""


class MessageProvider(Protocol):
    def send(self, *, channel: str, to: str, body: str, key: str) -> str:
        """Send one message; return the provider's reference. `key` is stable across retries."""


class LogProvider:
    """Default provider: writes the message to the log (no outside account needed)."""

    def send(self, *, channel: str, to: str, body: str, key: str) -> str:
        if "@" in to:
            local, _, domain = to.rpartition("@")
            masked = f"{local[:1]}***@{domain}"
        else:
            masked = to[:3] + "****" + to[-4:] if len(to) >= 7 else to
        log.info("[%s] %s → %s: %s", channel, key, masked, body)
        return f"log-{key}"


def provider() -> MessageProvider:
    path = getattr(settings, "CADENCE_MESSAGE_PROVIDER", "crm.cadence.outbox.LogProvider")
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


def _email_allowed(customer_id: int) -> bool:
    return Customer.objects.filter(pk=customer_id, email_consent=True).exclude(email="").exists()


def outbox_dispatch(*, limit: int = 200, now: dt.datetime | None = None,
                    quiet: dict[str, str] | None = None) -> int:
    """Send due messages of the active store. Returns how many were sent."""
    now = now or timezone.now()
    due = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
    # Channels with their own sender (settings.CADENCE_CHANNEL_SENDERS: a platform's status webhook,
    # 线索状态回传) reach no person: quiet hours do not hold them; everything else waits until they end.
    own = {name: import_string(path)() for name, path in getattr(settings, "CADENCE_CHANNEL_SENDERS", {}).items()}
    if quiet is not None and quiet_until(now, quiet) is not None:
        due = due.filter(channel__in=list(own))
    default = provider()
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            msg = due.select_for_update(skip_locked=True).order_by("next_attempt_at").first()
            if msg is None:
                break
            if msg.channel == "email" and not _email_allowed(msg.customer_id):
                # 撤回邮件同意: consent withdrawn (or address removed) after the message was queued.
                msg.status = OutboxStatus.CANCELLED
                msg.save(update_fields=["status"])
                if msg.task_id:
                    FollowUpTask.objects.filter(pk=msg.task_id, status__in=[TaskStatus.OPEN, TaskStatus.OVERDUE]
                                                ).update(status=TaskStatus.SKIPPED, skip_reason="客户未同意接收邮件",
                                                         completed_at=now)
                continue
            key = f"{getattr(connection, 'schema_name', 'public')}-{msg.pk}"
            try:
                ref = own.get(msg.channel, default).send(channel=msg.channel, to=msg.to, body=msg.body, key=key)
            except Exception as exc:  # noqa: BLE001 - any provider failure is retried
                msg.attempts += 1
                msg.last_error = str(exc)[:300]
                if msg.attempts >= MAX_ATTEMPTS:
                    msg.status = OutboxStatus.FAILED
                else:
                    msg.next_attempt_at = now + backoff(msg.attempts)
                msg.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
                continue
            msg.status, msg.sent_at, msg.provider_ref = OutboxStatus.SENT, now, ref[:100]
            msg.attempts += 1
            msg.save(update_fields=["status", "sent_at", "provider_ref", "attempts"])
            if msg.task_id:
                FollowUpTask.objects.filter(pk=msg.task_id, status__in=[TaskStatus.OPEN, TaskStatus.OVERDUE]).update(
                    status=TaskStatus.DONE, outcome="sent", completed_at=now)
            sent += 1
    return sent
