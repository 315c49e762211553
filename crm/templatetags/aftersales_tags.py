"""Template tags for after-sales: the unread-notification badge in the store navigation."""

from __future__ import annotations

from typing import Any

from django import template

from crm.aftersales.selectors import notifications_for

register = template.Library()


@register.simple_tag
def unread_notice_count(membership: Any) -> int:
    """站内通知 not yet read by the signed-in member of this store (0 outside a store)."""
    if membership is None or not getattr(membership, "user_id", None):
        return 0
    return notifications_for(membership.user_id, unread_only=True).count()
