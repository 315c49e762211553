"""REST API of the store CRM: thin viewsets. Querysets come from crm.access, writes from crm.services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.access import HasStorePerm
from tenants.models import StoreMembership
from tenants.requests import member_of
from tenants.roles import Perm, role_allows

from .. import services
from ..access import (
    customers_for_member,
    get_customer_for_member,
    get_lead_for_member,
    leads_for_member,
    sees_all,
)
from ..models import (
    AccessAction,
    Customer,
    CustomerAssignment,
    FollowUp,
    Lead,
    MileageReading,
    Reception,
    ServiceVisit,
    TestDrive,
    Vehicle,
)
from ..privacy import CUSTOMER_API_FIELDS, Origin, access_record, phone_reveal
from ..selectors import customer_search
from . import serializers as s


class _Base(viewsets.GenericViewSet):  # type: ignore[type-arg]
    permission_classes = [HasStorePerm]
    store_perm = Perm.VIEW_STORE

    @property
    def member(self) -> StoreMembership:
        return member_of(self.request)

    def visible_customers(self) -> QuerySet[Customer]:
        return customers_for_member(self.member)

    def _created(self, obj: Any) -> Response:
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def _validated_with_customer_and_lead(self, request: Request) -> tuple[dict[str, Any], Customer, Lead | None]:
        """Validate the body; load its customer and optional lead through the member's access check."""
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        customer = get_customer_for_member(self.member, d.pop("customer").pk)
        lead = d.pop("lead", None)
        return d, customer, get_lead_for_member(self.member, lead.pk) if lead else None


class CustomerViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """客户: list (filterable), read, create, update; reassignment for managers."""
    queryset = Customer.objects.none()  # the schema's model; get_queryset scopes rows to the member

    serializer_class = s.CustomerSerializer
    filterset_fields = ["value_class", "loyalty", "lifecycle", "consultant_id", "region", "source", "gender"]
    store_perm = Perm.EDIT_CUSTOMERS

    def get_queryset(self) -> QuerySet[Customer]:
        return self.visible_customers().order_by("-created_at", "-pk")

    def create(self, request: Request) -> Response:
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        return self._created(services.customer_create(
            member=self.member, name=data.pop("name"), mobile=data.pop("mobile"),
            consultant_id=data.pop("consultant_id", None), origin=Origin.of(request), **data))

    def retrieve(self, request: Request, pk: str) -> Response:
        """One customer's record; recorded in the access log like the 360° page (numbers masked)."""
        customer = get_customer_for_member(self.member, pk)
        access_record(member=self.member, action=AccessAction.VIEW, customer_ids=[customer.pk],
                      fields=CUSTOMER_API_FIELDS, origin=Origin.of(request), detail="api")
        return Response(self.get_serializer(customer).data)

    def partial_update(self, request: Request, pk: str) -> Response:
        customer = get_customer_for_member(self.member, pk)
        ser = self.get_serializer(customer, data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        data = {k: v for k, v in ser.validated_data.items() if k != "consultant_id"}
        return Response(self.get_serializer(services.customer_update(member=self.member, customer=customer,
                                                                     origin=Origin.of(request), **data)).data)

    @extend_schema(parameters=[OpenApiParameter("q", str, description=gettext_lazy("车牌、车架号(后六位)、手机号、姓名或拼音首字母"))],
                   responses=s.SearchResultSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def search(self, request: Request) -> Response:
        rows = customer_search(member=self.member, q=request.query_params.get("q", ""))
        return Response(s.SearchResultSerializer(rows, many=True).data)  # type: ignore[arg-type]  # masked


class CustomerRevealView(APIView):
    """显示号码: the full number of one phone field, recorded; another consultant's customer is 404.

    Viewing, not changing: allowed to every member who sees the customer, also while the store is read-only."""

    permission_classes = [HasStorePerm]
    store_perm = Perm.VIEW_STORE

    @extend_schema(request=s.RevealSerializer, responses=s.RevealedSerializer)
    def post(self, request: Request, pk: str) -> Response:
        member = member_of(request)
        customer = get_customer_for_member(member, pk)
        ser = s.RevealSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        field = ser.validated_data["field"]
        value = phone_reveal(member=member, customer=customer, field=field, ref=ser.validated_data.get("ref"),
                             origin=Origin.of(request))
        return Response(s.RevealedSerializer({"field": field, "value": value}).data)


class CustomerReassignView(APIView):
    """客户转移 (manager action, recorded)."""

    permission_classes = [HasStorePerm]
    store_perm = Perm.REASSIGN_CUSTOMERS

    @extend_schema(request=s.ReassignSerializer, responses=s.CustomerSerializer)
    def post(self, request: Request, pk: str) -> Response:
        customer = get_customer_for_member(member_of(request), pk)
        ser = s.ReassignSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        customer = services.customer_reassign(member=member_of(request), customer=customer, **ser.validated_data)
        return Response(s.CustomerSerializer(customer).data)


class VehicleViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """车辆 (一车一档)."""
    queryset = Vehicle.objects.none()  # the schema's model; get_queryset scopes rows to the member

    serializer_class = s.VehicleSerializer
    filterset_fields = ["owner", "plate", "vin", "vin_tail", "brand", "usage", "age_band"]
    store_perm = Perm.EDIT_CUSTOMERS

    def get_queryset(self) -> QuerySet[Vehicle]:
        return Vehicle.objects.filter(owner__in=self.visible_customers()).order_by("-pk")

    def create(self, request: Request) -> Response:
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        owner = get_customer_for_member(self.member, data.pop("owner").pk)
        return self._created(services.vehicle_create(customer=owner, vin=data.pop("vin"), **data))


class MileageViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """里程记录 (日行驶里程 derived)."""
    queryset = MileageReading.objects.none()  # the schema's model; get_queryset scopes rows to the member

    serializer_class = s.MileageReadingSerializer
    filterset_fields = ["vehicle"]
    store_perm = Perm.EDIT_CUSTOMERS

    def get_queryset(self) -> QuerySet[MileageReading]:
        return MileageReading.objects.filter(vehicle__owner__in=self.visible_customers()).order_by("-read_on", "-pk")

    def create(self, request: Request) -> Response:
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        vehicle = ser.validated_data["vehicle"]
        get_customer_for_member(self.member, vehicle.owner_id)
        return self._created(services.mileage_record(vehicle=vehicle, km=ser.validated_data["km"],
                                                     read_on=ser.validated_data["read_on"]))


class ReceptionViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """接待."""
    queryset = Reception.objects.none()  # the schema's model; get_queryset scopes rows to the member

    serializer_class = s.ReceptionSerializer
    filterset_fields = ["customer", "consultant_id", "source"]
    store_perm = Perm.EDIT_CUSTOMERS

    def get_queryset(self) -> QuerySet[Reception]:
        return Reception.objects.filter(customer__in=self.visible_customers()).order_by("-arrived_at")

    def create(self, request: Request) -> Response:
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        reception = services.reception_create(
            member=self.member, mobile=d["mobile"], name=d.get("name", ""), grade=d.get("grade", "C"),
            source=d.get("source", "walk_in"), models_of_interest=d.get("models_of_interest", ""),
            visitors=d.get("visitors", 1), budget=d.get("budget", ""), needs=d.get("needs", ""),
            concerns=d.get("concerns", ""), arrived_at=d.get("arrived_at"))
        if reception.clash and not sees_all(self.member):
            # 撞单: the visitor is a colleague's customer — say so, and nothing of them (issue 15).
            return Response({"clash": True, "detail": gettext("该客户已有专属销售顾问（撞单），已通知其顾问和销售经理，"
                                                              "后续回访由原顾问负责。")}, status=status.HTTP_201_CREATED)
        return self._created(reception)


class LeadViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """销售线索: grade, deal (成交) and defeat (战败) actions."""
    queryset = Lead.objects.none()  # the schema's model; get_queryset scopes rows to the member

    serializer_class = s.LeadSerializer
    filterset_fields = ["grade", "status", "is_key", "consultant_id", "customer", "next_followup_on"]
    store_perm = Perm.MANAGE_LEADS

    def get_queryset(self) -> QuerySet[Lead]:
        return leads_for_member(self.member).order_by("-created_at")

    @extend_schema(request=s.LeadGradeSerializer, responses=s.LeadSerializer)
    @action(detail=True, methods=["post"])
    def grade(self, request: Request, pk: str) -> Response:
        ser = s.LeadGradeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        lead = services.lead_grade(member=self.member, lead=get_lead_for_member(self.member, pk), **ser.validated_data)
        return Response(s.LeadSerializer(lead).data)

    @extend_schema(request=s.LeadDealSerializer, responses=s.LeadSerializer)
    @action(detail=True, methods=["post"])
    def deal(self, request: Request, pk: str) -> Response:
        ser = s.LeadDealSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        lead = services.lead_close_deal(member=self.member, lead=get_lead_for_member(self.member, pk),
                                        **ser.validated_data)
        return Response(s.LeadSerializer(lead).data)

    @extend_schema(request=s.LeadDefeatSerializer, responses=s.LeadSerializer)
    @action(detail=True, methods=["post"])
    def defeat(self, request: Request, pk: str) -> Response:
        ser = s.LeadDefeatSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        lead = services.lead_defeat(member=self.member, lead=get_lead_for_member(self.member, pk),
                                    **ser.validated_data)
        return Response(s.LeadSerializer(lead).data)


class FollowUpViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """跟进记录."""
    queryset = FollowUp.objects.none()  # the schema's model; get_queryset scopes rows to the member

    serializer_class = s.FollowUpSerializer
    filterset_fields = ["customer", "lead", "staff_id", "channel", "on_time"]
    store_perm = Perm.EDIT_CUSTOMERS

    def get_queryset(self) -> QuerySet[FollowUp]:
        return FollowUp.objects.filter(customer__in=self.visible_customers()).order_by("-happened_at")

    def create(self, request: Request) -> Response:
        d, customer, lead = self._validated_with_customer_and_lead(request)
        return self._created(services.followup_create(member=self.member, customer=customer, lead=lead, **d))


class TestDriveViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """试乘试驾."""
    queryset = TestDrive.objects.none()  # the schema's model; get_queryset scopes rows to the member

    serializer_class = s.TestDriveSerializer
    filterset_fields = ["customer", "lead", "consultant_id"]
    store_perm = Perm.EDIT_CUSTOMERS

    def get_queryset(self) -> QuerySet[TestDrive]:
        return TestDrive.objects.filter(customer__in=self.visible_customers()).order_by("-driven_at")

    def create(self, request: Request) -> Response:
        d, customer, lead = self._validated_with_customer_and_lead(request)
        return self._created(services.test_drive_create(member=self.member, customer=customer, lead=lead, **d))


class ServiceVisitViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """维修工单."""
    queryset = ServiceVisit.objects.none()  # the schema's model; get_queryset scopes rows to the member

    serializer_class = s.ServiceVisitSerializer
    filterset_fields = ["customer", "vehicle", "kind", "visited_on", "may_call"]
    store_perm = Perm.EDIT_CUSTOMERS

    def get_queryset(self) -> QuerySet[ServiceVisit]:
        return ServiceVisit.objects.filter(customer__in=self.visible_customers()).order_by("-visited_on", "-pk")

    def create(self, request: Request) -> Response:
        if not role_allows(self.member.role, Perm.SERVICE_ORDERS):
            raise Http404
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        vehicle = d.pop("vehicle")
        get_customer_for_member(self.member, vehicle.owner_id)
        return self._created(services.service_visit_create(member=self.member, vehicle=vehicle, **d))


class AssignmentViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """客户转移记录 (read-only)."""

    serializer_class = s.AssignmentSerializer
    filterset_fields = ["customer", "to_consultant_id", "from_consultant_id"]
    store_perm = Perm.VIEW_ALL_CUSTOMERS

    def get_queryset(self) -> QuerySet[CustomerAssignment]:
        return CustomerAssignment.objects.all()
