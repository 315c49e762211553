"""Copy a Stripe subscription onto our BillingAccount and write the audit line for each transition."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from tenants.models import User

from ..models import BillingAccount, BillingAuditLog
from ..plans import plan_name
from ..selectors import CLOSED_STATUSES, grace_until

PAYING_STATUSES = (BillingAccount.Status.ACTIVE, BillingAccount.Status.TRIALING)
FAILED_STATUSES = (BillingAccount.Status.PAST_DUE, BillingAccount.Status.UNPAID)


def audit(
    account: BillingAccount, kind: str, message: str, *, actor: User | None = None, event_id: str = "",
    data: dict[str, Any] | None = None,
) -> BillingAuditLog:
    return BillingAuditLog.objects.create(account=account, kind=kind, message=message, actor=actor,
                                          stripe_event_id=event_id, data=data or {})


def cn_date(value: datetime) -> str:
    """2026年11月23日, in the project's time zone."""
    return date_format(timezone.localtime(value), gettext("Y年n月j日"))


def _ts(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def _plan_of(item: dict[str, Any]) -> tuple[str, str]:
    plan = item.get("plan") or item.get("price") or {}
    plan_id = str(plan.get("id", "")) if isinstance(plan, dict) else str(plan)
    prefix = settings.BILLING_STRIPE_PLAN_PREFIX
    if plan_id.startswith(prefix) and "_" in plan_id[len(prefix):]:
        code, interval = plan_id[len(prefix):].rsplit("_", 1)
        return code, interval
    return plan_id, ""


def mirror_subscription(
    account: BillingAccount, sub: dict[str, Any], *, actor: User | None = None, event_id: str = "",
    failed_at: datetime | None = None,
) -> None:
    """Make `account` match the Stripe subscription `sub`; audit payment failures, recoveries, cancels."""
    items = (sub.get("items") or {}).get("data") or []
    item = items[0] if items else {}
    old_status = account.status
    new_status = str(sub.get("status") or "")
    account.stripe_subscription_id = sub.get("id") or account.stripe_subscription_id
    if item:
        account.stripe_item_id = item.get("id", account.stripe_item_id)
        account.plan_code, account.interval = _plan_of(item)
        account.quantity = int(item.get("quantity") or sub.get("quantity") or 0)
    account.status = new_status
    account.current_period_end = _ts(sub.get("current_period_end") or item.get("current_period_end"))
    account.cancel_at_period_end = bool(sub.get("cancel_at_period_end"))
    if sub.get("trial_end"):
        account.trial_ends_at = _ts(sub["trial_end"])

    if new_status in FAILED_STATUSES and account.payment_failed_at is None:
        account.payment_failed_at = failed_at or timezone.now()
        until = grace_until(account)
        assert until is not None
        audit(account, BillingAuditLog.Kind.PAYMENT_FAILED,
              gettext("扣款失败，宽限期至 %(date)s；逾期未付，各门店将转为只读。") % {"date": cn_date(until)},
              actor=actor, event_id=event_id)
    elif new_status in PAYING_STATUSES and account.payment_failed_at is not None:
        account.payment_failed_at = None
        account.lapse_recorded = False
        audit(account, BillingAuditLog.Kind.PAYMENT_RECOVERED, gettext("付款已恢复，各门店立即恢复正常使用。"),
              actor=actor, event_id=event_id)
    elif new_status in CLOSED_STATUSES and old_status not in CLOSED_STATUSES:
        audit(account, BillingAuditLog.Kind.CANCELED, gettext("订阅已终止，各门店转为只读（数据完整保留）。"),
              actor=actor, event_id=event_id)
    elif new_status != old_status and old_status:
        labels = dict(BillingAccount.Status.choices)
        audit(account, BillingAuditLog.Kind.STATUS,
              gettext("订阅状态：%(old)s → %(new)s") % {"old": labels.get(old_status, old_status),
                                                       "new": labels.get(new_status, new_status)},
              actor=actor, event_id=event_id)
    account.save()


def plan_label(account: BillingAccount) -> str:
    return plan_name(account.plan_code)
