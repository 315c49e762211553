"""Money as ¥1,280.00 and Stripe timestamps as 2026年11月23日."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

register = template.Library()


@register.filter
def yuan(fen: Any) -> str:
    """Amount in 分 → ¥1,280.00 (negative amounts keep their sign: -¥20.00)."""
    if fen in (None, ""):
        return "—"
    amount = Decimal(int(fen)) / 100
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def unix_date(ts: Any) -> str:
    if not ts:
        return "—"
    return date_format(timezone.localtime(datetime.fromtimestamp(int(ts), tz=UTC)), gettext("Y年n月j日"))
