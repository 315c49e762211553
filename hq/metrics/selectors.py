"""HQ reads of snapshots. Every function takes the group first: public tables always filter by group."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

from tenants.errors import DomainError
from tenants.models import DealerGroup, Store

from ..models import MetricSnapshot, SnapshotRun
from .catalogue import DEFAULT_COMPARE, Metric, metric
from .periods import Period

MAX_METRICS = 12
STALE_AFTER = dt.timedelta(hours=26)


def resolve_metrics(keys: list[str] | None) -> list[Metric]:
    keys = [k.strip() for k in (keys or []) if k.strip()] or list(DEFAULT_COMPARE)
    unknown = [k for k in keys if metric(k) is None]
    if unknown:
        raise DomainError(gettext("未知的指标：%(metrics)s。可用指标见 /api/hq/metrics/catalogue/。") % {"metrics": '、'.join(unknown)}, field="metrics")
    if len(keys) > MAX_METRICS:
        raise DomainError(gettext("一次最多对比 %(max)s 项指标。") % {"max": MAX_METRICS}, field="metrics")
    return [m for k in dict.fromkeys(keys) if (m := metric(k)) is not None]


def resolve_stores(group: DealerGroup, ids: list[str] | None) -> list[int] | None:
    """Store ids filter; any id that is not a store of this group is refused (not silently dropped)."""
    if not ids:
        return None
    try:
        wanted = {int(i) for i in ids if str(i).strip()}
    except ValueError as exc:
        raise DomainError(gettext("门店编号应为数字。"), field="stores") from exc
    mine = set(Store.objects.filter(group=group, pk__in=wanted).values_list("pk", flat=True))
    if wanted - mine:
        raise DomainError(gettext("筛选中包含不属于本集团的门店。"), field="stores")
    return sorted(mine)


@dataclass
class CompareRow:
    store_id: int
    name: str
    slug: str
    status: str
    values: dict[str, float | None]
    ranks: dict[str, int | None] = field(default_factory=dict)
    stale: bool = False

    def cue(self, cmp: Comparison, key: str) -> str:
        """"best" / "worst" when this store holds the group's best or worst value (ties share it)."""
        value = self.values.get(key)
        if value is None or cmp.best.get(key) == cmp.worst.get(key):
            return ""  # nothing to tell apart (one store, or every store level)
        if value == cmp.best.get(key):
            return "best"
        if value == cmp.worst.get(key):
            return "worst"
        return ""


@dataclass
class Comparison:
    period: Period
    metrics: list[Metric]
    rows: list[CompareRow]
    total: dict[str, float | None]
    best: dict[str, float | None]  # the best value of each metric in the group (None: no better or worse)
    worst: dict[str, float | None]
    store_count: int
    stale_count: int
    sort: str
    descending: bool
    page: int
    pages: int


def compare(
    group: DealerGroup, *, period: Period, metrics: list[Metric], stores: list[int] | None = None,
    sort: str | None = None, descending: bool = True, page: int = 1, per_page: int | None = 50,
) -> Comparison:
    """Stores side by side for one period: values, ranks, group total/average, best and worst.

    One SQL statement pivots the chosen metrics of every store of the group (an index-only scan of
    the compare index) and says which stores are stale; ranking, totals, sorting and paging of those
    few hundred rows happen here, cheaper than a chain of window sorts in the database.
    """
    keys = [m.key for m in metrics]
    sort_key = sort if sort in keys or sort == "name" else keys[0]
    cols = ", ".join(f"max(s.value) FILTER (WHERE s.metric = %s) AS m{i}" for i in range(len(keys)))
    snap_cols = ", ".join(f"snap.m{i}" for i in range(len(keys)))
    store_filter = "AND st.id = ANY(%s)" if stores else ""
    sql = f"""
        WITH snap AS (
            SELECT s.store_id, {cols}
            FROM hq_metricsnapshot s
            WHERE s.group_id = %s AND s.period_kind = %s AND s.period_start = %s AND s.metric = ANY(%s)
            GROUP BY s.store_id
        )
        SELECT st.id, st.name, st.slug, st.status, {snap_cols},
               (r.status IS DISTINCT FROM 'ok' OR r.last_ok_at IS NULL
                OR (r.last_ok_at < %s AND %s - r.last_ok_at > %s)) AS stale
        FROM tenants_store st
        LEFT JOIN snap ON snap.store_id = st.id
        -- One probe of the (store, kind, start) unique index per store: right however fresh the
        -- statistics are (a nightly refresh has just rewritten every run row).
        LEFT JOIN LATERAL (
            SELECT status, last_ok_at FROM hq_snapshotrun
            WHERE store_id = st.id AND period_kind = %s AND period_start = %s LIMIT 1
        ) r ON true
        WHERE st.group_id = %s AND st.status <> 'archived' {store_filter}
    """  # noqa: S608 - only generated column aliases are interpolated  # nosec B608  # generated column aliases m0..mN and a constant filter; values bound
    period_end = timezone.make_aware(dt.datetime.combine(period.end, dt.time.min))
    params: list[Any] = [*keys, group.pk, period.kind, period.start, keys, period_end, timezone.now(), STALE_AFTER,
                         period.kind, period.start, group.pk]
    if stores:
        params.append(stores)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw = cursor.fetchall()
    # Rows are (id, name, slug, status, m0..mN-1, stale): work on the tuples, build
    # objects for the page only. Ranks come from one sorted array per metric and a bisect per row.
    n = len(keys)
    columns = [[r[4 + i] for r in raw] for i in range(n)]
    present = [sorted(v for v in col if v is not None) for col in columns]
    total, best, worst = _group_figures(metrics, present)
    if sort_key == "name":
        raw.sort(key=lambda r: r[1], reverse=descending)
    else:
        col = 4 + keys.index(sort_key)
        with_value = sorted((r for r in raw if r[col] is not None), key=lambda r: (r[col], r[1]), reverse=descending)
        raw = with_value + sorted((r for r in raw if r[col] is None), key=lambda r: r[1])
    store_count = len(raw)
    stale_count = sum(1 for r in raw if r[4 + n])
    page_rows = raw[(max(page, 1) - 1) * per_page:max(page, 1) * per_page] if per_page else raw
    rows = [
        CompareRow(store_id=r[0], name=r[1], slug=r[2], status=r[3],
                   values={k: r[4 + i] for i, k in enumerate(keys)},
                   ranks={k: _rank(present[i], r[4 + i], metrics[i]) for i, k in enumerate(keys)},
                   stale=bool(r[4 + n]))
        for r in page_rows
    ]
    pages = max(1, -(-store_count // per_page)) if per_page else 1
    return Comparison(period, metrics, rows, total, best, worst, store_count, stale_count, sort_key, descending,
                      max(page, 1), pages)


def _rank(ascending: list[float], value: float | None, m: Metric) -> int | None:
    """Competition ranking (1, 2, 2, 4) in the metric's better direction: 1 + the stores strictly better."""
    if value is None:
        return None
    if m.higher_is_better is False:
        return bisect.bisect_left(ascending, value) + 1
    return len(ascending) - bisect.bisect_right(ascending, value) + 1


def _group_figures(
    metrics: list[Metric], present: list[list[float]],
) -> tuple[dict[str, float | None], dict[str, float | None], dict[str, float | None]]:
    """The group total (sum) or average, and the best and worst value, of each metric (values sorted)."""
    total: dict[str, float | None] = {}
    best: dict[str, float | None] = {}
    worst: dict[str, float | None] = {}
    for m, values in zip(metrics, present, strict=True):
        if not values:
            total[m.key] = best[m.key] = worst[m.key] = None
            continue
        total[m.key] = float(sum(values)) if m.total == "sum" else round(sum(values) / len(values), 2)
        if m.higher_is_better is None:
            best[m.key] = worst[m.key] = None
        else:
            high, low = values[-1], values[0]
            best[m.key], worst[m.key] = (high, low) if m.higher_is_better else (low, high)
    return total, best, worst


def is_stale(run: SnapshotRun | None, period: Period, now: dt.datetime | None = None) -> bool:
    """No successful refresh, a failed last one, or an open period not refreshed in the last night."""
    if run is None or run.status != SnapshotRun.Status.OK or run.last_ok_at is None:
        return True
    now = now or timezone.now()
    period_end = timezone.make_aware(dt.datetime.combine(period.end, dt.time.min))
    if run.last_ok_at >= period_end:
        return False  # computed after the period closed: final
    return now - run.last_ok_at > STALE_AFTER


def trend(
    group: DealerGroup, *, metric_: Metric, months: list[Period], stores: list[int] | None = None,
) -> dict[str, Any]:
    """Monthly series: the group line (total or average) and one line per chosen store (ECharts-ready)."""
    starts = [p.start for p in months]
    qs = MetricSnapshot.objects.filter(group=group, period_kind="month", metric=metric_.key,
                                       period_start__in=starts)
    group_rows: dict[dt.date, list[float]] = {}
    for start, value in qs.values_list("period_start", "value"):
        group_rows.setdefault(start, []).append(value)
    agg = (lambda v: sum(v)) if metric_.total == "sum" else (lambda v: round(sum(v) / len(v), 2))
    series = [{"name": (gettext("%(group)s（合计）") if metric_.total == "sum" else gettext("%(group)s（平均）"))
               % {"group": group.name},
               "data": [agg(group_rows[s]) if s in group_rows else None for s in starts]}]
    if stores:
        names = dict(Store.objects.filter(group=group, pk__in=stores).values_list("pk", "name"))
        per: dict[int, dict[dt.date, float]] = {}
        for sid, start, value in qs.filter(store_id__in=stores).values_list("store_id", "period_start", "value"):
            per.setdefault(sid, {})[start] = value
        for sid in stores:
            series.append({"name": names[sid], "data": [per.get(sid, {}).get(s) for s in starts]})
    return {"metric": metric_.key, "label": metric_.label, "unit": metric_.unit,
            "months": [p.code for p in months], "series": series}


def store_figures(group: DealerGroup, store_id: int, period: Period) -> dict[str, Any] | None:
    """A store's drill-down: its figures for the period, freshness and policy in force (read-only aggregates)."""
    store = Store.objects.filter(group=group, pk=store_id).first()
    if store is None:
        return None
    rows = list(MetricSnapshot.objects.filter(group=group, store=store, period_kind=period.kind,
                                              period_start=period.start).values_list("metric", "value",
                                                                                     "policy_version"))
    run = SnapshotRun.objects.filter(group=group, store=store, period_kind=period.kind,
                                     period_start=period.start).first()
    return {"store": store, "values": {m: v for m, v, _ in rows},
            "policy_version": rows[0][2] if rows else "", "run": run, "stale": is_stale(run, period)}
