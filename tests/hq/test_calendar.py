"""Working days: China's holidays and 调休 from chinese-calendar, HQ corrections, weekend fallback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hq.calendar import SHANGHAI, WorkCalendar, add_working_time
from hq.selectors import work_calendar_for_group
from hq.services.calendar import calendar_day_set, calendar_lines_parse, calendar_year_enter
from tests.world import World

HOURS = {d: ["08:30", "18:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def test_adjusted_working_saturday_counts_and_national_day_does_not() -> None:
    cal = WorkCalendar()
    assert cal.is_working_day(dt.date(2026, 2, 14))  # Saturday, 春节调休上班
    assert not cal.is_working_day(dt.date(2026, 10, 1))
    assert not cal.is_working_day(dt.date(2026, 11, 22))  # an ordinary Sunday
    assert cal.source(2026) == "library"


def test_a_year_no_source_has_falls_back_to_weekends_and_is_reported_missing() -> None:
    cal = WorkCalendar()
    assert cal.source(2027) == "fallback"
    assert cal.missing_years([2026, 2027]) == [2027]
    assert cal.is_working_day(dt.date(2027, 10, 1))  # a Friday: no source knows it is National Day
    assert not cal.is_working_day(dt.date(2027, 10, 2))


def test_half_a_working_day_uses_the_store_hours() -> None:
    cal = WorkCalendar()
    # Monday 2026-11-23 16:00, hours 08:30-18:00 (9.5 h): 2 h today, 2.75 h tomorrow.
    assert add_working_time(at(2026, 11, 23, 16), days=0.5, working_hours=HOURS, calendar=cal) == at(2026, 11, 24, 11, 15)
    assert add_working_time(at(2026, 11, 23, 10), days=1, working_hours=HOURS, calendar=cal) == at(2026, 11, 24, 10)
    assert add_working_time(at(2026, 11, 23, 7), hours=2, working_hours=HOURS, calendar=cal) == at(2026, 11, 23, 10, 30)


def test_one_working_day_skips_the_national_day_holiday() -> None:
    cal = WorkCalendar()
    # 2026-09-30 (Wed) 17:00 → 1 h left that day; the rest runs on the next working day after the holiday.
    due = add_working_time(at(2026, 9, 30, 17), days=1, working_hours=HOURS, calendar=cal)
    assert due == at(2026, 10, 8, 17)  # 10-01..10-07 off; 10-08 is the first working day after
    # 2026-10-10 is a Saturday made a working day (调休): it counts.
    assert add_working_time(at(2026, 10, 9, 17), days=1, working_hours=HOURS, calendar=cal) == at(2026, 10, 10, 17)


def test_a_complaint_on_friday_evening_is_due_monday_with_weekday_hours() -> None:
    cal = WorkCalendar()
    weekdays_only = {d: ["09:00", "17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    due = add_working_time(at(2026, 11, 27, 20), days=0.5, working_hours=weekdays_only, calendar=cal)
    assert due == at(2026, 11, 30, 13)


def test_hq_entered_year_is_used_and_corrections_override(world: World, db: Any) -> None:
    group = world.group_x
    days = calendar_lines_parse("2027-10-01,放假,国庆节\n2027-10-04,放假,国庆节\n2027-09-26,上班,国庆调休", 2027)
    calendar_year_enter(group=group, year=2027, days=days, note="2027年安排")
    cal = work_calendar_for_group(group.pk)
    assert cal.source(2027) == "hq" and cal.missing_years([2027]) == []
    assert not cal.is_working_day(dt.date(2027, 10, 1))
    assert cal.is_working_day(dt.date(2027, 9, 26))  # a Sunday made a working day
    assert cal.holiday_name(dt.date(2027, 10, 1)) == "国庆节"
    # Another group is not affected.
    assert work_calendar_for_group(world.group_y.pk).source(2027) == "fallback"
    # A single-day correction also beats chinese-calendar in a covered year.
    calendar_day_set(group=group, day=dt.date(2026, 11, 24), is_working=False, name="店庆")
    assert not work_calendar_for_group(group.pk).is_working_day(dt.date(2026, 11, 24))


def test_calendar_lines_are_validated(world: World, db: Any) -> None:
    import pytest

    from tenants.errors import DomainError

    with pytest.raises(DomainError, match="不属于 2027 年"):
        calendar_lines_parse("2026-10-01,放假", 2027)
    with pytest.raises(DomainError, match="只能是「放假」或「上班」"):
        calendar_lines_parse("2027-10-01,休息", 2027)
