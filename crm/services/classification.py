"""客户分类 (handbook 001), computed in set-based SQL: a few UPDATE ... FROM statements per store.

- stats, loyalty (忠诚/一般/准流失/流失) and service class: from paid repair orders of the last year;
- value class A/B/C/D: customers with paid visits ranked by 客单价 + 回站次数 + 回站周期, cut by the
  policy's quotas (20/30/40/10 %). It is relative to the whole store, so it changes only in the store
  run; one customer's event refreshes everything else at once;
- vehicle age band: 保修期内 / 三包期限内 / 三包期限外.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from hq.models import PolicyKind
from hq.selectors import policy_effective

from ..cadence.engine import current_store
from ..models import ClassificationPolicy

_STATS_SQL = """
UPDATE crm_customer c SET
    paid_visits_12m = COALESCE(s.paid_n, 0),
    spend_12m = COALESCE(s.spend, 0),
    avg_ticket = COALESCE(round(s.spend / NULLIF(s.paid_n, 0), 2), 0),
    visit_interval_days = CASE WHEN s.paid_n >= 2 THEN (s.paid_last - s.paid_first) / (s.paid_n - 1) END,
    last_visit_on = s.last_visit,
    service_class = COALESCE(s.last_kind, ''),
    loyalty = CASE
        WHEN COALESCE(s.last_visit, v.delivered) IS NULL THEN ''
        WHEN COALESCE(s.last_visit, v.delivered) < %(lost_cut)s THEN 'lost'
        WHEN COALESCE(s.last_visit, v.delivered) < %(risk_cut)s THEN 'at_risk'
        WHEN COALESCE(s.paid_n, 0) >= %(min_visits)s OR COALESCE(s.spend, 0) >= %(min_spend)s THEN 'loyal'
        ELSE 'general' END,
    classified_at = %(now)s
FROM crm_customer c2
LEFT JOIN (
    SELECT customer_id,
           count(*) FILTER (WHERE amount > 0 AND visited_on >= %(since)s) AS paid_n,
           sum(amount) FILTER (WHERE amount > 0 AND visited_on >= %(since)s) AS spend,
           min(visited_on) FILTER (WHERE amount > 0 AND visited_on >= %(since)s) AS paid_first,
           max(visited_on) FILTER (WHERE amount > 0 AND visited_on >= %(since)s) AS paid_last,
           max(visited_on) AS last_visit,
           (array_agg(kind ORDER BY visited_on DESC, id DESC))[1] AS last_kind
    FROM crm_servicevisit {visit_filter} GROUP BY customer_id
) s ON s.customer_id = c2.id
LEFT JOIN (
    SELECT owner_id, max(COALESCE(delivered_on, purchased_on)) AS delivered
    FROM crm_vehicle {vehicle_filter} GROUP BY owner_id
) v ON v.owner_id = c2.id
WHERE c.id = c2.id {customer_filter}
"""

_VALUE_SQL = """
WITH scored AS (
    SELECT id,
           percent_rank() OVER (ORDER BY avg_ticket)
         + percent_rank() OVER (ORDER BY paid_visits_12m)
         + percent_rank() OVER (ORDER BY COALESCE(visit_interval_days, 365) DESC) AS score
    FROM crm_customer WHERE paid_visits_12m > 0
), ranked AS (
    SELECT id, cume_dist() OVER (ORDER BY score DESC) AS pos FROM scored
)
UPDATE crm_customer c SET value_class = CASE
        WHEN r.pos IS NULL THEN ''
        WHEN r.pos <= %(a)s THEN 'A'
        WHEN r.pos <= %(b)s THEN 'B'
        WHEN r.pos <= %(c)s THEN 'C'
        ELSE 'D' END
FROM crm_customer c2 LEFT JOIN ranked r ON r.id = c2.id
WHERE c.id = c2.id AND c.value_class IS DISTINCT FROM (CASE
        WHEN r.pos IS NULL THEN ''
        WHEN r.pos <= %(a)s THEN 'A'
        WHEN r.pos <= %(b)s THEN 'B'
        WHEN r.pos <= %(c)s THEN 'C'
        ELSE 'D' END)
"""

_BAND_SQL = """
UPDATE crm_vehicle SET age_band = CASE
        WHEN COALESCE(delivered_on, purchased_on) IS NULL THEN ''
        WHEN COALESCE(warranty_until, COALESCE(delivered_on, purchased_on) + %(warranty)s) >= %(today)s THEN 'warranty'
        WHEN COALESCE(delivered_on, purchased_on) + %(sanbao)s >= %(today)s THEN 'sanbao'
        ELSE 'beyond' END
WHERE TRUE {vehicle_filter}
"""


def policy_get() -> ClassificationPolicy:
    """The store's classification policy (seed-001 defaults until HQ publishes a template)."""
    policy, _ = ClassificationPolicy.objects.get_or_create(pk=1)
    return policy


def _months_ago(months: int) -> Any:
    return timezone.localdate() - timedelta(days=round(months * 30.44))


def _params(policy: ClassificationPolicy) -> dict[str, Any]:
    return {
        "since": timezone.localdate() - timedelta(days=365),
        "lost_cut": _months_ago(policy.lost_months), "risk_cut": _months_ago(policy.at_risk_months),
        "min_visits": policy.loyal_min_visits, "min_spend": policy.loyal_min_spend, "now": timezone.now(),
        "warranty": timedelta(days=round(policy.warranty_months * 30.44)),
        "sanbao": timedelta(days=round(policy.sanbao_months * 30.44)), "today": timezone.localdate(),
    }


@transaction.atomic
def classification_recompute_store() -> int:
    """夜间分类: every customer and vehicle of the current store in three statements. Returns customers."""
    policy = policy_get()
    params = _params(policy)
    total = policy.quota_a + policy.quota_b + policy.quota_c + policy.quota_d or 100
    cuts = {"a": policy.quota_a / total, "b": (policy.quota_a + policy.quota_b) / total,
            "c": (policy.quota_a + policy.quota_b + policy.quota_c) / total}
    with connection.cursor() as cursor:
        cursor.execute(_STATS_SQL.format(visit_filter="", vehicle_filter="", customer_filter=""), params)
        updated = cursor.rowcount
        cursor.execute(_VALUE_SQL, cuts)
        cursor.execute(_BAND_SQL.format(vehicle_filter=""), params)
    return int(updated)


@transaction.atomic
def classification_recompute_customer(*, customer_id: int) -> None:
    """One customer's stats, loyalty, service class and vehicle bands, right after an event."""
    params = {**_params(policy_get()), "cid": customer_id}
    with connection.cursor() as cursor:
        cursor.execute(_STATS_SQL.format(visit_filter="WHERE customer_id = %(cid)s",
                                         vehicle_filter="WHERE owner_id = %(cid)s",
                                         customer_filter="AND c.id = %(cid)s"), params)
        cursor.execute(_BAND_SQL.format(vehicle_filter="AND owner_id = %(cid)s"), params)


CLASSIFICATION_FIELDS = ("quota_a", "quota_b", "quota_c", "quota_d", "loyal_min_visits", "loyal_min_spend",
                         "at_risk_months", "lost_months", "warranty_months", "sanbao_months")


@transaction.atomic
def classification_policy_sync() -> bool:
    """Copy the store's effective classification policy into the CRM's ClassificationPolicy row."""
    eff = policy_effective(current_store(), PolicyKind.CLASSIFICATION)
    if eff is None:
        return False
    row = policy_get()
    for field in CLASSIFICATION_FIELDS:
        value = eff.body[field]
        setattr(row, field, Decimal(str(value)) if field == "loyal_min_spend" else value)
    row.template_version = f"{eff.version.label}#{eff.version.pk}"
    row.save()
    return True
