"""Working days: China's holidays and 调休 from chinese-calendar, HQ corrections, weekend fallback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hq.calendar import SHANGHAI, WorkCalendar, add_working_time, working_time_between
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
    assert add_working_time(at(2026, 11, 23, 16), days=0.5, working_hours=HOURS, calendar=cal, tz=SHANGHAI) == at(2026, 11, 24, 11, 15)
    assert add_working_time(at(2026, 11, 23, 10), days=1, working_hours=HOURS, calendar=cal, tz=SHANGHAI) == at(2026, 11, 24, 10)
    assert add_working_time(at(2026, 11, 23, 7), hours=2, working_hours=HOURS, calendar=cal, tz=SHANGHAI) == at(2026, 11, 23, 10, 30)


def test_one_working_day_skips_the_national_day_holiday() -> None:
    cal = WorkCalendar()
    # 2026-09-30 (Wed) 17:00 → 1 h left that day; the rest runs on the next working day after the holiday.
    due = add_working_time(at(2026, 9, 30, 17), days=1, working_hours=HOURS, calendar=cal, tz=SHANGHAI)
    assert due == at(2026, 10, 8, 17)  # 10-01..10-07 off; 10-08 is the first working day after
    # 2026-10-10 is a Saturday made a working day (调休): it counts.
    assert add_working_time(at(2026, 10, 9, 17), days=1, working_hours=HOURS, calendar=cal, tz=SHANGHAI) == at(2026, 10, 10, 17)


def test_a_complaint_on_friday_evening_is_due_monday_with_weekday_hours() -> None:
    cal = WorkCalendar()
    weekdays_only = {d: ["09:00", "17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    due = add_working_time(at(2026, 11, 27, 20), days=0.5, working_hours=weekdays_only, calendar=cal, tz=SHANGHAI)
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


# --- Working time at the boundaries, in the store's zone (hand-worked figures) --------------------
# Hours 08:30-18:00 are 9 h 30 = 570 working minutes; half a working day is 285 min = 4 h 45.
UTC = dt.UTC


def test_a_utc_moment_is_read_on_the_store_clock() -> None:
    cal = WorkCalendar()
    # 2026-11-24 19:54 UTC is Wednesday 2026-11-25 03:54 in Shanghai, before the 08:30 opening.
    received = dt.datetime(2026, 11, 24, 19, 54, tzinfo=UTC)
    # Half a day counts from 08:30: 08:30 + 4 h 45 = 13:15 the same day (UTC arithmetic said 21:15).
    assert add_working_time(received, days=0.5, working_hours=HOURS, calendar=cal, tz=SHANGHAI) == at(2026, 11, 25, 13, 15)
    # One working day: the next working day at the same working-time point, Thursday 08:30.
    assert add_working_time(received, days=1, working_hours=HOURS, calendar=cal, tz=SHANGHAI) == at(2026, 11, 26, 8, 30)


def test_after_closing_counts_from_the_next_opening() -> None:
    cal = WorkCalendar()
    # Wednesday 19:10 is after 18:00: counted from Thursday 08:30 → half day 13:15, one day Friday 08:30.
    assert add_working_time(at(2026, 11, 25, 19, 10), days=0.5, working_hours=HOURS, calendar=cal,
                            tz=SHANGHAI) == at(2026, 11, 26, 13, 15)
    assert add_working_time(at(2026, 11, 25, 19, 10), days=1, working_hours=HOURS, calendar=cal,
                            tz=SHANGHAI) == at(2026, 11, 27, 8, 30)
    # Exactly at closing is after working time too.
    assert add_working_time(at(2026, 11, 25, 18), days=0.5, working_hours=HOURS, calendar=cal,
                            tz=SHANGHAI) == at(2026, 11, 26, 13, 15)


def test_a_lunch_break_is_not_working_time() -> None:
    cal = WorkCalendar()
    lunch = {d: ["08:30", "12:00", "13:30", "18:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    # 08:30-12:00 (210 min) + 13:30-18:00 (270 min) = 480 min; half a day = 240 min.
    # Received 11:00 (150 min in): 60 min before lunch, 180 min after → 13:30 + 3 h = 16:30.
    assert add_working_time(at(2026, 11, 25, 11), days=0.5, working_hours=lunch, calendar=cal,
                            tz=SHANGHAI) == at(2026, 11, 25, 16, 30)
    # Received at 12:30, during lunch: counts from 13:30 → 13:30 + 4 h = 17:30.
    assert add_working_time(at(2026, 11, 25, 12, 30), days=0.5, working_hours=lunch, calendar=cal,
                            tz=SHANGHAI) == at(2026, 11, 25, 17, 30)
    # Two working hours from 11:00: 1 h to 12:00, 1 h from 13:30 → 14:30.
    assert add_working_time(at(2026, 11, 25, 11), hours=2, working_hours=lunch, calendar=cal,
                            tz=SHANGHAI) == at(2026, 11, 25, 14, 30)


def test_friday_evening_runs_over_the_weekend() -> None:
    cal = WorkCalendar()
    # Fri 2026-11-27 18:30, after closing; Sat 28 / Sun 29 are not working days even though the store
    # lists hours for them → counted from Mon 30 08:30: half day 13:15, one day Tue 12-01 08:30.
    assert add_working_time(at(2026, 11, 27, 18, 30), days=0.5, working_hours=HOURS, calendar=cal,
                            tz=SHANGHAI) == at(2026, 11, 30, 13, 15)
    assert add_working_time(at(2026, 11, 27, 18, 30), days=1, working_hours=HOURS, calendar=cal,
                            tz=SHANGHAI) == at(2026, 12, 1, 8, 30)
    # Friday 16:00: 120 min left that day, 285 - 120 = 165 min on Monday → 08:30 + 2 h 45 = 11:15.
    assert add_working_time(at(2026, 11, 27, 16), days=0.5, working_hours=HOURS, calendar=cal,
                            tz=SHANGHAI) == at(2026, 11, 30, 11, 15)


def test_the_evening_before_a_tiaoxiu_working_saturday() -> None:
    cal = WorkCalendar()
    # Sat 2026-10-10 is a 调休 working day. Fri 10-09 20:00 (after closing) counts from Sat 08:30:
    # half day → Sat 13:15; one day → the next working day, Mon 10-12 08:30 (Sun 10-11 is off).
    assert add_working_time(at(2026, 10, 9, 20), days=0.5, working_hours=HOURS, calendar=cal,
                            tz=SHANGHAI) == at(2026, 10, 10, 13, 15)
    assert add_working_time(at(2026, 10, 9, 20), days=1, working_hours=HOURS, calendar=cal,
                            tz=SHANGHAI) == at(2026, 10, 12, 8, 30)
    # Fri 17:00: 60 min left, 225 min on the working Saturday → 08:30 + 3 h 45 = 12:15.
    assert add_working_time(at(2026, 10, 9, 17), days=0.5, working_hours=HOURS, calendar=cal,
                            tz=SHANGHAI) == at(2026, 10, 10, 12, 15)


def _between(a: dt.datetime, b: dt.datetime, hours: dict[str, list[str]] | None = None) -> dt.timedelta:
    return working_time_between(a, b, working_hours=HOURS if hours is None else hours, calendar=WorkCalendar(),
                                tz=SHANGHAI)


def test_working_time_between_counts_opening_hours_only() -> None:
    # Friday 2026-11-27 17:00 → Monday 11-30 10:00, open 08:30–18:00: 17:00–18:00 is 1 h, the weekend
    # is not working time, Monday 08:30–10:00 is 1 h 30 → 2 h 30.
    assert _between(at(2026, 11, 27, 17), at(2026, 11, 30, 10)) == dt.timedelta(hours=2, minutes=30)
    # The same moments given in UTC (09:00Z is 17:00 in Shanghai) are read on the store's clock.
    assert _between(dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC),
                    dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC)) == dt.timedelta(hours=2, minutes=30)
    # Past the deadline it is negative: the same 2 h 30 overdue.
    assert _between(at(2026, 11, 30, 10), at(2026, 11, 27, 17)) == -dt.timedelta(hours=2, minutes=30)
    # Both outside opening hours on the same evening: nothing.
    assert _between(at(2026, 11, 25, 19), at(2026, 11, 25, 23)) == dt.timedelta(0)


def test_working_time_between_skips_lunch_and_the_national_day_holiday() -> None:
    lunch = {d: ["08:30", "12:00", "13:30", "18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    # Monday 11:00 → 14:00: 11:00–12:00 (1 h) + 13:30–14:00 (30 min) = 1 h 30.
    assert _between(at(2026, 11, 23, 11), at(2026, 11, 23, 14), lunch) == dt.timedelta(hours=1, minutes=30)
    # Wed 2026-09-30 17:00 → Fri 10-09 09:00: 1 h on the 30th; 10-01..10-07 off; Thursday 10-08 all
    # day (9 h 30); Friday 08:30–09:00 (30 min) → 11 h.
    assert _between(at(2026, 9, 30, 17), at(2026, 10, 9, 9)) == dt.timedelta(hours=11)


def test_working_time_between_undoes_add_working_time() -> None:
    # Monday 16:00 + half a day (4 h 45) = Tuesday 11:15; between the two: 4 h 45 again.
    start = at(2026, 11, 23, 16)
    due = add_working_time(start, days=0.5, working_hours=HOURS, calendar=WorkCalendar(), tz=SHANGHAI)
    assert due == at(2026, 11, 24, 11, 15)
    assert _between(start, due) == dt.timedelta(hours=4, minutes=45)
