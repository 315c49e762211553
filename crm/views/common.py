"""Small helpers shared by the page views: form parsing and turning DomainErrors into messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from tenants.errors import DomainError
from tenants.requests import current_store
from tenants.requests import (
    member_of as member_of,  # the one helper, re-exported for the views that import it here
)

from ..errors import DuplicateMobile

T = TypeVar("T")


def store_id() -> int:
    return current_store().pk


def s(request: HttpRequest, key: str) -> str:
    return (request.POST.get(key) or "").strip()


def as_date(value: str, label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(gettext("%(label)s格式不正确。") % {"label": label}) from None


def as_datetime(value: str, label: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise DomainError(gettext("%(label)s格式不正确。") % {"label": label}) from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def as_int(value: str, label: str) -> int | None:
    if value == "":
        return None
    try:
        return int(value.replace(",", ""))
    except ValueError:
        raise DomainError(gettext("%(label)s应为整数。") % {"label": label}) from None


def attempt(request: HttpRequest, fn: Callable[[], T]) -> tuple[T | None, dict[str, Any]]:
    """Run a service; on a DomainError show its message (nothing was written) and return the error."""
    try:
        return fn(), {}
    except DuplicateMobile as exc:
        messages.error(request, exc.message)
        return None, {"error": exc.message, "field": exc.field, "existing_id": exc.customer_id,
                      "existing_name": exc.customer_name}
    except DomainError as exc:
        messages.error(request, exc.message)
        return None, {"error": exc.message, "field": exc.field}
