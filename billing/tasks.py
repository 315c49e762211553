"""Billing tasks."""

from celery import shared_task


@shared_task(name="billing.subscription_sync_quantity")
def subscription_sync_quantity(group_id: int) -> None:
    """Align the group's subscription quantity with its active stores (implemented by billing)."""
    from . import services

    services.subscription_sync_quantity(group_id=group_id)
