"""XLSX export of a comparison (门店对比导出), in the order and with the labels HQ saw on the page."""

from __future__ import annotations

from django.utils.translation import gettext

from tenants.exports import CellStyle, XlsxBook
from tenants.models import DealerGroup

from .selectors import Comparison

BEST = "DCFCE7"
WORST = "FEE2E2"
NUMBER_FORMATS = {"pct": '0.0"%"', "yuan": '"¥"#,##0.00', "hours": "0.0", "days": "0.0", "count": "#,##0"}
BOLD = CellStyle(bold=True)


def comparison_xlsx(group: DealerGroup, cmp: Comparison) -> bytes:
    """门店对比 as one sheet: title, header, one row per store (best/worst cues), the group total."""
    book = XlsxBook()
    ws = book.sheet(cmp.period.code, widths={"A": 24})
    ws.append([gettext("%(group)s 门店对比 · %(period)s") % {"group": group.name, "period": cmp.period.label}], style=CellStyle(bold=True, size=13))
    header = [gettext("门店"), gettext("门店标识"), gettext("数据状态")]
    for m in cmp.metrics:
        header += [str(m.label), gettext("%(metric)s排名") % {"metric": m.label}]
    ws.append(header, style=BOLD)
    for r in cmp.rows:
        line: list[object] = [r.name, r.slug, gettext("未更新") if r.stale else gettext("已更新")]
        styles: dict[int, CellStyle] = {}
        for i, m in enumerate(cmp.metrics):
            line += [r.values[m.key], r.ranks.get(m.key)]
            cue = r.cue(cmp, m.key)
            styles[3 + 2 * i] = CellStyle(number_format=NUMBER_FORMATS[m.unit],
                                          fill=(BEST if cue == "best" else WORST) if cue else None)
        ws.append(line, cells=styles)
    total: list[object] = [gettext("集团合计/平均"), "", ""]
    for m in cmp.metrics:
        total += [cmp.total[m.key], None]
    ws.append(total, style=BOLD)
    return book.to_bytes()
