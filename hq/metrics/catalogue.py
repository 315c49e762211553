"""The figures HQ compares across stores: name, Chinese label, unit, which way is better, how to total.

Providers compute them inside a store's schema. They live with the data they read (crm) and are wired
in by settings.HQ_METRIC_PROVIDERS, so hq never imports crm. The catalogue is what pages, API and
exports accept, so an unknown metric name is a clear 400, never a silent empty column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Unit = Literal["count", "pct", "hours", "days", "yuan"]
Total = Literal["sum", "mean"]


@dataclass(frozen=True)
class Metric:
    key: str
    label: StrOrPromise  # translated lazily: the page's language, not the process's
    unit: Unit
    higher_is_better: bool | None  # None: neither (volumes)
    total: Total
    area: StrOrPromise


_M = Metric
CATALOGUE: tuple[Metric, ...] = (
    # 销售漏斗 (handbook 000 / 004)
    _M("leads_received", _("新增线索"), "count", True, "sum", _("销售")),
    _M("receptions", _("展厅接待"), "count", True, "sum", _("销售")),
    _M("leads_grade_h", _("H级线索"), "count", None, "sum", _("销售")),
    _M("leads_grade_a", _("A级线索"), "count", None, "sum", _("销售")),
    _M("leads_grade_b", _("B级线索"), "count", None, "sum", _("销售")),
    _M("leads_grade_c", _("C级线索"), "count", None, "sum", _("销售")),
    _M("leads_converted", _("成交"), "count", True, "sum", _("销售")),
    _M("leads_defeated", _("战败"), "count", False, "sum", _("销售")),
    _M("conversion_rate", _("成交率"), "pct", True, "mean", _("销售")),
    _M("defeat_rate", _("战败率"), "pct", False, "mean", _("销售")),
    _M("first_contact_median_h", _("首次人工联系用时(中位数)"), "hours", False, "mean", _("销售")),
    _M("first_contact_on_time_pct", _("首次联系及时率"), "pct", True, "mean", _("销售")),
    _M("followups_done", _("跟进次数"), "count", True, "sum", _("销售")),
    _M("followups_on_time_pct", _("按时跟进率"), "pct", True, "mean", _("销售")),
    _M("deliveries", _("交车"), "count", True, "sum", _("销售")),
    # 售后 (handbook 001 / 002)
    _M("service_visits", _("进站台次"), "count", True, "sum", _("售后")),
    _M("service_revenue", _("售后产值"), "yuan", True, "sum", _("售后")),
    _M("first_maintenance_return_pct", _("首保回厂率"), "pct", True, "mean", _("售后")),
    # 客户结构 (handbook 001)
    _M("customers_total", _("客户总数"), "count", None, "sum", _("客户")),
    _M("value_a_pct", _("A类客户占比"), "pct", True, "mean", _("客户")),
    _M("value_b_pct", _("B类客户占比"), "pct", None, "mean", _("客户")),
    _M("value_c_pct", _("C类客户占比"), "pct", None, "mean", _("客户")),
    _M("value_d_pct", _("D类客户占比"), "pct", None, "mean", _("客户")),
    _M("loyal_pct", _("忠诚客户占比"), "pct", True, "mean", _("客户")),
    _M("general_pct", _("一般客户占比"), "pct", None, "mean", _("客户")),
    _M("at_risk_pct", _("准流失客户占比"), "pct", False, "mean", _("客户")),
    _M("lost_pct", _("流失客户占比"), "pct", False, "mean", _("客户")),
    _M("churn_pct", _("流失率(准流失+流失)"), "pct", False, "mean", _("客户")),
)
DEFEAT_REASON_PREFIX = "defeat_reason."
SATISFACTION_PREFIX = "satisfaction_q."  # one per survey question; HQ names its own question keys
BY_KEY: dict[str, Metric] = {m.key: m for m in CATALOGUE}
DEFAULT_COMPARE = ("leads_received", "conversion_rate", "first_contact_on_time_pct", "followups_on_time_pct",
                   "deliveries", "service_visits", "first_maintenance_return_pct", "churn_pct")


def metric(key: str) -> Metric | None:
    if key in BY_KEY:
        return BY_KEY[key]
    if key.startswith(DEFEAT_REASON_PREFIX):
        reason = key[len(DEFEAT_REASON_PREFIX):]
        return Metric(key, format_lazy(_("战败原因：{reason}"), reason=_defeat_label(reason)), "count", False, "sum", _("销售"))
    if key.startswith(SATISFACTION_PREFIX) and len(key) > len(SATISFACTION_PREFIX):
        return Metric(key, format_lazy(_("满意度：{question}"), question=key[len(SATISFACTION_PREFIX):]), "pct", True, "mean", _("售后"))
    return None


# Labels of keyed families (defeat reason codes), given by the provider that owns the codes.
PREFIX_LABELS: dict[str, Callable[[str], str]] = {}


def register_prefix_label(prefix: str, label: Callable[[str], str]) -> None:
    """Let a provider name the members of a keyed family (`defeat_reason.<code>`) it reports."""
    PREFIX_LABELS[prefix] = label


def _defeat_label(code: str) -> str:
    label = PREFIX_LABELS.get(DEFEAT_REASON_PREFIX)
    return label(code) if label is not None else code


def register(*metrics: Metric) -> None:
    """Let another area (return visits, complaints, cadence) add its figures to the catalogue."""
    global CATALOGUE
    for m in metrics:
        if m.key not in BY_KEY:
            BY_KEY[m.key] = m
            CATALOGUE = (*CATALOGUE, m)


def format_value(m: Metric, value: float | None) -> str:
    if value is None:
        return "—"
    if m.unit == "pct":
        return f"{value:.1f}%"
    if m.unit == "yuan":
        return f"¥{value:,.2f}"
    if m.unit == "hours":
        return gettext("%(value)s 小时") % {"value": f"{value:.1f}"}
    if m.unit == "days":
        return gettext("%(value)s 天") % {"value": f"{value:.1f}"}
    return f"{value:,.0f}"
