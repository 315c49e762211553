"""营业时间与时区: the store's working hours (with an optional lunch break) and its time zone, which every
SLA deadline, working-time rule and "today" reads."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import DomainError
from ..models import Store, User, validate_time_zone
from .staff import staff_manager_check

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _day_spans(day: str, span: list[str]) -> list[str]:
    """["08:30", "18:00"], or with a lunch break ["08:30", "12:00", "13:30", "18:00"] (hq.calendar.store_spans):
    each time after the one before, the break inside the day."""
    if len(span) not in (2, 4):
        raise DomainError(_("请填写上下班时间。"), field=f"{day}_end")
    start, end = span[0], span[-1]
    if start >= end:
        raise DomainError(_("下班时间必须晚于上班时间。"), field=f"{day}_end")
    if len(span) == 4:
        lunch_start, lunch_end = span[1], span[2]
        if lunch_start >= lunch_end:
            raise DomainError(_("午休结束时间必须晚于开始时间。"), field=f"{day}_lunch_end")
        if not (start < lunch_start and lunch_end < end):
            raise DomainError(_("午休时间必须在上下班时间之内。"), field=f"{day}_lunch_start")
    return list(span)


def working_hours_clean(hours: dict[str, list[str] | None]) -> dict[str, list[str]]:
    """Weekly hours as stored ({"mon": ["08:30", "18:00"], ...}, days off left out), each day checked the one
    way (the store's hours and a sales consultant's 排班 alike); DomainError names the day's field."""
    return {day: _day_spans(day, span) for day in WEEKDAYS if (span := hours.get(day))}


@transaction.atomic
def store_working_hours_set(*, actor: User, store: Store, hours: dict[str, list[str] | None],
                            time_zone: str | None = None) -> Store:
    """Set (and confirm) the hours: {"mon": ["08:30", "18:00"], "tue": ["08:30", "12:00", "13:30", "18:00"]
    (a lunch break), "sun": None (closed), ...}, and — when given — the store's time zone (an IANA name
    such as Asia/Shanghai). Nothing is saved unless all of it is valid."""
    staff_manager_check(actor=actor, store=store)
    clean = working_hours_clean(hours)
    if not clean:
        raise DomainError(_("至少要有一天营业。"))
    fields = ["working_hours", "hours_confirmed_at"]
    if time_zone is not None:
        try:
            validate_time_zone(time_zone)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field="time_zone") from exc
        store.time_zone = time_zone
        fields.append("time_zone")
    store.working_hours = clean
    store.hours_confirmed_at = timezone.now()
    store.save(update_fields=fields)
    return store
