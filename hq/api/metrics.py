"""HQ metrics API for a group's BI tools: the same figures and access rules as the pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.access import IsHqMember, group_for_hq
from tenants.errors import DomainError

from ..metrics import selectors
from ..metrics.catalogue import CATALOGUE, metric
from ..metrics.periods import month_range, parse_period

P = OpenApiParameter


class CatalogueView(APIView):
    """Every metric name the comparison accepts, with its Chinese label and unit."""

    permission_classes = [IsHqMember]

    @extend_schema(responses=inline_serializer("MetricInfo", {
        "key": serializers.CharField(), "label": serializers.CharField(), "unit": serializers.CharField(),
        "area": serializers.CharField(), "higher_is_better": serializers.BooleanField(),
        "total": serializers.CharField()}, many=True))
    def get(self, request: Request) -> Response:
        return Response([{"key": m.key, "label": m.label, "unit": m.unit, "area": m.area,
                          "higher_is_better": m.higher_is_better, "total": m.total} for m in CATALOGUE])


class CompareView(APIView):
    """Stores side by side for a period: values, per-metric rank, stale flag, group total/average."""

    permission_classes = [IsHqMember]

    @extend_schema(parameters=[P("period", str, description="2026-10 or 2026-10-05"),
                               P("metrics", str, description="comma separated metric keys"),
                               P("stores", str, description="comma separated store ids of this group"),
                               P("sort", str), P("dir", str, enum=["asc", "desc"]), P("page", int)],
                   responses=inline_serializer("Comparison", {
                       "period": serializers.CharField(), "kind": serializers.CharField(),
                       "store_count": serializers.IntegerField(), "stale_count": serializers.IntegerField(),
                       "page": serializers.IntegerField(), "pages": serializers.IntegerField(),
                       "metrics": serializers.ListField(child=serializers.DictField()),
                       "group": serializers.DictField(), "stores": serializers.ListField(child=serializers.DictField())}))
    def get(self, request: Request) -> Response:
        group = group_for_hq(request)
        q = request.query_params
        cmp = selectors.compare(
            group, period=parse_period(q.get("period")),
            metrics=selectors.resolve_metrics((q.get("metrics") or "").split(",")),
            stores=selectors.resolve_stores(group, [s for s in (q.get("stores") or "").split(",") if s]),
            sort=q.get("sort"), descending=q.get("dir", "desc") != "asc", page=_int(q.get("page"), 1),
        )
        return Response({
            "period": cmp.period.code, "kind": cmp.period.kind, "store_count": cmp.store_count,
            "stale_count": cmp.stale_count, "page": cmp.page, "pages": cmp.pages,
            "metrics": [{"key": m.key, "label": m.label, "unit": m.unit} for m in cmp.metrics],
            "group": {m.key: cmp.total[m.key] for m in cmp.metrics},
            "stores": [{"id": r.store_id, "name": r.name, "slug": r.slug, "stale": r.stale,
                        "values": r.values, "ranks": r.ranks} for r in cmp.rows],
        })


class TrendView(APIView):
    """Monthly series of one metric: the group line and one line per chosen store (ECharts data)."""

    permission_classes = [IsHqMember]

    @extend_schema(parameters=[P("metric", str, required=True), P("from", str, required=True),
                               P("to", str, required=True), P("stores", str)],
                   responses=inline_serializer("Trend", {
                       "months": serializers.ListField(child=serializers.CharField()),
                       "series": serializers.ListField(child=serializers.DictField()),
                       "metric": serializers.CharField(), "unit": serializers.CharField(),
                       "label": serializers.CharField()}))
    def get(self, request: Request) -> Response:
        group = group_for_hq(request)
        q = request.query_params
        m = metric(q.get("metric", ""))
        if m is None:
            raise DomainError(gettext("未知的指标：%(metric)s。") % {"metric": q.get('metric', '')}, field="metric")
        stores = selectors.resolve_stores(group, [s for s in (q.get("stores") or "").split(",") if s])
        return Response(selectors.trend(group, metric_=m, months=month_range(q.get("from"), q.get("to")),
                                        stores=stores))


def _int(value: Any, default: int) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default
