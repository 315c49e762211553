"""Reads of one store's CRM."""

from __future__ import annotations

from typing import Any

from tenants.models import StoreMembership

from .models import Customer


def store_home_summary(*, member: StoreMembership) -> dict[str, Any]:
    return {"customers": Customer.objects.count()}
