"""营业时间: the store's working hours, which every SLA deadline and working-time rule reads."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import DomainError
from ..models import Store, User
from .staff import staff_manager_check

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@transaction.atomic
def store_working_hours_set(*, actor: User, store: Store, hours: dict[str, list[str] | None]) -> Store:
    """Set (and confirm) the hours: {"mon": ["08:30", "18:00"], "sun": None (closed), ...}."""
    staff_manager_check(actor=actor, store=store)
    clean: dict[str, list[str]] = {}
    for day in WEEKDAYS:
        span = hours.get(day)
        if not span:
            continue
        start, end = span
        if start >= end:
            raise DomainError(_("下班时间必须晚于上班时间。"), field=f"{day}_end")
        clean[day] = [start, end]
    if not clean:
        raise DomainError(_("至少要有一天营业。"))
    store.working_hours = clean
    store.hours_confirmed_at = timezone.now()
    store.save(update_fields=["working_hours", "hours_confirmed_at"])
    return store
