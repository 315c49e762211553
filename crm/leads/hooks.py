"""线索状态回传: the platform that sent a lead is told when it was contacted, converted or defeated.

Each event is one outbox message (channel `webhook`, to `hook:<id>`), sent by `WebhookSender` with the
outbox's retries and back-off; the body is JSON, signed with the hook's secret:
`X-Chezhu-Signature: sha256=<hex HMAC-SHA256 of the body>`, `X-Chezhu-Delivery: <stable key>` (the same on
every retry, so the platform can drop a repeat).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request

from django.utils import timezone

from tenants.messaging.base import GiveUp, OutboundMessage, RetryLater

from ..models import Lead, LeadSourceHook, OutboxMessage

WEBHOOK = "webhook"
EVENTS = ("contacted", "converted", "defeated")
TIMEOUT_S = 10


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def lead_status_notify(*, lead: Lead, event: str) -> OutboxMessage | None:
    """Queue the event for the lead's source, when it came from a platform with an enabled hook."""
    assert event in EVENTS, event
    if not lead.source or not lead.source_lead_id:
        return None
    hook = LeadSourceHook.objects.filter(source=lead.source, enabled=True).first()
    if hook is None:
        return None
    body = json.dumps({"event": event, "source": lead.source, "source_lead_id": lead.source_lead_id,
                       "at": timezone.now().isoformat(timespec="seconds")}, ensure_ascii=False, sort_keys=True)
    return OutboxMessage.objects.create(customer_id=lead.customer_id, channel=WEBHOOK, to=f"hook:{hook.pk}",
                                        body=body)


class WebhookSender:
    """The outbox's sender for `webhook` messages (settings.CADENCE_CHANNEL_SENDERS): a signed POST;
    anything but 2xx is retried."""

    vendor = "webhook"

    def send(self, *, message: OutboundMessage, key: str) -> str:
        hook = LeadSourceHook.objects.filter(pk=int(message.to.removeprefix("hook:"))).first()
        if hook is None or not hook.enabled:
            raise GiveUp("HookDisabled", "hook removed or disabled")
        if urllib.parse.urlsplit(hook.url).scheme not in ("http", "https"):  # never file: or a custom scheme
            raise GiveUp("BadUrl", "a status webhook must be an http(s) URL")
        data = message.text.encode()
        request = urllib.request.Request(hook.url, data=data, method="POST", headers={
            "Content-Type": "application/json", "X-Chezhu-Signature": signature(hook.secret, data),
            "X-Chezhu-Delivery": key})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310  # nosec B310 - scheme checked above
                return f"http-{response.status}"
        except urllib.error.HTTPError as exc:
            raise RetryLater(f"HTTP{exc.code}", "the platform did not take the event") from None
        except (urllib.error.URLError, OSError) as exc:
            raise RetryLater("Unreachable", str(exc)[:200]) from None
