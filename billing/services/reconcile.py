"""Nightly reconcile: subscription quantity vs billable stores, lapses, and events left unprocessed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tenants.errors import DomainError

from .. import gateway
from ..models import BillingAccount, BillingAuditLog, WebhookEvent
from ..selectors import billing_accounts_with_subscription, expected_quantity, payment_state
from ..tasks import webhook_event_process as task
from .mirror import audit, mirror_subscription

log = logging.getLogger(__name__)
STUCK_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class DriftLine:
    group_id: int
    stripe_quantity: int
    expected: int
    fixed: bool
    error: str = ""


@transaction.atomic
def _reconcile_account(account_id: int) -> DriftLine | None:
    account = BillingAccount.objects.select_for_update().get(pk=account_id)
    fresh = gateway.subscription_retrieve(str(account.stripe_subscription_id))
    mirror_subscription(account, fresh)
    state = payment_state(account)
    if state.read_only and not account.lapse_recorded and not state.closed:
        account.lapse_recorded = True
        account.save(update_fields=["lapse_recorded"])
        audit(account, BillingAuditLog.Kind.READ_ONLY, gettext("宽限期已过仍未付款，各门店已转为只读（数据完整保留）。"))
    want = expected_quantity(account.group_id)
    if account.quantity == want or state.closed:
        return None
    have = account.quantity
    sub = gateway.subscription_update_item(
        subscription_id=str(account.stripe_subscription_id), item_id=account.stripe_item_id, quantity=want
    )
    mirror_subscription(account, sub)
    audit(account, BillingAuditLog.Kind.DRIFT, gettext("夜间核对：Stripe 计费 %(have)s 家，实际 %(want)s 家，已校正。") % {"have": have, "want": want},
          data={"from": have, "to": want})
    return DriftLine(account.group_id, have, want, fixed=True)


def billing_reconcile() -> list[DriftLine]:
    """Fix every group's quantity drift (reported in the log and the audit trail); re-queue stuck events."""
    report: list[DriftLine] = []
    for account_id, group_id in billing_accounts_with_subscription().values_list("pk", "group_id"):
        try:
            line = _reconcile_account(account_id)
        except DomainError as exc:
            line = DriftLine(group_id, -1, -1, fixed=False, error=exc.message)
        if line is not None:
            log.warning("billing drift: group %s stripe=%s expected=%s fixed=%s %s", line.group_id,
                        line.stripe_quantity, line.expected, line.fixed, line.error)
            report.append(line)

    stuck = WebhookEvent.objects.filter(processed_at=None, received_at__lt=timezone.now() - STUCK_AFTER)
    for pk in stuck.values_list("pk", flat=True):
        task.delay(pk)
    return report
