"""HQ API for policy templates: the same rules as the pages. Analysts read; admins write."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.access import IsHqMember, group_for_hq
from tenants.errors import DomainError

from ..models import PolicyKind, PolicyVersion
from ..policy.diff import policy_diff
from ..selectors import (
    calendar_days_for_group,
    policy_adoptions_for_group,
    policy_previous_published,
    policy_template_summaries,
    policy_version_for_group,
    policy_versions_for_group,
    work_calendar_for_group,
)
from ..services.calendar import calendar_year_enter
from ..services.policies import policy_draft_start, policy_draft_update, policy_version_publish


class VersionOut(serializers.ModelSerializer[PolicyVersion]):
    kind = serializers.CharField(source="template.kind")
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]

    class Meta:
        model = PolicyVersion
        fields = ["id", "kind", "number", "label", "status", "note", "body", "tasks_per_customer_year",
                  "created_at", "updated_at", "published_at", "effective_on"]


class PublishIn(serializers.Serializer[Any]):
    """发布: an optional 生效日期; stores adopt on that day (store time), none = at once."""

    effective_on = serializers.DateField(required=False, allow_null=True)


class VersionBrief(VersionOut):
    class Meta(VersionOut.Meta):
        fields = ["id", "kind", "number", "label", "status", "note", "tasks_per_customer_year", "published_at"]


class VersionIn(serializers.Serializer[Any]):
    body = serializers.JSONField()
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class CalendarDayIn(serializers.Serializer[Any]):
    day = serializers.DateField()
    is_working = serializers.BooleanField()
    name = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)


class CalendarYearIn(serializers.Serializer[Any]):
    days = CalendarDayIn(many=True)
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


def _kind(kind: str) -> str:
    if kind not in PolicyKind.values:
        raise Http404
    return kind


def _version(request: Request, version_id: int) -> PolicyVersion:
    version = policy_version_for_group(group_for_hq(request), version_id)
    if version is None:
        raise Http404
    return version


class _HqView(APIView):
    permission_classes = [IsHqMember]
    hq_admin_only = True  # writes are for HQ admins; GET is open to analysts too


class TemplateList(_HqView):
    @extend_schema(responses=inline_serializer("PolicyTemplateSummary", {
        "kind": serializers.CharField(), "label": serializers.CharField(),
        "published": VersionBrief(allow_null=True), "draft": VersionBrief(allow_null=True),
        "stores_total": serializers.IntegerField(), "stores_current": serializers.IntegerField()}, many=True))
    def get(self, request: Request) -> Response:
        out = []
        for s in policy_template_summaries(group_for_hq(request)):
            out.append({
                "kind": s.kind, "label": s.label,
                "published": VersionBrief(s.published).data if s.published else None,
                "draft": VersionBrief(s.draft).data if s.draft else None,
                "stores_total": s.stores_total, "stores_current": s.stores_current,
            })
        return Response(out)


class VersionList(_HqView):
    @extend_schema(responses=VersionBrief(many=True))
    def get(self, request: Request, kind: str) -> Response:
        return Response(VersionBrief(policy_versions_for_group(group_for_hq(request), _kind(kind)), many=True).data)

    @extend_schema(request=None, responses={201: VersionOut})
    def post(self, request: Request, kind: str) -> Response:
        """起草新版本 (or return the open draft)."""
        draft = policy_draft_start(group=group_for_hq(request), kind=_kind(kind), actor=request.user)  # type: ignore[arg-type]
        return Response(VersionOut(draft).data, status=status.HTTP_201_CREATED)


class VersionDetail(_HqView):
    @extend_schema(responses=VersionOut)
    def get(self, request: Request, version_id: int) -> Response:
        return Response(VersionOut(_version(request, version_id)).data)

    @extend_schema(request=VersionIn, responses=VersionOut)
    def put(self, request: Request, version_id: int) -> Response:
        version = _version(request, version_id)
        body = VersionIn(data=request.data)
        body.is_valid(raise_exception=True)
        updated = policy_draft_update(version=version, body=body.validated_data["body"],
                                      note=body.validated_data["note"], actor=request.user)  # type: ignore[arg-type]
        return Response(VersionOut(updated).data)


class VersionDiff(_HqView):
    @extend_schema(responses=inline_serializer("PolicyDiff", {
        "version": serializers.CharField(), "previous": serializers.CharField(allow_null=True),
        "rows": serializers.ListField(child=serializers.DictField())}))
    def get(self, request: Request, version_id: int) -> Response:
        version = _version(request, version_id)
        previous = policy_previous_published(version)
        rows = policy_diff(version.template.kind, previous.body if previous else None, version.body)
        return Response({
            "version": version.label, "previous": previous.label if previous else None,
            "rows": [{"section": r.section, "item": r.item, "field": r.field, "old": r.old, "new": r.new,
                      "change": r.change} for r in rows],
        })


class VersionPublish(_HqView):
    @extend_schema(request=PublishIn, responses=VersionOut)
    def post(self, request: Request, version_id: int) -> Response:
        body = PublishIn(data=request.data)
        body.is_valid(raise_exception=True)
        version = policy_version_publish(version=_version(request, version_id), actor=request.user,  # type: ignore[arg-type]
                                         effective_on=body.validated_data.get("effective_on"))
        return Response(VersionOut(version).data)


class AdoptionList(_HqView):
    @extend_schema(responses=inline_serializer("PolicyAdoption", {
        "store_id": serializers.IntegerField(), "store": serializers.CharField(),
        "version": serializers.CharField(allow_null=True), "adopted_at": serializers.DateTimeField(allow_null=True),
        "overrides": serializers.JSONField(), "is_current": serializers.BooleanField()}, many=True))
    def get(self, request: Request, kind: str) -> Response:
        rows = policy_adoptions_for_group(group_for_hq(request), _kind(kind))
        return Response([{
            "store_id": r.store.pk, "store": r.store.name,
            "version": r.adoption.version.label if r.adoption else None,
            "adopted_at": r.adoption.adopted_at if r.adoption else None,
            "overrides": r.adoption.overrides if r.adoption else {},
            "is_current": r.is_current,
        } for r in rows])


CALENDAR_YEAR = inline_serializer("CalendarYear", {
    "year": serializers.IntegerField(), "source": serializers.CharField(), "missing": serializers.BooleanField(),
    "days": serializers.ListField(child=serializers.DictField())})


YEARS = range(2000, 2101)  # a working-day calendar outside these years means nothing (and dates overflow)


def _year(year: int) -> int:
    if year not in YEARS:
        raise DomainError(_("年份应在 %(first)s–%(last)s 之间。") % {"first": YEARS[0], "last": YEARS[-1]},
                          field="year")
    return year


class CalendarYearView(_HqView):
    @extend_schema(responses=CALENDAR_YEAR)
    def get(self, request: Request, year: int) -> Response:
        year = _year(year)
        group = group_for_hq(request)
        cal = work_calendar_for_group(group.pk)
        return Response({
            "year": year, "source": cal.source(year), "missing": cal.source(year) == "fallback",
            "days": [{"day": d.day, "is_working": d.is_working, "name": d.name}
                     for d in calendar_days_for_group(group, year)],
        })

    @extend_schema(request=CalendarYearIn, responses=CALENDAR_YEAR)
    def put(self, request: Request, year: int) -> Response:
        year = _year(year)
        body = CalendarYearIn(data=request.data)
        body.is_valid(raise_exception=True)
        days = [(d["day"], d["is_working"], d["name"]) for d in body.validated_data["days"]]
        calendar_year_enter(group=group_for_hq(request), year=year, days=days, note=body.validated_data["note"],
                            actor=request.user)  # type: ignore[arg-type]
        return self.get(request, year)
