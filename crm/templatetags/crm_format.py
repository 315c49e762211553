"""How Chinese staff read numbers and dates: 138 0013 8000, ¥1,280.00, 2026年11月23日."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext

from tenants.validators import format_cn_mobile, mask_cn_mobile

register = template.Library()

@register.filter
def phone(value: str | None) -> str:
    return format_cn_mobile(value)

@register.filter
def phone_masked(value: str | None) -> str:
    """138****8000: the one template filter for a customer's number on any page (the full number only
    through the recorded 显示号码 reveal, templates/crm/_phone.html)."""
    return mask_cn_mobile(value)

@register.filter
def yuan(value: Decimal | float | int | None) -> str:
    if value is None or value == "":
        return ""
    return f"¥{Decimal(value):,.2f}"

@register.filter
def wan(value: Decimal | float | int | None) -> str:
    """万元 as a dealer writes a car price: 235800 → 23.58万, 200000 → 20万; below 1万 in yuan."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    if abs(amount) < 10000:
        return yuan(amount)
    text = f"{(amount / 10000).quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return gettext("%(amount)s万") % {"amount": text}

@register.filter
def cndate(value: date | datetime | None) -> str:
    if not value:
        return ""
    # The date format is itself translated: 2026年11月23日 in Chinese, "Nov 23, 2026" in English.
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{date_format(value, gettext('Y年n月j日'))} {value:%H:%M}"
    return date_format(value, gettext("Y年n月j日"))

@register.filter
def month_day_time(value: datetime | None) -> str:
    """12-14 10:30 in the store's time: the short stamp of list rows (the same as |date:"m-d H:i", without
    the general date formatter's cost on every row of a long list)."""
    if not value:
        return ""
    return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%m-%d %H:%M}"

@register.filter
def get(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, "") if mapping else ""

