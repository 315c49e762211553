"""工作日历: China's public holidays and adjusted working days (调休), with HQ corrections.

Sources, strongest first: the group's own corrections (hq.CalendarDay); the PyPI package
`chinese-calendar` (it raises NotImplementedError for years it lacks); plain weekends for a year
nobody covers — such a year is reported by `missing_years` so HQ sees it and enters it.

`add_working_time` computes SLA deadlines such as "half a working day" (半个工作日) and "one
working day" on a store's working hours ({"mon": ["08:30", "18:00"], ...}).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import chinese_calendar

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_HOURS = ("08:30", "18:00")
SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_SCAN_DAYS = 400


def _library_is_working(day: dt.date) -> bool | None:
    """chinese-calendar's answer, or None when it has no data for that year."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def library_covers(year: int) -> bool:
    return _library_is_working(dt.date(year, 6, 1)) is not None


@dataclass
class WorkCalendar:
    """One group's calendar: corrections by day, and the years HQ has entered itself."""

    corrections: dict[dt.date, bool] = field(default_factory=dict)
    names: dict[dt.date, str] = field(default_factory=dict)
    entered_years: set[int] = field(default_factory=set)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.corrections:
            return self.corrections[day]
        if day.year not in self.entered_years:
            answer = _library_is_working(day)
            if answer is not None:
                return answer
        return day.weekday() < 5

    def source(self, year: int) -> str:
        """'hq' (HQ entered it), 'library' (chinese-calendar) or 'fallback' (weekends only)."""
        if year in self.entered_years:
            return "hq"
        return "library" if library_covers(year) else "fallback"

    def missing_years(self, years: list[int]) -> list[int]:
        """Years among `years` that fall back to plain weekends: HQ must enter them."""
        return [y for y in years if self.source(y) == "fallback"]

    def holiday_name(self, day: dt.date) -> str:
        if day in self.names:
            return self.names[day]
        from .policy.catalog import HOLIDAYS

        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return ""
        return HOLIDAYS.get(name or "", "") if on_holiday else ""


def _parse(hhmm: str) -> dt.time:
    h, m = hhmm.split(":")
    return dt.time(int(h), int(m))


def store_hours(working_hours: dict[str, list[str]] | None, day: dt.date) -> tuple[dt.time, dt.time] | None:
    """The store's opening hours on `day`'s weekday, or None if it is closed that weekday."""
    if not working_hours:
        return _parse(DEFAULT_HOURS[0]), _parse(DEFAULT_HOURS[1])
    span = working_hours.get(WEEKDAYS[day.weekday()])
    if not span or len(span) != 2:
        return None
    start, end = _parse(span[0]), _parse(span[1])
    return (start, end) if end > start else None


def add_working_time(
    start: dt.datetime,
    *,
    days: float = 0,
    hours: float = 0,
    working_hours: dict[str, list[str]] | None,
    calendar: WorkCalendar,
) -> dt.datetime:
    """The moment `days` working days (fractions are of that day's opening hours) plus `hours`
    working hours after `start`, counting only the store's opening hours on working days.

    Half a working day from Monday 16:00 with 08:30–18:00 hours is Tuesday 11:15.
    """
    tz = start.tzinfo or SHANGHAI
    cursor = start.astimezone(tz) if start.tzinfo else start.replace(tzinfo=tz)
    remaining_days = float(days)
    remaining_minutes = float(hours) * 60
    for _ in range(MAX_SCAN_DAYS):
        day = cursor.date()
        span = store_hours(working_hours, day) if calendar.is_working_day(day) else None
        if span is not None:
            open_at = dt.datetime.combine(day, span[0], tzinfo=tz)
            close_at = dt.datetime.combine(day, span[1], tzinfo=tz)
            length = (close_at - open_at).total_seconds() / 60
            cursor = max(cursor, open_at)
            available = max(0.0, (close_at - cursor).total_seconds() / 60)
            if remaining_days > 0:
                need = remaining_days * length
                if need <= available:
                    cursor += dt.timedelta(minutes=need)
                    available -= need
                    remaining_days = 0
                else:
                    remaining_days -= available / length
                    available = 0
            if remaining_days <= 1e-9 and remaining_minutes <= available:
                return cursor + dt.timedelta(minutes=remaining_minutes)
            if remaining_days <= 1e-9:
                remaining_minutes -= available
        cursor = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=tz)
    raise ValueError("no working time within a year: check the store's working hours")


def next_working_day(day: dt.date, calendar: WorkCalendar) -> dt.date:
    """`day` itself if it is a working day, otherwise the next one."""
    for _ in range(MAX_SCAN_DAYS):
        if calendar.is_working_day(day):
            return day
        day += dt.timedelta(days=1)
    return day
