"""Sales funnel, after-sales and customer-structure figures from the store CRM (set-based SQL).

Runs inside the store's schema (the caller holds tenant_context). Each area is one query with
FILTER aggregates, so a store's figures cost a handful of round trips whatever its size.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from crm.leads.metrics import first_response_figures
from crm.models.choices import DefeatReason
from hq.metrics.catalogue import DEFEAT_REASON_PREFIX, register_prefix_label
from hq.metrics.periods import Period
from tenants.db import fetch_one, percent


def _defeat_label(code: str) -> str:
    try:
        return str(DefeatReason(code).label)
    except ValueError:
        return code


register_prefix_label(DEFEAT_REASON_PREFIX, _defeat_label)

# Time from a lead or showroom visit to the first human contact (automatic messages are not FollowUp rows).
FIRST_CONTACT_DEADLINE_H = 24


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end, dt.time.min, tzinfo=tz)
    return start, end


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
