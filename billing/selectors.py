"""Billing reads. Public tables: always selected by group first (fail closed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.models import DealerGroup, Store

from . import gateway
from .errors import PaymentProviderUnavailable
from .models import BillingAccount, BillingAuditLog

# Archived stores are not billed; suspended ones are (they keep their data and stay readable).
BILLABLE_STORE_STATUSES = (Store.Status.ACTIVE, Store.Status.SUSPENDED)
# Subscription states with no paid service behind them: the group's stores are read-only.
CLOSED_STATUSES = (BillingAccount.Status.CANCELED, BillingAccount.Status.INCOMPLETE_EXPIRED)


@dataclass(frozen=True)
class PaymentState:
    """What access the group has because of billing, as of `now`."""

    in_grace: bool
    read_only: bool
    grace_until: datetime | None
    closed: bool


def billable_store_count(group_id: int) -> int:
    """Stores a group pays for: active and suspended (archived ones are not billed)."""
    return Store.objects.filter(group_id=group_id, status__in=BILLABLE_STORE_STATUSES).count()


def expected_quantity(group_id: int) -> int:
    """The subscription quantity a group should have: its billable stores, at least one seat."""
    return max(1, billable_store_count(group_id))


def billing_account_for_group(group: DealerGroup | int) -> BillingAccount | None:
    group_id = group if isinstance(group, int) else group.pk
    return BillingAccount.objects.select_related("group").filter(group_id=group_id).first()


def grace_until(account: BillingAccount) -> datetime | None:
    if account.payment_failed_at is None:
        return None
    return account.payment_failed_at + timedelta(days=settings.BILLING_GRACE_DAYS)


def payment_state(account: BillingAccount | None, *, now: datetime | None = None) -> PaymentState:
    """Grace or read-only: a failed payment starts the grace period; past it, read-only until paid."""
    if account is None or not account.stripe_subscription_id:
        return PaymentState(in_grace=False, read_only=False, grace_until=None, closed=False)
    now = now or timezone.now()
    closed = account.status in CLOSED_STATUSES
    until = grace_until(account)
    lapsed = until is not None and until <= now
    return PaymentState(
        in_grace=until is not None and not lapsed and not closed,
        read_only=closed or lapsed,
        grace_until=until,
        closed=closed,
    )


def group_is_read_only(group_id: int) -> bool:
    """True when the group's stores must refuse changes because billing lapsed (read by tenants.access).

    Groups without a billing account (onboarded before billing, or by the platform) are not restricted.
    """
    account = BillingAccount.objects.filter(group_id=group_id).only(
        "status", "payment_failed_at", "stripe_subscription_id"
    ).first()
    return payment_state(account).read_only


def store_read_only_reason(*, store: Store) -> str | None:
    """Why the store refuses changes on billing's account (tenants hook `store_read_only_reason`)."""
    if group_is_read_only(store.group_id):
        return gettext("集团订阅付款逾期已超过宽限期，门店暂为只读状态，恢复付款后立即恢复。")
    return None


def audit_log_for_group(group: DealerGroup, *, limit: int = 50) -> QuerySet[BillingAuditLog]:
    return BillingAuditLog.objects.filter(account__group=group).select_related("actor")[:limit]


def billing_accounts_with_subscription() -> QuerySet[BillingAccount]:
    """Every group with a live subscription, for the nightly reconcile (platform-wide on purpose)."""
    return BillingAccount.objects.exclude(stripe_subscription_id=None).exclude(status__in=CLOSED_STATUSES)


@dataclass(frozen=True)
class InvoiceLine:
    number: str
    date: int
    total: int
    status: str
    url: str


@dataclass(frozen=True)
class StripeOverview:
    next_invoice: InvoiceLine | None
    invoices: list[InvoiceLine]
    unavailable: bool


INVOICE_STATUS_LABELS = {"paid": _("已支付"), "open": _("待支付"), "draft": _("草稿"), "void": _("已作废"),
                         "uncollectible": _("无法收取")}


def _line(inv: dict[str, object]) -> InvoiceLine:
    status = str(inv.get("status") or "")
    date = inv.get("next_payment_attempt") or inv.get("period_end") or inv.get("created") or 0
    return InvoiceLine(
        number=str(inv.get("number") or inv.get("id") or ""), date=int(str(date or 0)),
        total=int(str(inv.get("total") or 0)), status=str(INVOICE_STATUS_LABELS.get(status, status)),
        url=str(inv.get("hosted_invoice_url") or ""),
    )


def stripe_overview_for_group(group: DealerGroup) -> StripeOverview:
    """The next invoice and past invoices from Stripe; `unavailable` when Stripe cannot answer now."""
    account = billing_account_for_group(group)
    if account is None or not account.stripe_customer_id:
        return StripeOverview(None, [], unavailable=False)
    try:
        invoices = [_line(i) for i in gateway.invoice_list(customer_id=account.stripe_customer_id)]
        upcoming = None
        if account.stripe_subscription_id and account.status not in CLOSED_STATUSES:
            upcoming = _line(gateway.invoice_preview(customer_id=account.stripe_customer_id,
                                                     subscription_id=account.stripe_subscription_id))
    except PaymentProviderUnavailable:
        return StripeOverview(None, [], unavailable=True)
    return StripeOverview(upcoming, invoices, unavailable=False)
