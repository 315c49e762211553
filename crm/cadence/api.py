"""Cadence API (store domain): my tasks, completing and skipping, overdue per person, the policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hq.models import PolicyKind
from hq.selectors import policy_effective
from tenants.access import HasStorePerm
from tenants.requests import member_of
from tenants.roles import Perm, role_allows

from ..models import FollowUpTask
from .engine import current_store
from .selectors import overdue_by_person, task_get, task_queue_for
from .services import cadence_override_set, task_complete, task_skip


class TaskOut(serializers.ModelSerializer[FollowUpTask]):
    customer_name = serializers.CharField(source="customer.name")

    class Meta:
        model = FollowUpTask
        fields = ["id", "customer_id", "customer_name", "vehicle_id", "rule_key", "rule_name", "trigger", "channel",
                  "event_date", "due_date", "due_at", "call_window", "assignee_id", "status", "outcome",
                  "outcome_note", "skip_reason", "allowed_outcomes", "message", "policy_version_id",
                  "policy_version_number", "completed_at"]


@extend_schema_serializer(component_name="CadenceTaskCompleteIn")
class CompleteIn(serializers.Serializer[Any]):
    outcome = serializers.CharField(max_length=20)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class SkipIn(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=200)


def _task(request: Request, pk: int) -> FollowUpTask:
    member = member_of(request)
    task = task_get(pk)
    if task is None or (task.assignee_id != member.user_id and not role_allows(member.role, Perm.SUPERVISE)):
        raise Http404
    return task


class MyTasks(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.VIEW_STORE

    @extend_schema(responses=TaskOut(many=True))
    def get(self, request: Request) -> Response:
        try:
            day = dt.date.fromisoformat(request.query_params.get("day", ""))
        except ValueError:
            day = timezone.localdate()
        tasks = task_queue_for(member_of(request).user_id, day)
        return Response(TaskOut(tasks, many=True).data)


class TaskComplete(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.EDIT_CUSTOMERS

    @extend_schema(request=CompleteIn, responses=TaskOut)
    def post(self, request: Request, pk: int) -> Response:
        body = CompleteIn(data=request.data)
        body.is_valid(raise_exception=True)
        task = task_complete(member=member_of(request), task=_task(request, pk), **body.validated_data)
        return Response(TaskOut(task).data)


class TaskSkip(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.EDIT_CUSTOMERS

    @extend_schema(request=SkipIn, responses=TaskOut)
    def post(self, request: Request, pk: int) -> Response:
        body = SkipIn(data=request.data)
        body.is_valid(raise_exception=True)
        task = task_skip(member=member_of(request), task=_task(request, pk), **body.validated_data)
        return Response(TaskOut(task).data)


class Overdue(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.SUPERVISE

    @extend_schema(responses=inline_serializer("OverdueByPerson", {
        "user_id": serializers.IntegerField(), "name": serializers.CharField(),
        "overdue": serializers.IntegerField(), "due_today": serializers.IntegerField(),
        "on_time_rate": serializers.CharField()}, many=True))
    def get(self, request: Request) -> Response:
        return Response([{"user_id": r.user_id, "name": r.name, "overdue": r.overdue, "due_today": r.due_today,
                          "on_time_rate": r.on_time_rate} for r in overdue_by_person(timezone.localdate())])


class EffectivePolicyView(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.VIEW_STORE

    @extend_schema(responses=inline_serializer("EffectivePolicies", {
        kind: inline_serializer(f"EffectivePolicy{kind.title()}", {
            "version": serializers.CharField(), "version_id": serializers.IntegerField(),
            "adopted_at": serializers.DateTimeField(), "overrides": serializers.JSONField(),
            "open": serializers.JSONField(), "body": serializers.JSONField()}, allow_null=True)
        for kind in PolicyKind.values}))
    def get(self, request: Request) -> Response:
        store = current_store()
        out = {}
        for kind in PolicyKind.values:
            eff = policy_effective(store, kind)
            out[kind] = None if eff is None else {
                "version": eff.version.label, "version_id": eff.version.pk, "adopted_at": eff.adoption.adopted_at,
                "overrides": eff.overrides, "open": {p: f.__dict__ for p, f in eff.open.items()}, "body": eff.body,
            }
        return Response(out)


class Overrides(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.MANAGE_STORE

    @extend_schema(request={"application/json": {"type": "object", "additionalProperties": True}},
                   parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(PolicyKind.values))],
                   responses=inline_serializer("PolicyOverrides", {
                       "kind": serializers.CharField(), "overrides": serializers.JSONField()}))
    def put(self, request: Request, kind: str) -> Response:
        if kind not in PolicyKind.values or not isinstance(request.data, dict):
            raise Http404
        adoption = cadence_override_set(member=member_of(request), kind=kind, overrides=dict(request.data))
        return Response({"kind": kind, "overrides": adoption.overrides})
