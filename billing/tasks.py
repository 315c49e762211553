"""Billing tasks: thin, take ids, call a service. Stripe being down means retry, not loss."""

from __future__ import annotations

from celery import shared_task

from .errors import PaymentProviderUnavailable


@shared_task(
    name="billing.subscription_sync_quantity",
    autoretry_for=(PaymentProviderUnavailable,), retry_backoff=True, max_retries=8,
)
def subscription_sync_quantity(group_id: int) -> None:
    """Align the group's subscription quantity with its billable stores."""
    from . import services  # Celery convention: billing.services imports this module

    services.subscription_sync_quantity(group_id=group_id)


def subscription_sync_quantity_later(*, group_id: int) -> None:
    """Queue the quantity sync (tenants hook `billable_stores_changed`, called after commit)."""
    subscription_sync_quantity.delay(group_id)


@shared_task(
    name="billing.webhook_event_process",
    autoretry_for=(PaymentProviderUnavailable,), retry_backoff=True, max_retries=8,
)
def webhook_event_process(event_pk: int) -> None:
    from . import services  # Celery convention: billing.services imports this module

    services.webhook_event_process(event_pk=event_pk)


@shared_task(name="billing.reconcile")
def reconcile() -> int:
    """Nightly: report and fix quantity drift; returns how many groups drifted."""
    from . import services  # Celery convention: billing.services imports this module

    return len(services.billing_reconcile())
