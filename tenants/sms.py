"""Account messages (invitation links, reset codes) through the template-based provider interface.

Account SMS go to staff, not customers: they are 通知 (notification) templates under the platform's own
signature (ACCOUNT_SMS_SIGN_NAME, ACCOUNT_SMS_TEMPLATES), through ACCOUNT_SMS_PROVIDER (default: the same
provider as the outbox, the log provider locally). They skip the store outbox table (which is per
customer) and are sent after the transaction commits: a rolled-back invitation sends nothing.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from .messaging.base import MessageKind, OutboundMessage, mask_address

log = logging.getLogger(__name__)


def _provider_path() -> str:
    return (getattr(settings, "ACCOUNT_SMS_PROVIDER", "")
            or getattr(settings, "CADENCE_MESSAGE_PROVIDER", "tenants.messaging.base.LogProvider"))


def send_account_sms(*, to: str, template: str, params: dict[str, str], text: str) -> None:
    """Queue an account SMS (template "invitation" / "reset_code" of ACCOUNT_SMS_TEMPLATES) for after commit.
    `text` is what the person reads (the log shows it); a provider failure is logged, not raised."""
    message = OutboundMessage(channel="sms", to=to, text=text, kind=MessageKind.NOTIFICATION,
                              template_code=settings.ACCOUNT_SMS_TEMPLATES[template], params=dict(params),
                              sign_name=settings.ACCOUNT_SMS_SIGN_NAME)

    def send() -> None:
        try:
            import_string(_provider_path())().send(message=message, key=f"account-{uuid.uuid4().hex[:12]}")
        except Exception:  # noqa: BLE001 - the link is also shown on screen; a failed SMS loses nothing
            log.exception("account sms to %s failed", mask_address(to))

    transaction.on_commit(send)
