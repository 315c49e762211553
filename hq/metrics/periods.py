"""Periods: a day (2026-11-22), a Monday-to-Sunday week, or a month (2026-11). The one parser for HQ
metrics and the store's 回访月报/周报; parsing gives a Chinese error a person can act on."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext

from tenants.errors import DomainError

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
DAY_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    kind: str  # "day" | "week" (starts on a Monday) | "month"
    start: dt.date

    @property
    def end(self) -> dt.date:
        """The day after the period (exclusive)."""
        if self.kind == "day":
            return self.start + dt.timedelta(days=1)
        if self.kind == "week":
            return self.start + dt.timedelta(days=7)
        return add_months(self.start, 1)

    @property
    def label(self) -> str:
        if self.kind == "day":
            return date_format(self.start, gettext("Y年n月j日"))
        if self.kind == "week":
            last = self.end - dt.timedelta(days=1)
            return f"{date_format(self.start, gettext('n月j日'))}—{date_format(last, gettext('n月j日'))}"
        return date_format(self.start, gettext("Y年n月"))

    @property
    def code(self) -> str:
        return self.start.isoformat() if self.kind == "day" else self.start.strftime("%Y-%m")

    def previous(self) -> Period:
        if self.kind == "day":
            return Period("day", self.start - dt.timedelta(days=1))
        return Period("month", add_months(self.start, -1))


def add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + (day.month - 1) + months
    return dt.date(total // 12, total % 12 + 1, 1)


def parse_period(text: str | None, *, field: str = "period", kinds: tuple[str, ...] = ("month", "day")) -> Period:
    """'2026-10' → that month; '2026-10-05' → that day (or, when only "week" is wanted, the
    Monday-to-Sunday week holding it). `kinds` says which forms the caller accepts."""
    text = (text or "").strip()
    if not text:
        raise DomainError(gettext("请选择统计期间（如 2026-10 或 2026-10-05）。"), field=field)
    try:
        if (m := MONTH_RE.match(text)) and "month" in kinds:
            return Period("month", dt.date(int(m[1]), int(m[2]), 1))
        if (m := DAY_RE.match(text)) and ("day" in kinds or "week" in kinds):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return Period("day", day) if "day" in kinds else week_of(day)
    except ValueError:
        pass
    if kinds == ("month",):
        raise DomainError(gettext("月份“%(text)s”无法识别，请写作 2026-11。") % {"text": text}, field=field)
    if "month" not in kinds:
        raise DomainError(gettext("日期“%(text)s”无法识别，请写作 2026-11-18。") % {"text": text}, field=field)
    raise DomainError(gettext("统计期间“%(text)s”无法识别：月份写作 2026-10，日期写作 2026-10-05。") % {"text": text}, field=field)


def week_of(day: dt.date) -> Period:
    """The Monday-to-Sunday week holding `day`."""
    return Period("week", day - dt.timedelta(days=day.weekday()))


def month_of(day: dt.date) -> Period:
    return Period("month", day.replace(day=1))


def month_range(start: str | None, end: str | None) -> list[Period]:
    """Every month from `start` to `end` inclusive; refuses an empty, reversed or over-long range."""
    first, last = parse_period(start, field="from"), parse_period(end, field="to")
    if first.kind != "month" or last.kind != "month":
        raise DomainError(gettext("趋势按月统计：起止请写作 2026-01 这样的月份。"), field="from")
    if last.start < first.start:
        raise DomainError(gettext("起始月份 %(first)s 晚于结束月份 %(last)s，请调换。") % {"first": first.code, "last": last.code}, field="from")
    months = []
    cur = first.start
    while cur <= last.start:
        months.append(Period("month", cur))
        cur = add_months(cur, 1)
    if len(months) > 60:
        raise DomainError(gettext("趋势最多显示 60 个月，请缩短区间。"), field="from")
    return months


def current_month(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period("month", today.replace(day=1))
