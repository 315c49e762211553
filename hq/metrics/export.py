"""XLSX export of a comparison (门店对比导出), in the order and with the labels HQ saw on the page."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from tenants.models import DealerGroup

from .selectors import Comparison

BEST = PatternFill("solid", fgColor="DCFCE7")
WORST = PatternFill("solid", fgColor="FEE2E2")
NUMBER_FORMATS = {"pct": '0.0"%"', "yuan": '"¥"#,##0.00', "hours": "0.0", "days": "0.0", "count": "#,##0"}


def comparison_xlsx(group: DealerGroup, cmp: Comparison) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = cmp.period.code
    ws.append([f"{group.name} 门店对比 · {cmp.period.label}"])
    ws["A1"].font = Font(bold=True, size=13)
    header = ["门店", "门店标识", "数据状态"]
    for m in cmp.metrics:
        header += [str(m.label), f"{m.label}排名"]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in cmp.rows:
        line: list[object] = [r.name, r.slug, "未更新" if r.stale else "已更新"]
        for m in cmp.metrics:
            line += [r.values[m.key], r.ranks.get(m.key)]
        ws.append(line)
        row = ws.max_row
        for i, m in enumerate(cmp.metrics):
            cell = ws.cell(row=row, column=4 + 2 * i)
            cell.number_format = NUMBER_FORMATS[m.unit]
            cue = r.cue(cmp, m.key)
            if cue:
                cell.fill = BEST if cue == "best" else WORST
    total: list[object] = ["集团合计/平均", "", ""]
    for m in cmp.metrics:
        total += [cmp.total[m.key], None]
    ws.append(total)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 24
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
