"""The comparison table's body, rendered in one pass: 50 stores × up to 12 figures through template
tags cost more than the query behind them (see benchmarks/hq_bench.py)."""

from __future__ import annotations

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hq.metrics.catalogue import format_value
from hq.metrics.selectors import Comparison

register = template.Library()
_CUE_CLASS = {"best": "table-success", "worst": "table-danger", "": ""}


@register.simple_tag
def compare_rows(cmp: Comparison) -> SafeString:
    detail = reverse("hq:store_detail", args=[0])[:-2]  # "/hq/stores/"
    stale_title = escape(_("最近一次刷新失败或未刷新：显示的是最后一次成功的数据"))
    stale_badge = f' <span class="badge text-bg-secondary" title="{stale_title}">{escape(_("未更新"))}</span>'
    period = escape(cmp.period.code)
    out = []
    for row in cmp.rows:
        cells = []
        for m in cmp.metrics:
            rank = row.ranks.get(m.key)
            rank_html = f' <small class="text-secondary">#{int(rank)}</small>' if rank else ""
            cells.append(f'<td class="text-end {_CUE_CLASS[row.cue(cmp, m.key)]}">'
                         f"{escape(format_value(m, row.values[m.key]))}{rank_html}</td>")
        out.append(f'<tr><td><a href="{detail}{row.store_id}/?period={period}">{escape(row.name)}</a>'
                   f'{stale_badge if row.stale else ""}</td>{"".join(cells)}</tr>')
    if not out:
        out.append(f'<tr><td colspan="{len(cmp.metrics) + 1}" class="text-center text-secondary py-4">'
                   f'{escape(_("该期间还没有门店数据。"))}</td></tr>')
    return mark_safe("".join(out))  # noqa: S308 - fixed markup; every value escaped  # nosec B308, B703  # fixed markup; every interpolated value passed escape()
