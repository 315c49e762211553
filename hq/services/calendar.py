"""工作日历维护: HQ enters a year's official holiday schedule, or corrects single days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext

from tenants.errors import DomainError
from tenants.models import DealerGroup, User

from ..models import CalendarDay, CalendarYear


def _parse_line(line: str, year: int) -> tuple[dt.date, bool, str]:
    parts = line.replace("，", ",").split(",")
    if len(parts) < 2:
        raise DomainError(gettext("无法识别：「%(line)s」。每行写：日期,放假 或 日期,上班,名称") % {"line": line}, field="days")
    try:
        day = dt.date.fromisoformat(parts[0].strip())
    except ValueError as exc:
        raise DomainError(gettext("日期格式不正确：「%(value)s」，应为 %(year)s-01-01。") % {"value": parts[0].strip(), "year": year}, field="days") from exc
    if day.year != year:
        raise DomainError(gettext("%(day)s 不属于 %(year)s 年。") % {"day": day, "year": year}, field="days")
    kind = parts[1].strip()
    if kind not in ("放假", "上班"):  # zh-data: keywords of the pasted calendar format
        raise DomainError(gettext("「%(line)s」：第二项只能是「放假」或「上班」(调休)。") % {"line": line}, field="days")
    return day, kind == "上班", (parts[2].strip() if len(parts) > 2 else "")[:40]  # zh-data: keywords of the pasted calendar format


def calendar_lines_parse(text: str, year: int) -> list[tuple[dt.date, bool, str]]:
    """Parse lines like `2027-10-01,放假,国庆节` / `2027-09-26,上班,国庆调休`."""
    return [_parse_line(line, year) for line in text.splitlines() if line.strip()]


@transaction.atomic
def calendar_year_enter(*, group: DealerGroup, year: int, days: Iterable[tuple[dt.date, bool, str]],
                        note: str = "", actor: User | None = None) -> CalendarYear:
    """录入全年放假安排: replaces the group's corrections for `year`; the year then counts as covered."""
    if not 2000 <= year <= 2100:
        raise DomainError(gettext("年份不正确。"), field="year")
    days = list(days)
    if any(d.year != year for d, _w, _n in days):
        raise DomainError(gettext("有日期不属于 %(year)s 年。") % {"year": year}, field="days")
    CalendarDay.objects.filter(group=group, day__year=year).delete()
    CalendarDay.objects.bulk_create([CalendarDay(group=group, day=d, is_working=w, name=n) for d, w, n in days])
    entry, _ = CalendarYear.objects.update_or_create(group=group, year=year,
                                                     defaults={"note": note[:200], "entered_by": actor})
    return entry


@transaction.atomic
def calendar_day_set(*, group: DealerGroup, day: dt.date, is_working: bool, name: str = "") -> CalendarDay:
    """修正单日: mark one day a holiday or an adjusted working day, over any other source."""
    obj, _ = CalendarDay.objects.update_or_create(group=group, day=day,
                                                  defaults={"is_working": is_working, "name": name[:40]})
    return obj
