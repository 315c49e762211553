"""工作日历: China's public holidays and adjusted working days (调休), with HQ corrections.

Sources, strongest first: the group's own corrections (hq.CalendarDay); the PyPI package
`chinese-calendar` (it raises NotImplementedError for years it lacks); plain weekends for a year
nobody covers — such a year is reported by `missing_years` so HQ sees it and enters it.

`add_working_time` computes SLA deadlines such as "half a working day" (半个工作日) and "one
working day" on a store's working hours ({"mon": ["08:30", "18:00"], ...}); `working_time_between`
measures the working time left to such a deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

from .policy.catalog import HOLIDAYS

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_HOURS = ("08:30", "18:00")
SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_SCAN_DAYS = 400


@lru_cache(maxsize=4096)
def _library_is_working(day: dt.date) -> bool | None:
    """chinese-calendar's answer, or None when it has no data for that year (fixed data of the installed
    package, so remembered: a page of deadlines asks about the same few days many times)."""
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

        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return ""
        return HOLIDAYS.get(name or "", "") if on_holiday else ""


def _parse(hhmm: str) -> dt.time:
    h, m = hhmm.split(":")
    return dt.time(int(h), int(m))


def store_spans(working_hours: dict[str, list[str]] | None, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    """The store's opening spans on `day`'s weekday: ["08:30", "18:00"] is one span; a store with a
    lunch break writes ["08:30", "12:00", "13:30", "18:00"]. Empty when it is closed that weekday."""
    if not working_hours:
        return [(_parse(DEFAULT_HOURS[0]), _parse(DEFAULT_HOURS[1]))]
    raw = working_hours.get(WEEKDAYS[day.weekday()]) or []
    if len(raw) < 2 or len(raw) % 2:
        return []
    times = [_parse(t) for t in raw]
    spans = list(zip(times[::2], times[1::2], strict=True))
    if any(b <= a for a, b in spans) or any(spans[i][1] > spans[i + 1][0] for i in range(len(spans) - 1)):
        return []
    return spans


def store_hours(working_hours: dict[str, list[str]] | None, day: dt.date) -> tuple[dt.time, dt.time] | None:
    """The store's opening and closing time on `day`'s weekday, or None if it is closed that weekday."""
    spans = store_spans(working_hours, day)
    return (spans[0][0], spans[-1][1]) if spans else None


@dataclass(frozen=True)
class _Day:
    """One working day's opening spans as aware datetimes in the store's zone."""

    spans: list[tuple[dt.datetime, dt.datetime]]

    @property
    def minutes(self) -> float:
        return sum((b - a).total_seconds() for a, b in self.spans) / 60

    def offset(self, moment: dt.datetime) -> float:
        """Working minutes from the opening to `moment`."""
        return sum((min(b, moment) - a).total_seconds() for a, b in self.spans if moment > a) / 60

    def at(self, minutes: float) -> dt.datetime:
        """The moment `minutes` working minutes after the opening (a span's end when it lands there)."""
        for a, b in self.spans:
            length = (b - a).total_seconds() / 60
            if minutes <= length + 1e-9:
                return a + dt.timedelta(minutes=minutes)
            minutes -= length
        return self.spans[-1][1]


def _working_day(day: dt.date, working_hours: dict[str, list[str]] | None, calendar: WorkCalendar,
                 tz: dt.tzinfo) -> _Day | None:
    if not calendar.is_working_day(day):
        return None
    spans = store_spans(working_hours, day)
    if not spans:
        return None
    return _Day([(dt.datetime.combine(day, a, tzinfo=tz), dt.datetime.combine(day, b, tzinfo=tz)) for a, b in spans])


def _next_day(day: dt.date, working_hours: dict[str, list[str]] | None, calendar: WorkCalendar,
              tz: dt.tzinfo) -> tuple[dt.date, _Day]:
    """The first working day with opening hours strictly after `day`."""
    for _ in range(MAX_SCAN_DAYS):
        day += dt.timedelta(days=1)
        wd = _working_day(day, working_hours, calendar, tz)
        if wd is not None:
            return day, wd
    raise ValueError("no working time within a year: check the store's working hours")


def add_working_time(
    start: dt.datetime,
    *,
    days: float = 0,
    hours: float = 0,
    working_hours: dict[str, list[str]] | None,
    calendar: WorkCalendar,
    tz: dt.tzinfo,
) -> dt.datetime:
    """The moment `days` working days plus `hours` working hours after `start`, counting only the
    store's opening hours (lunch breaks excluded) on working days, read in the store's zone `tz`.

    The rule (handbook: 半个工作日 / 一个工作日):
    - a moment outside opening hours counts from the next opening (before opening: that day's; at or
      after closing, a holiday or a weekend: the next working day's);
    - each whole working day lands on the next working day at the same working-time point
      (Monday 10:00 + 1 = Tuesday 10:00; received 03:54, counted from 08:30: Tuesday 08:30);
    - a fraction is that share of the day's opening hours, counted on as working time
      (08:30 + half of 08:30–18:00 = 13:15; a deadline landing on closing time stays at closing).
    `start` may be in any zone (the database returns UTC); it is converted first.
    """
    cursor = start.astimezone(tz) if start.tzinfo else start.replace(tzinfo=tz)
    day = cursor.date()
    today = _working_day(day, working_hours, calendar, tz)
    if today is None or cursor >= today.spans[-1][1]:
        day, today = _next_day(day, working_hours, calendar, tz)
        point = 0.0
    else:
        point = today.offset(cursor)
    whole = int(days + 1e-9)
    fraction = float(days) - whole
    for _ in range(whole):
        day, today = _next_day(day, working_hours, calendar, tz)
        point = min(point, today.minutes)
    # The fraction is of the day it is counted on; what does not fit runs on into the next day.
    remaining = fraction
    while remaining > 1e-9:
        available = today.minutes - point
        need = remaining * today.minutes
        if need <= available + 1e-9:
            point += need
            remaining = 0
        else:
            remaining -= available / today.minutes
            day, today = _next_day(day, working_hours, calendar, tz)
            point = 0.0
    minutes = float(hours) * 60
    while minutes > today.minutes - point + 1e-9:
        minutes -= today.minutes - point
        day, today = _next_day(day, working_hours, calendar, tz)
        point = 0.0
    return today.at(point + minutes)


def working_time_between(
    start: dt.datetime,
    end: dt.datetime,
    *,
    working_hours: dict[str, list[str]] | None,
    calendar: WorkCalendar,
    tz: dt.tzinfo,
) -> dt.timedelta:
    """The working time from `start` to `end` (negative when `end` is earlier): only the store's opening
    hours (lunch breaks excluded) on working days count, read in the store's zone `tz` — the inverse of
    `add_working_time` (Friday 17:00 to Monday 10:00 with 08:30–18:00 hours: 1 h + 1 h 30 = 2 h 30)."""
    if end < start:
        return -working_time_between(end, start, working_hours=working_hours, calendar=calendar, tz=tz)
    a, b = start.astimezone(tz), end.astimezone(tz)
    seconds = 0.0
    day = a.date()
    while day <= b.date():
        wd = _working_day(day, working_hours, calendar, tz)
        for lo, hi in wd.spans if wd is not None else []:
            overlap = (min(hi, b) - max(lo, a)).total_seconds()
            seconds += max(overlap, 0.0)
        day += dt.timedelta(days=1)
    return dt.timedelta(seconds=seconds)


def next_working_day(day: dt.date, calendar: WorkCalendar) -> dt.date:
    """`day` itself if it is a working day, otherwise the next one."""
    for _ in range(MAX_SCAN_DAYS):
        if calendar.is_working_day(day):
            return day
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, days: int, calendar: WorkCalendar) -> dt.date:
    """The `days`-th working day after `day` (the day itself never counts, whether it is working or not):
    a request received on Friday 2026-09-25 (中秋) has its 1st working day on Monday 09-28.

    Whole-day deadlines counted on the calendar alone (national holidays, 调休, HQ corrections), not on a
    store's opening hours: a legal time limit in 工作日 does not stretch because a store closes on Mondays."""
    for _ in range(days):
        day += dt.timedelta(days=1)
        for _scan in range(MAX_SCAN_DAYS):
            if calendar.is_working_day(day):
                break
            day += dt.timedelta(days=1)
    return day
