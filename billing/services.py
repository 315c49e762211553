"""Billing writes."""


def subscription_sync_quantity(*, group_id: int) -> None:
    """No subscription yet: nothing to align."""
    return None
