"""每月底导出: customers whose maintenance is due next month and who have not come in, as XLSX/CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from openpyxl import Workbook

from .selectors import MaintenanceDue

HEADER = ["客户姓名", "手机号", "车牌号", "车型", "上次保养", "最近里程(km)", "日行驶里程(km)", "预计保养日期", "依据"]


def next_month(today: dt.date) -> tuple[dt.date, dt.date]:
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def _rows(items: Iterable[MaintenanceDue]) -> Iterable[list[str]]:
    for m in items:
        yield [m.customer_name, m.mobile, m.plate, m.model, m.last_visit.isoformat() if m.last_visit else "首保",
               str(m.last_km or ""), f"{m.daily_km:.1f}" if m.daily_km is not None else "", m.due_on.isoformat(), m.by]


def maintenance_due_csv(items: Iterable[MaintenanceDue]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows(_rows(items))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens Chinese CSV correctly


def maintenance_due_xlsx(items: Iterable[MaintenanceDue]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("下月到期保养")
    ws.append(HEADER)
    for row in _rows(items):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
