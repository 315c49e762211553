"""Account messages (invitation links, reset codes) through the configured message provider.

The provider is the same one the outbox uses (`CADENCE_MESSAGE_PROVIDER`; the log provider locally).
It is loaded by its dotted path, so tenants — the bottom layer — imports nothing of crm. Account
messages go to staff, not customers, so they skip the store outbox table (which is per customer).
They are sent after the transaction commits: a rolled-back invitation sends nothing.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


def send_account_sms(*, to: str, body: str) -> None:
    """Queue an SMS to a staff member's mobile for after commit; a provider failure is logged, not raised."""

    def send() -> None:
        path = getattr(settings, "CADENCE_MESSAGE_PROVIDER", "crm.cadence.outbox.LogProvider")
        try:
            import_string(path)().send(channel="sms", to=to, body=body, key=f"account-{uuid.uuid4().hex[:12]}")
        except Exception:  # noqa: BLE001 - the link is also shown on screen; a failed SMS loses nothing
            log.exception("account sms to %s… failed", to[:3])

    transaction.on_commit(send)
