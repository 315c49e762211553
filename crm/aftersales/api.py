"""After-sales REST API (store domain): return visits, complaints and their transitions, corrective
actions, the monthly report. Thin views: parse, call one service or selector, serialise."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.access import HasStorePerm
from tenants.api.fields import MaskedPhoneField
from tenants.requests import member_of
from tenants.roles import Perm
from tenants.staff import StoreStaffField

from ..access import get_customer_for_member
from ..models.aftersales import (
    Complaint,
    ComplaintDeadline,
    ComplaintTransition,
    CorrectiveAction,
    ReturnVisit,
)
from . import actions as action_services
from . import complaints as complaint_services
from .report import monthly_report, parse_report_period
from .selectors import actions_list, complaint_list, get_complaint_for_member, get_visit, visit_queue
from .visits import return_visit_record, visit_open_call


class VisitOut(serializers.ModelSerializer[ReturnVisit]):
    customer_name = serializers.CharField(source="customer.name")
    # 138****8000; the full number through POST /api/customers/<customer_id>/reveal/ (field visit_number).
    number_masked = MaskedPhoneField(source="number")
    answers = serializers.SerializerMethodField()
    # The open call's date, window and assignee (the cadence task); null once the visit has ended.
    next_call_on = serializers.SerializerMethodField()
    call_window = serializers.SerializerMethodField()
    assignee_id = serializers.SerializerMethodField()

    class Meta:
        model = ReturnVisit
        fields = ["id", "subject", "rule_key", "rule_name", "customer_id", "customer_name", "vehicle_id",
                  "service_visit_id", "event_date", "due_date", "next_call_on", "call_window", "number_masked",
                  "assignee_id", "status", "attempts", "person_called", "person_name", "survey_version_id",
                  "survey_version_number", "satisfied", "complaint_raised", "remark", "completed_at",
                  "policy_version_number", "answers"]

    def _call(self, obj: ReturnVisit) -> dict[str, Any]:
        if hasattr(obj, "call_on"):  # annotated by the queue selector (not model fields)
            return {"due_date": getattr(obj, "call_on"), "call_window": getattr(obj, "call_window"),  # noqa: B009
                    "assignee_id": getattr(obj, "call_assignee_id")}  # noqa: B009
        task = visit_open_call(obj)
        return ({"due_date": task.due_date, "call_window": task.call_window, "assignee_id": task.assignee_id}
                if task is not None else {"due_date": None, "call_window": "", "assignee_id": None})

    def get_next_call_on(self, obj: ReturnVisit) -> dt.date | None:
        return self._call(obj)["due_date"]  # type: ignore[no-any-return]

    def get_call_window(self, obj: ReturnVisit) -> str:
        return str(self._call(obj)["call_window"] or "")

    def get_assignee_id(self, obj: ReturnVisit) -> int | None:
        return self._call(obj)["assignee_id"]  # type: ignore[no-any-return]

    def get_answers(self, obj: ReturnVisit) -> list[dict[str, Any]]:
        return [{"question_key": a.question_key, "question_text": a.question_text, "kind": a.kind, "yes": a.yes,
                 "rating": a.rating, "scale": a.scale, "satisfied": a.satisfied, "remark": a.remark}
                for a in obj.answers.all()]


class AnswerIn(serializers.Serializer[Any]):
    value = serializers.JSONField()
    remark = serializers.CharField(required=False, default="", allow_blank=True)


class RecordIn(serializers.Serializer[Any]):
    outcome = serializers.CharField(max_length=14)
    person_called = serializers.CharField(required=False, default="", allow_blank=True)
    person_name = serializers.CharField(required=False, default="", allow_blank=True, max_length=50)
    answers = serializers.DictField(child=AnswerIn(), required=False, default=dict)
    remark = serializers.CharField(required=False, default="", allow_blank=True)
    complaint_raised = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class VisitQueue(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.RETURN_VISITS

    @extend_schema(responses=VisitOut(many=True))
    def get(self, request: Request) -> Response:
        mine = request.query_params.get("mine") == "1"
        qs = visit_queue(day=timezone.localdate(), assignee_id=member_of(request).user_id if mine else None)
        return Response(VisitOut(qs.prefetch_related("answers")[:500], many=True).data)


class VisitDetail(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.RETURN_VISITS

    @extend_schema(responses=VisitOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(VisitOut(get_visit(pk)).data)


class VisitRecord(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.RETURN_VISITS

    @extend_schema(request=RecordIn, responses=VisitOut)
    def post(self, request: Request, pk: int) -> Response:
        body = RecordIn(data=request.data)
        body.is_valid(raise_exception=True)
        visit = return_visit_record(member=member_of(request), visit=get_visit(pk), **body.validated_data)
        return Response(VisitOut(visit).data)


class DeadlineOut(serializers.ModelSerializer[ComplaintDeadline]):
    class Meta:
        model = ComplaintDeadline
        fields = ["step", "name", "milestone", "within_working_days", "due_at", "to_role", "cc_roles", "met_at",
                  "breached_at", "policy_version_id", "policy_version_number"]


class TransitionOut(serializers.ModelSerializer[ComplaintTransition]):
    class Meta:
        model = ComplaintTransition
        fields = ["action", "from_state", "to_state", "note", "by_user_id", "at"]


class ComplaintOut(serializers.ModelSerializer[Complaint]):
    code = serializers.CharField(read_only=True)
    # Masked; the full number through POST /api/customers/<customer_id>/reveal/ (field complaint_phone).
    contact_phone_masked = MaskedPhoneField(source="contact_phone")
    customer_name = serializers.CharField(source="customer.name")
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = ["id", "code", "channel", "customer_id", "customer_name", "vehicle_id", "return_visit_id",
                  "service_visit_id", "object_model", "object_stage", "staff_involved_id", "description",
                  "expected_resolution", "contact_name", "contact_phone_masked", "read_back_confirmed", "state",
                  "reported_at", "received_at", "first_reply_at", "reply_promised_at", "departments",
                  "cause_category", "cause_detail", "responsible_party", "solution", "carried_out_note",
                  "satisfaction", "closed_at", "reopen_count", "sla_policy_version_id", "sla_policy_version_number",
                  "escalation_level", "escalated", "allowed_actions"]

    def get_allowed_actions(self, obj: Complaint) -> list[str]:
        return [k for k, _ in complaint_services.actions_from(obj.state)]


class ComplaintFull(ComplaintOut):
    deadlines = DeadlineOut(many=True, read_only=True)
    transitions = TransitionOut(many=True, read_only=True)

    class Meta(ComplaintOut.Meta):
        fields = [*ComplaintOut.Meta.fields, "deadlines", "transitions"]


class ComplaintIn(serializers.Serializer[Any]):
    customer = serializers.IntegerField()
    vehicle = serializers.IntegerField(required=False, allow_null=True, default=None)
    channel = serializers.CharField(max_length=14)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    expected_resolution = serializers.CharField(required=False, default="", allow_blank=True)
    contact_name = serializers.CharField(required=False, default="", allow_blank=True, max_length=50)
    contact_phone = serializers.CharField(required=False, default="", allow_blank=True, max_length=20)
    read_back_confirmed = serializers.BooleanField(required=False, default=False)
    object_model = serializers.CharField(required=False, default="", allow_blank=True, max_length=60)
    object_stage = serializers.CharField(required=False, default="", allow_blank=True)
    staff_involved_id = StoreStaffField(required=False, allow_null=True, default=None)
    reported_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    submit = serializers.BooleanField(required=False, default=True)


class TransitionIn(serializers.Serializer[Any]):
    action = serializers.CharField(max_length=20)
    note = serializers.CharField(required=False, default="", allow_blank=True)
    apologised = serializers.BooleanField(required=False, default=False)
    reply_promised_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    departments = serializers.CharField(required=False, default="", allow_blank=True)
    cause_category = serializers.CharField(required=False, default="", allow_blank=True)
    cause_detail = serializers.CharField(required=False, default="", allow_blank=True)
    responsible_party = serializers.CharField(required=False, default="", allow_blank=True)
    negligence_staff_id = StoreStaffField(required=False, allow_null=True, default=None)
    negligence = serializers.CharField(required=False, default="", allow_blank=True)
    solution = serializers.CharField(required=False, default="", allow_blank=True)
    satisfaction = serializers.CharField(required=False, default="", allow_blank=True)


class Complaints(APIView):
    permission_classes = [HasStorePerm]

    @property
    def store_perm(self) -> str:  # reading is for every staff member (filtered), intake for handlers
        return Perm.COMPLAINTS if self.request.method == "POST" else Perm.VIEW_STORE

    @extend_schema(responses=ComplaintOut(many=True),
                   parameters=[OpenApiParameter("state", str), OpenApiParameter("escalated", bool)])
    def get(self, request: Request) -> Response:
        qs = complaint_list(member=member_of(request), state=request.query_params.get("state", ""),
                            escalated=request.query_params.get("escalated") in ("1", "true"))
        return Response(ComplaintOut(qs[:500], many=True).data)

    @extend_schema(request=ComplaintIn, responses=ComplaintFull)
    def post(self, request: Request) -> Response:
        body = ComplaintIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        customer = get_customer_for_member(member_of(request), data.pop("customer"))
        vehicle_id = data.pop("vehicle")
        vehicle = customer.vehicles.filter(pk=vehicle_id).first() if vehicle_id else None
        c = complaint_services.complaint_create(member=member_of(request), customer=customer, vehicle=vehicle, **data)
        return Response(ComplaintFull(c).data, status=status.HTTP_201_CREATED)


class ComplaintDetail(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.VIEW_STORE

    @extend_schema(responses=ComplaintFull)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ComplaintFull(get_complaint_for_member(member_of(request), pk)).data)


class ComplaintTransitionView(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.COMPLAINTS

    @extend_schema(request=TransitionIn, responses=ComplaintFull)
    def post(self, request: Request, pk: int) -> Response:
        c = get_complaint_for_member(member_of(request), pk)
        body = TransitionIn(data=request.data)
        body.is_valid(raise_exception=True)
        c = complaint_services.complaint_transition(member=member_of(request), complaint=c, **body.validated_data)
        return Response(ComplaintFull(c).data)


class VisitComplaintDraft(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.COMPLAINTS

    @extend_schema(request=None, responses=ComplaintFull)
    def post(self, request: Request, pk: int) -> Response:
        c = complaint_services.complaint_draft_from_visit(member=member_of(request), visit=get_visit(pk))
        return Response(ComplaintFull(c).data, status=status.HTTP_201_CREATED)


class ActionOut(serializers.ModelSerializer[CorrectiveAction]):
    class Meta:
        model = CorrectiveAction
        fields = ["id", "kind", "source", "complaint_id", "report_month", "description", "owner_id", "deadline",
                  "status", "raised_by_id", "approved_by_id", "approved_at", "result", "evidence", "completed_at"]


class ActionIn(serializers.Serializer[Any]):
    kind = serializers.CharField(max_length=12)
    source = serializers.CharField(max_length=16)  # type: ignore[assignment]  # a field named "source"
    description = serializers.CharField(allow_blank=True)
    owner_id = StoreStaffField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    complaint = serializers.IntegerField(required=False, allow_null=True, default=None)
    report_month = serializers.DateField(required=False, allow_null=True, default=None)


class CompleteIn(serializers.Serializer[Any]):
    result = serializers.CharField(allow_blank=True)
    evidence = serializers.CharField(required=False, default="", allow_blank=True)


def _action(pk: int) -> CorrectiveAction:
    action = CorrectiveAction.objects.filter(pk=pk).first()
    if action is None:
        raise Http404
    return action


class Actions(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.COMPLAINTS

    @extend_schema(responses=ActionOut(many=True), parameters=[OpenApiParameter("status", str),
                                                               OpenApiParameter("overdue", bool)])
    def get(self, request: Request) -> Response:
        qs = actions_list(status=request.query_params.get("status", ""),
                          overdue_only=request.query_params.get("overdue") in ("1", "true"))
        return Response(ActionOut(qs[:500], many=True).data)

    @extend_schema(request=ActionIn, responses=ActionOut)
    def post(self, request: Request) -> Response:
        body = ActionIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        complaint_id = data.pop("complaint")
        complaint = get_complaint_for_member(member_of(request), complaint_id) if complaint_id else None
        action = action_services.corrective_action_create(member=member_of(request), complaint=complaint, **data)
        return Response(ActionOut(action).data, status=status.HTTP_201_CREATED)


class ActionApprove(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.APPROVE_ACTIONS

    @extend_schema(request=None, responses=ActionOut)
    def post(self, request: Request, pk: int) -> Response:
        action = action_services.corrective_action_approve(member=member_of(request), action=_action(pk))
        return Response(ActionOut(action).data)


class ActionComplete(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.VIEW_STORE

    @extend_schema(request=CompleteIn, responses=ActionOut)
    def post(self, request: Request, pk: int) -> Response:
        body = CompleteIn(data=request.data)
        body.is_valid(raise_exception=True)
        action = action_services.corrective_action_complete(member=member_of(request), action=_action(pk),
                                                            **body.validated_data)
        return Response(ActionOut(action).data)


class Report(APIView):
    permission_classes = [HasStorePerm]
    store_perm = Perm.RETURN_VISITS

    @extend_schema(parameters=[OpenApiParameter("month", str), OpenApiParameter("week", str)],
                   responses={200: dict})
    def get(self, request: Request) -> Response:
        period = parse_report_period(request.query_params.get("month"), request.query_params.get("week"))
        r = monthly_report(period)
        return Response({
            "period": {"kind": period.kind, "start": period.start, "end": period.end, "label": period.label},
            "visits_due": r.due, "visits_made": r.made, "visits_made_pct": r.made_pct,
            "visits_successful": r.successful, "visits_successful_pct": r.successful_pct,
            "satisfaction_pct": r.satisfaction_pct, "repair_satisfaction_pct": r.repair_satisfaction_pct,
            "complaints_found_in_calls": r.complaints_found,
            "questions": [asdict(q) | {"pct": q.pct} for q in r.questions],
            "issues": [{"key": q.key, "text": q.text, "unsatisfied": q.unsatisfied} for q in r.issues],
            "complaints_opened": r.complaints_opened, "complaints_closed": r.complaints_closed,
            "complaints_overdue": r.complaints_overdue, "first_reply_avg_h": r.first_reply_avg_h,
            "sla_pct": r.sla_pct, "causes": [{"label": k, "count": n} for k, n in r.causes],
            "actions_due": r.actions_due, "actions_done": r.actions_done, "actions_overdue": r.actions_overdue,
        })
