"""每月底导出: customers whose maintenance is due next month and who have not come in, as XLSX/CSV."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from tenants.exports import table_bytes

from .selectors import MaintenanceDue

HEADER = [gettext_lazy("客户姓名"), gettext_lazy("手机号"), gettext_lazy("车牌号"), gettext_lazy("车型"),
          gettext_lazy("上次保养"), gettext_lazy("最近里程(km)"), gettext_lazy("日行驶里程(km)"),
          gettext_lazy("预计保养日期"), gettext_lazy("依据")]


def next_month(today: dt.date) -> tuple[dt.date, dt.date]:
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def _rows(items: Iterable[MaintenanceDue]) -> Iterable[list[Any]]:
    for m in items:
        yield [m.customer_name, m.mobile, m.plate, m.model, m.last_visit.isoformat() if m.last_visit else gettext("首保"),
               m.last_km or "", round(m.daily_km, 1) if m.daily_km is not None else "", m.due_on.isoformat(), gettext(m.by)]  # 时间 | 里程, both in the catalogue


def maintenance_due_file(items: Iterable[MaintenanceDue], fmt: str = "xlsx") -> bytes:
    """The month-end list (每月底导出) as `xlsx` or `csv` bytes, through the one export helper."""
    return table_bytes(fmt, _rows(items), header=[str(h) for h in HEADER], title=gettext("下月到期保养"))
