"""Sales funnel, after-sales and customer-structure figures from the store CRM (set-based SQL).

Runs inside the store's schema (the caller holds tenant_context). Each area is one query with
FILTER aggregates, so a store's figures cost a handful of round trips whatever its size.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from crm.leads.metrics import first_response_figures
from crm.models import Lead
from crm.models.choices import DefeatReason
from crm.models.leads import LeadSource
from hq.metrics.catalogue import (
    DEFEAT_RATE_SOURCE_PREFIX,
    DEFEAT_REASON_PREFIX,
    DEFEAT_SOURCE_PREFIX,
    Metric,
    register,
    register_prefix_label,
)
from hq.metrics.periods import Period
from tenants.db import fetch_one, percent


def _defeat_label(code: str) -> str:
    try:
        return str(DefeatReason(code).label)
    except ValueError:
        return code


register_prefix_label(DEFEAT_REASON_PREFIX, _defeat_label)


def _source_labels() -> dict[str, str]:
    """线索来源 labels, for the defeat-by-source metric keys."""
    return {str(k): str(v) for k, v in Lead._meta.get_field("source").choices or ()}


register_prefix_label(DEFEAT_SOURCE_PREFIX, lambda code: _source_labels().get(code, code))
# 战败审核 and 公海 (crm.services.defeat / pool): how defeats are decided, and whether there was real contact.
register(
    Metric("defeats_submitted", _("战败申请"), "count", None, "sum", _("销售")),
    Metric("defeats_returned", _("战败退回"), "count", None, "sum", _("销售")),
    Metric("defeat_return_pct", _("战败退回率"), "pct", None, "mean", _("销售")),
    Metric("defeat_no_contact_pct", _("战败前无电话/到店沟通占比"), "pct", False, "mean", _("销售")),
    Metric("pool_claims", _("公海领取"), "count", True, "sum", _("销售")),
)
# The keyed families listed in HQ's metric picker too (a family exists for any code; these are the codes
# a store reports): defeat rate and defeats per lead source, and defeats per reason.
def _by_source(text: str, label: object) -> str:
    return gettext(text) % {"source": str(label)}


_by_source_lazy = lazy(_by_source, str)
# The same labels as the families' own (hq.metrics.catalogue.metric), translated when shown.
register(
    *[Metric(f"{DEFEAT_RATE_SOURCE_PREFIX}{code}", _by_source_lazy(gettext_noop("战败率（来源：%(source)s）"), label),
             "pct", False, "mean", _("销售")) for code, label in LeadSource.choices],
    *[Metric(f"{DEFEAT_SOURCE_PREFIX}{code}", _by_source_lazy(gettext_noop("战败（来源：%(source)s）"), label),
             "count", False, "sum", _("销售")) for code, label in LeadSource.choices],
    *[Metric(f"{DEFEAT_REASON_PREFIX}{code}", format_lazy(_("战败原因：{reason}"), reason=label), "count", False,
             "sum", _("销售")) for code, label in DefeatReason.choices],
)

# Time from a lead or showroom visit to the first human contact (automatic messages are not FollowUp rows).
FIRST_CONTACT_DEADLINE_H = 24


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end, dt.time.min, tzinfo=tz)
    return start, end


def _defeat_review_figures(start: dt.datetime, end: dt.datetime) -> dict[str, float | None]:
    """战败审核 in the period: submissions, decisions sent back and their share, of the defeats approved the
    share whose lead had no phone call or visit (only messages, or nothing) before it was submitted, and
    per source the defeats and the defeat rate (defeated / closed)."""
    reviews = fetch_one(
        """
        SELECT count(*) FILTER (WHERE submitted_at >= %(s)s AND submitted_at < %(e)s) AS submitted,
               count(*) FILTER (WHERE decision = 'returned' AND decided_at >= %(s)s AND decided_at < %(e)s) AS returned,
               count(*) FILTER (WHERE decision <> 'pending' AND decided_at >= %(s)s AND decided_at < %(e)s) AS decided,
               count(*) FILTER (WHERE decision = 'approved' AND decided_at >= %(s)s AND decided_at < %(e)s) AS approved,
               count(*) FILTER (WHERE decision = 'approved' AND decided_at >= %(s)s AND decided_at < %(e)s
                                AND NOT EXISTS (SELECT 1 FROM crm_followup f WHERE f.lead_id = r.lead_id
                                                AND f.channel IN ('phone', 'visit')
                                                AND f.happened_at <= r.submitted_at)) AS no_contact
        FROM crm_defeatreview r
        """,
        {"s": start, "e": end},  # type: ignore[arg-type]
    )
    out: dict[str, float | None] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.source, count(*) FILTER (WHERE l.status = 'defeated'), count(*) "
            "FROM crm_lead l JOIN crm_customer c ON c.id = l.customer_id "
            "WHERE l.status IN ('deal', 'defeated') AND l.closed_at >= %s AND l.closed_at < %s GROUP BY 1",
            [start, end],
        )
        for source, lost, closed in cursor.fetchall():
            out[f"{DEFEAT_SOURCE_PREFIX}{source}"] = lost
            out[f"{DEFEAT_RATE_SOURCE_PREFIX}{source}"] = percent(lost, closed)
    claims = fetch_one("SELECT count(*) AS n FROM crm_poolclaim WHERE claimed_at >= %s AND claimed_at < %s",
                       [start, end])
    return out | {"defeats_submitted": reviews["submitted"], "defeats_returned": reviews["returned"],
            "defeat_return_pct": percent(reviews["returned"], reviews["decided"]),
            "defeat_no_contact_pct": percent(reviews["no_contact"], reviews["approved"]),
            "pool_claims": claims["n"]}


def compute(period: Period) -> dict[str, float]:
    start, end = _bounds(period)
    out: dict[str, float | None] = {}
    leads = fetch_one(
        """
        SELECT count(*) FILTER (WHERE created_at >= %(s)s AND created_at < %(e)s) AS received,
               count(*) FILTER (WHERE created_at >= %(s)s AND created_at < %(e)s AND grade = 'H') AS h,
               count(*) FILTER (WHERE created_at >= %(s)s AND created_at < %(e)s AND grade = 'A') AS a,
               count(*) FILTER (WHERE created_at >= %(s)s AND created_at < %(e)s AND grade = 'B') AS b,
               count(*) FILTER (WHERE created_at >= %(s)s AND created_at < %(e)s AND grade = 'C') AS c,
               count(*) FILTER (WHERE status = 'deal' AND closed_at >= %(s)s AND closed_at < %(e)s) AS deal,
               count(*) FILTER (WHERE status = 'defeated' AND closed_at >= %(s)s AND closed_at < %(e)s) AS lost
        FROM crm_lead
        """,
        {"s": start, "e": end},  # type: ignore[arg-type]
    )
    out.update(leads_received=leads["received"], leads_grade_h=leads["h"], leads_grade_a=leads["a"],
               leads_grade_b=leads["b"], leads_grade_c=leads["c"], leads_converted=leads["deal"],
               leads_defeated=leads["lost"])
    closed = (leads["deal"] or 0) + (leads["lost"] or 0)
    out["conversion_rate"] = percent(leads["deal"], closed)
    out["defeat_rate"] = percent(leads["lost"], closed)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT defeat_reason, count(*) FROM crm_lead WHERE status = 'defeated' AND closed_at >= %s "
            "AND closed_at < %s AND defeat_reason <> '' GROUP BY defeat_reason",
            [start, end],
        )
        for reason, count in cursor.fetchall():
            out[f"{DEFEAT_REASON_PREFIX}{reason}"] = count
    out.update(_defeat_review_figures(start, end))
    first = fetch_one(
        """
        WITH firsts AS (
            SELECT l.id, extract(epoch FROM (min(f.happened_at) - l.created_at)) / 3600.0 AS hours
            FROM crm_lead l LEFT JOIN crm_followup f ON f.lead_id = l.id AND f.happened_at >= l.created_at
            WHERE l.created_at >= %(s)s AND l.created_at < %(e)s
            GROUP BY l.id, l.created_at
        )
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS median_h,
               count(*) FILTER (WHERE hours <= %(deadline)s) AS on_time,
               count(*) AS total
        FROM firsts
        """,
        {"s": start, "e": end, "deadline": FIRST_CONTACT_DEADLINE_H},  # type: ignore[arg-type]
    )
    out["first_contact_median_h"] = None if first["median_h"] is None else round(float(first["median_h"]), 2)
    out["first_contact_on_time_pct"] = percent(first["on_time"], first["total"])
    # 线索首次响应 against the policy's working-time deadline, overall and per source (crm.leads).
    out.update(first_response_figures(start, end))
    followups = fetch_one(
        "SELECT count(*) AS done, count(*) FILTER (WHERE on_time) AS on_time FROM crm_followup "
        "WHERE happened_at >= %s AND happened_at < %s",
        [start, end],
    )
    out["followups_done"] = followups["done"]
    out["followups_on_time_pct"] = percent(followups["on_time"], followups["done"])
    out["receptions"] = fetch_one(
        "SELECT count(*) AS n FROM crm_reception WHERE arrived_at >= %s AND arrived_at < %s", [start, end]
    )["n"]
    out["deliveries"] = fetch_one(
        "SELECT count(*) AS n FROM crm_vehicle WHERE delivered_on >= %s AND delivered_on < %s",
        [period.start, period.end],
    )["n"]
    service = fetch_one(
        "SELECT count(*) AS n, coalesce(sum(amount), 0) AS revenue FROM crm_servicevisit "
        "WHERE visited_on >= %s AND visited_on < %s",
        [period.start, period.end],
    )
    out["service_visits"] = service["n"]
    out["service_revenue"] = float(service["revenue"])
    # 首保回厂率: of cars whose first maintenance fell due by the period's end (delivered 3–15 months
    # before it), the share that came in for it.
    due = fetch_one(
        """
        SELECT count(*) AS due,
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM crm_servicevisit s WHERE s.vehicle_id = v.id
                                              AND s.kind = 'first' AND s.visited_on < %(end)s)) AS came
        FROM crm_vehicle v
        WHERE v.delivered_on >= %(end)s - interval '15 months' AND v.delivered_on < %(end)s - interval '3 months'
        """,
        {"end": period.end},  # type: ignore[arg-type]
    )
    out["first_maintenance_return_pct"] = percent(due["came"], due["due"])
    mix = fetch_one(
        """
        SELECT count(*) AS total,
               count(*) FILTER (WHERE value_class = 'A') AS a, count(*) FILTER (WHERE value_class = 'B') AS b,
               count(*) FILTER (WHERE value_class = 'C') AS c, count(*) FILTER (WHERE value_class = 'D') AS d,
               count(*) FILTER (WHERE value_class <> '') AS classed,
               count(*) FILTER (WHERE loyalty = 'loyal') AS loyal, count(*) FILTER (WHERE loyalty = 'general') AS gen,
               count(*) FILTER (WHERE loyalty = 'at_risk') AS at_risk, count(*) FILTER (WHERE loyalty = 'lost') AS lost,
               count(*) FILTER (WHERE loyalty <> '') AS graded
        FROM crm_customer WHERE created_at < %s
        """,
        [end],
    )
    out["customers_total"] = mix["total"]
    for key in ("a", "b", "c", "d"):
        out[f"value_{key}_pct"] = percent(mix[key], mix["classed"])
    out["loyal_pct"] = percent(mix["loyal"], mix["graded"])
    out["general_pct"] = percent(mix["gen"], mix["graded"])
    out["at_risk_pct"] = percent(mix["at_risk"], mix["graded"])
    out["lost_pct"] = percent(mix["lost"], mix["graded"])
    out["churn_pct"] = percent((mix["at_risk"] or 0) + (mix["lost"] or 0), mix["graded"])
    # A figure with no basis (no closed leads, no customers) is absent, never a misleading zero.
    return {k: float(v) for k, v in out.items() if v is not None}
