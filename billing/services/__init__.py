"""Billing writes: subscriptions (subscriptions.py), Stripe webhooks (webhooks.py), nightly reconcile."""

from .reconcile import billing_reconcile
from .subscriptions import (
    billing_account_open,
    payment_method_update_url,
    subscription_cancel,
    subscription_change_plan,
    subscription_sync_quantity,
)
from .webhooks import webhook_event_process, webhook_event_receive

__all__ = [
    "billing_account_open",
    "billing_reconcile",
    "payment_method_update_url",
    "subscription_cancel",
    "subscription_change_plan",
    "subscription_sync_quantity",
    "webhook_event_process",
    "webhook_event_receive",
]
