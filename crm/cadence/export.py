"""每月底导出: customers whose maintenance is due next month and who have not come in, as XLSX/CSV."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from tenants.exports import table_bytes

from .selectors import MaintenanceDue

HEADER = ["客户姓名", "手机号", "车牌号", "车型", "上次保养", "最近里程(km)", "日行驶里程(km)", "预计保养日期", "依据"]


def next_month(today: dt.date) -> tuple[dt.date, dt.date]:
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def _rows(items: Iterable[MaintenanceDue]) -> Iterable[list[Any]]:
    for m in items:
        yield [m.customer_name, m.mobile, m.plate, m.model, m.last_visit.isoformat() if m.last_visit else "首保",
               m.last_km or "", round(m.daily_km, 1) if m.daily_km is not None else "", m.due_on.isoformat(), m.by]


def maintenance_due_file(items: Iterable[MaintenanceDue], fmt: str = "xlsx") -> bytes:
    """The month-end list (每月底导出) as `xlsx` or `csv` bytes, through the one export helper."""
    return table_bytes(fmt, _rows(items), header=HEADER, title="下月到期保养")
