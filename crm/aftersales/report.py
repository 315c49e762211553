"""回访月报 (and 回访周报 when volume grows): the figures handbook 002 asks for, set-based SQL, plus XLSX.

满意 follows one written rule (crm.aftersales.policy.answer_satisfied, applied when an answer is
recorded): a yes/no answer is satisfied when "yes"; a rating when at least the survey template's
`satisfied_from`. 各问题满意度 = satisfied answers / answers of that question; 回访总体满意度 is that
figure for the question the template names `figures.overall`; 对上次维修的满意度 is it for
`figures.last_repair`, among visits after a repair or maintenance. `monthly_report` is the one
function the page, the print view, the XLSX, the API and the HQ provider read.

Visits are counted by the day they were due (`VISIT_DUE`: their day has come, and a refusal did not end
them before it); complaints by when they were received, closed or first
answered; SLA deadlines by when they fell due; corrective actions by their deadline. The same figures
feed the store's HQ metric snapshot (crm.aftersales.metrics).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

from hq.metrics.periods import Period, month_of, parse_period, week_of
from hq.models import PolicyKind
from hq.selectors import policy_effective
from tenants.db import fetch_one, percent
from tenants.exports import CellStyle, XlsxBook

from ..models.aftersales import CauseCategory
from .policy import current_store, survey_figures

# A report period is hq.metrics.periods.Period ("week" or "month"): one period type, one parser.


def report_title(period: Period) -> str:
    return gettext("回访周报") if period.kind == "week" else gettext("回访月报")


def month_period(day: dt.date) -> Period:
    return month_of(day)


def week_period(day: dt.date) -> Period:
    return week_of(day)


def parse_report_period(month: str | None, week: str | None, today: dt.date | None = None) -> Period:
    """`month=2026-11` → that month; `week=2026-11-18` → the Monday-to-Sunday week holding that day;
    neither → this month (the store's today). Parsed by hq.metrics.periods.parse_period."""
    if week:
        return parse_period(week, field="week", kinds=("week",))
    if month:
        return parse_period(month, field="month", kinds=("month",))
    return month_of(today or timezone.localdate())


@dataclass
class QuestionRow:
    key: str
    text: str
    kind: str
    answered: int
    satisfied: int
    avg_rating: float | None
    scale: int | None

    @property
    def pct(self) -> float | None:
        return percent(self.satisfied, self.answered, digits=1)

    @property
    def unsatisfied(self) -> int:
        return self.answered - self.satisfied


@dataclass
class MonthlyReport:
    """回访月报 figures."""

    period: Period
    due: int = 0
    made: int = 0
    successful: int = 0
    overall_answered: int = 0
    satisfied: int = 0
    repair_done: int = 0
    repair_satisfied: int = 0
    complaints_found: int = 0
    questions: list[QuestionRow] = field(default_factory=list)
    complaints_opened: int = 0
    complaints_closed: int = 0
    complaints_overdue: int = 0
    first_reply_avg_h: float | None = None
    deadlines_due: int = 0
    deadlines_on_time: int = 0
    causes: list[tuple[str, int]] = field(default_factory=list)
    actions_due: int = 0
    actions_done: int = 0
    actions_done_in_period: int = 0
    actions_overdue: int = 0

    @property
    def made_pct(self) -> float | None:
        return percent(self.made, self.due, digits=1)

    @property
    def successful_pct(self) -> float | None:
        return percent(self.successful, self.due, digits=1)

    @property
    def title(self) -> str:
        return report_title(self.period)

    @property
    def satisfaction_pct(self) -> float | None:
        """回访总体满意度: satisfied share of the answers to the template's overall question."""
        return percent(self.satisfied, self.overall_answered, digits=1)

    @property
    def repair_satisfaction_pct(self) -> float | None:
        """对上次维修的满意度: satisfied share of the last-repair question's answers after a service visit."""
        return percent(self.repair_satisfied, self.repair_done, digits=1)

    @property
    def sla_pct(self) -> float | None:
        return percent(self.deadlines_on_time, self.deadlines_due, digits=1)

    @property
    def issues(self) -> list[QuestionRow]:
        """客户反映比较多的问题: questions with the most unsatisfied answers, most first."""
        return sorted((q for q in self.questions if q.unsatisfied), key=lambda q: -q.unsatisfied)[:5]


# 应回访: the one definition of a visit that fell due — planned ahead, it is due once its day has come
# (local date), unless the customer's refusal (客户要求不再回访) ended it before that day.
VISIT_DUE = """due_date <= %(today)s
    AND NOT (status = 'do_not_call' AND ended_at IS NOT NULL AND (ended_at AT TIME ZONE %(tz)s)::date < due_date)"""


def _bounds(period: Period) -> dict[str, Any]:
    tz = timezone.get_current_timezone()
    return {"d0": period.start, "d1": period.end,
            "t0": dt.datetime.combine(period.start, dt.time.min, tzinfo=tz),
            "t1": dt.datetime.combine(period.end, dt.time.min, tzinfo=tz),
            "now": timezone.now(), "today": timezone.localdate(), "tz": current_store().zone.key}


def _figures() -> dict[str, str]:
    """The questions that define the two headline figures, from the survey in force (read only)."""
    policy = policy_effective(current_store(), PolicyKind.SURVEY)
    return survey_figures(policy.body if policy is not None else None)


def monthly_report(period: Period) -> MonthlyReport:
    """回访月报 of the store whose schema is active: six set-based queries whatever the volume."""
    p = _bounds(period)
    r = MonthlyReport(period)
    v = fetch_one(
        f"""
        SELECT count(*) AS due, count(*) FILTER (WHERE attempts > 0) AS made,
               count(*) FILTER (WHERE status = 'completed') AS ok,
               count(*) FILTER (WHERE complaint_raised) AS found
        FROM crm_returnvisit WHERE due_date >= %(d0)s AND due_date < %(d1)s
          AND {VISIT_DUE}
        """, p)  # noqa: S608  # nosec B608  # a constant of this module; every value is a bound parameter
    r.due, r.made, r.successful, r.complaints_found = v["due"], v["made"], v["ok"], v["found"]
    figures = _figures()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.question_key, max(a.question_text), max(a.kind), count(*),
                   count(*) FILTER (WHERE a.satisfied), avg(a.rating), max(a.scale),
                   count(*) FILTER (WHERE v.subject = 'service'),
                   count(*) FILTER (WHERE v.subject = 'service' AND a.satisfied)
            FROM crm_surveyanswer a JOIN crm_returnvisit v ON v.id = a.visit_id
            WHERE v.due_date >= %(d0)s AND v.due_date < %(d1)s AND v.status = 'completed'
            GROUP BY a.question_key ORDER BY min(a.id)
            """, p)
        rows = cursor.fetchall()
    r.questions = [QuestionRow(k, t, kind, n, s, round(float(avg), 2) if avg is not None else None, scale)
                   for k, t, kind, n, s, avg, scale, _sn, _ss in rows]
    for k, _t, _kind, n, s, _avg, _scale, service_n, service_s in rows:
        if k == figures["overall"]:
            r.overall_answered, r.satisfied = n, s
        if k == figures["last_repair"]:
            r.repair_done, r.repair_satisfied = service_n, service_s
    c = fetch_one(
        """
        SELECT count(*) FILTER (WHERE received_at >= %(t0)s AND received_at < %(t1)s) AS opened,
               count(*) FILTER (WHERE closed_at >= %(t0)s AND closed_at < %(t1)s) AS closed,
               avg(extract(epoch FROM first_reply_at - received_at) / 3600.0)
                   FILTER (WHERE first_reply_at >= %(t0)s AND first_reply_at < %(t1)s) AS reply_h
        FROM crm_complaint WHERE state <> 'draft'
          AND ((received_at >= %(t0)s AND received_at < %(t1)s) OR (closed_at >= %(t0)s AND closed_at < %(t1)s)
               OR (first_reply_at >= %(t0)s AND first_reply_at < %(t1)s))
        """, p)
    r.complaints_opened, r.complaints_closed = c["opened"], c["closed"]
    r.first_reply_avg_h = round(float(c["reply_h"]), 1) if c["reply_h"] is not None else None
    d = fetch_one(
        """
        SELECT count(*) FILTER (WHERE d.met_at IS NOT NULL OR d.due_at < %(now)s) AS due,
               count(*) FILTER (WHERE d.met_at IS NOT NULL AND d.met_at <= d.due_at) AS on_time,
               count(DISTINCT d.complaint_id) FILTER (WHERE d.met_at > d.due_at
                                                       OR (d.met_at IS NULL AND d.due_at < %(now)s)) AS overdue
        FROM crm_complaintdeadline d WHERE d.due_at >= %(t0)s AND d.due_at < %(t1)s
        """, p)
    r.deadlines_due, r.deadlines_on_time, r.complaints_overdue = d["due"], d["on_time"], d["overdue"]
    labels = dict(CauseCategory.choices)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cause_category, count(*) FROM crm_complaint WHERE received_at >= %(t0)s "
            "AND received_at < %(t1)s AND cause_category <> '' GROUP BY cause_category ORDER BY 2 DESC", p)
        r.causes = [(str(labels.get(k, k)), n) for k, n in cursor.fetchall()]
    a = fetch_one(
        """
        SELECT count(*) FILTER (WHERE deadline >= %(d0)s AND deadline < %(d1)s) AS due,
               count(*) FILTER (WHERE deadline >= %(d0)s AND deadline < %(d1)s AND status = 'done') AS done,
               count(*) FILTER (WHERE completed_at >= %(t0)s AND completed_at < %(t1)s) AS done_in,
               count(*) FILTER (WHERE status <> 'done' AND deadline < %(today)s) AS overdue
        FROM crm_correctiveaction
        """, p)
    r.actions_due, r.actions_done, r.actions_done_in_period, r.actions_overdue = (
        a["due"], a["done"], a["done_in"], a["overdue"])
    return r


def report_rows(r: MonthlyReport) -> list[tuple[str, Any]]:
    """The summary lines, in the order handbook 002 lists them (page, print and XLSX share them)."""
    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v:.1f}%"

    return [
        (gettext("本期应回访数量"), r.due),
        (gettext("实施回访数量"), r.made),
        (gettext("实施回访百分比(实施/应回访)"), pct(r.made_pct)),
        (gettext("成功回访数量"), r.successful),
        (gettext("成功回访百分比(成功/应回访)"), pct(r.successful_pct)),
        (gettext("对上次维修的满意度"), pct(r.repair_satisfaction_pct)),
        (gettext("回访总体满意度"), pct(r.satisfaction_pct)),
        (gettext("回访中发现抱怨"), r.complaints_found),
        (gettext("新受理投诉"), r.complaints_opened),
        (gettext("结案投诉"), r.complaints_closed),
        (gettext("超时投诉"), r.complaints_overdue),
        (gettext("首次回复客户平均用时(小时)"), "—" if r.first_reply_avg_h is None else f"{r.first_reply_avg_h:.1f}"),
        (gettext("投诉时限达成率"), pct(r.sla_pct)),
        (gettext("本期到期整改措施"), r.actions_due),
        (gettext("其中已完成"), r.actions_done),
        (gettext("当前逾期未完成的整改措施"), r.actions_overdue),
    ]


def report_xlsx(r: MonthlyReport, store_name: str) -> bytes:
    """导出 XLSX: 汇总, 各问题满意度, 客户反映较多的问题/投诉原因 (through the one export helper)."""
    book = XlsxBook()
    ws = book.sheet(r.title, widths={"A": 32, "B": 16})
    ws.append([f"{store_name} {r.title}（{r.period.label}）"], style=CellStyle(bold=True, size=14))
    ws.append([])
    ws.append([gettext("指标"), gettext("数值")])
    for label, value in report_rows(r):
        ws.append([label, value])
    q = book.sheet(gettext("各问题满意度"), widths={"B": 48})
    q.append([gettext("题目编码"), gettext("题目"), gettext("回答数"), gettext("满意数"), gettext("满意度%"),
              gettext("平均分"), gettext("满分")])
    for row in r.questions:
        q.append([row.key, row.text, row.answered, row.satisfied, row.pct, row.avg_rating, row.scale])
    i = book.sheet(gettext("反映较多的问题"), widths={"A": 48})
    i.append([gettext("问题"), gettext("不满意次数")])
    for row in r.issues:
        i.append([row.text, row.unsatisfied])
    i.append([])
    i.append([gettext("投诉原因类别"), gettext("投诉数")])
    for label, n in r.causes:
        i.append([label, n])
    return book.to_bytes()


def chart_data(r: MonthlyReport) -> dict[str, Any]:
    """What the ECharts on the report page draw (json_script)."""
    return {
        "funnel": {"labels": [gettext("应回访"), gettext("实施回访"), gettext("成功回访")],
                   "values": [r.due, r.made, r.successful]},
        "questions": {"labels": [q.text[:16] for q in r.questions], "values": [q.pct for q in r.questions]},
        "causes": [{"name": label, "value": n} for label, n in r.causes],
    }
