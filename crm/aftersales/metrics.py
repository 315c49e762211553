"""Return visits, satisfaction, complaints and corrective actions (handbook 002 回访月报) for HQ snapshots.

Runs inside the store's schema (the caller holds tenant_context) and reuses the monthly report's
set-based queries, so the store's report page and HQ's comparison show the same figures.
"""

from __future__ import annotations

from django.db import connection
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from crm.aftersales.report import monthly_report
from hq.metrics.catalogue import Metric, register
from hq.metrics.periods import Period
from hq.policy.starter import STARTER_SURVEY

SATISFACTION_Q_PREFIX = "satisfaction_q."
AREA = _("回访投诉")

_M = Metric
METRICS: tuple[Metric, ...] = (
    _M("revisits_due", _("应回访数量"), "count", None, "sum", AREA),
    _M("revisits_made", _("实施回访数量"), "count", True, "sum", AREA),
    _M("revisits_made_pct", _("实施回访率(占应回访)"), "pct", True, "mean", AREA),
    _M("revisits_successful", _("成功回访数量"), "count", True, "sum", AREA),
    _M("revisits_successful_pct", _("成功回访率(占应回访)"), "pct", True, "mean", AREA),
    _M("satisfaction_pct", _("回访满意度"), "pct", True, "mean", AREA),
    _M("satisfaction_last_repair_pct", _("对上次维修的满意度"), "pct", True, "mean", AREA),
    _M("complaints_opened", _("新受理投诉"), "count", False, "sum", AREA),
    _M("complaints_closed", _("结案投诉"), "count", True, "sum", AREA),
    _M("complaints_overdue", _("超时投诉"), "count", False, "sum", AREA),
    _M("complaints_per_100_customers", _("每百名客户投诉数"), "count", False, "mean", AREA),
    _M("complaint_first_reply_avg_h", _("首次回复客户平均用时"), "hours", False, "mean", AREA),
    _M("complaint_sla_pct", _("投诉时限达成率"), "pct", True, "mean", AREA),
    _M("corrective_actions_due", _("到期整改措施"), "count", None, "sum", AREA),
    _M("corrective_actions_done", _("到期整改措施已完成"), "count", True, "sum", AREA),
)


def question_metric(key: str, text: str | None = None) -> Metric:
    return Metric(f"{SATISFACTION_Q_PREFIX}{key}", format_lazy(_("满意度：{question}"), question=text or key), "pct", True, "mean", AREA)


register(*METRICS)
# The starter survey's questions are known up front; a group's own question keys are registered when
# first computed in this process (the catalogue's `metric()` should also accept the prefix).
register(*(question_metric(q["key"], q["text"]) for q in STARTER_SURVEY["questions"]))


def compute(period: Period) -> dict[str, float]:
    r = monthly_report(period)
    out: dict[str, float | None] = {
        "revisits_due": r.due, "revisits_made": r.made, "revisits_made_pct": r.made_pct,
        "revisits_successful": r.successful, "revisits_successful_pct": r.successful_pct,
        "satisfaction_pct": r.satisfaction_pct, "satisfaction_last_repair_pct": r.repair_satisfaction_pct,
        "complaints_opened": r.complaints_opened, "complaints_closed": r.complaints_closed,
        "complaints_overdue": r.complaints_overdue, "complaint_first_reply_avg_h": r.first_reply_avg_h,
        "complaint_sla_pct": r.sla_pct, "corrective_actions_due": r.actions_due,
        "corrective_actions_done": r.actions_done,
    }

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM crm_customer")
        customers = cursor.fetchone()[0]
    out["complaints_per_100_customers"] = round(100.0 * r.complaints_opened / customers, 2) if customers else None
    for q in r.questions:
        key = f"{SATISFACTION_Q_PREFIX}{q.key}"
        register(question_metric(q.key, q.text))
        out[key] = q.pct
    # A figure with no basis (nothing due, nothing answered) is absent, never a misleading zero.
    return {k: float(v) for k, v in out.items() if v is not None}
