"""首次响应 figures for HQ's comparison (joined to the CRM provider, crm.selectors.hq_metrics).

Of the leads received in the period: the median working minutes (store hours) to the first human
contact, in hours, and the share contacted within the policy's deadline — overall and per source.
"""

from __future__ import annotations

import datetime as dt

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from hq.metrics.catalogue import Metric, register

from ..models.leads import LeadSource
from .selectors import first_response_stats

MEDIAN = "lead_response_median_h"
ON_TIME = "lead_response_on_time_pct"
SALES = _("销售")

register(
    Metric(MEDIAN, _("线索首次响应用时中位数(工作小时)"), "hours", False, "mean", SALES),
    Metric(ON_TIME, _("线索首次响应及时率"), "pct", True, "mean", SALES),
    *[Metric(f"{ON_TIME}.{code}", format_lazy("{}：{}", _("线索首次响应及时率"), label), "pct", True, "mean",
             SALES) for code, label in LeadSource.choices],
    *[Metric(f"{MEDIAN}.{code}", format_lazy("{}：{}", _("首次响应用时中位数"), label), "hours", False,
             "mean", SALES) for code, label in LeadSource.choices],
)


def first_response_figures(start: dt.datetime, end: dt.datetime) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for row in first_response_stats(start, end, now=end):
        suffix = f".{row['source']}" if row["source"] else ""
        out[f"{ON_TIME}{suffix}"] = row["within_pct"]
        out[f"{MEDIAN}{suffix}"] = None if row["median_minutes"] is None else round(row["median_minutes"] / 60, 2)
    return out
