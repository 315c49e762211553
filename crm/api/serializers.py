"""Thin serializers: they shape input and output; every rule lives in crm.services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenants.api.fields import MaskedPhoneField
from tenants.errors import DomainError
from tenants.staff import SALES, StoreStaffField

from ..models import (
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
from ..privacy import REVEALABLE
from ..validators import parse_money


@extend_schema_field({"type": "string", "example": "235800",
                     "description": "Money as a dealer types it: 235800, 235,800, ¥235800, or in wan (ten thousand yuan) as 23.58 with the character for wan."})
class MoneySerializerField(serializers.Field):  # type: ignore[type-arg]
    """金额 as typed (20万, 23.58万, 235,800, ¥235800) or a number; the one parser (crm.validators)."""

    def to_internal_value(self, data: Any) -> Decimal | None:
        try:
            return parse_money(data if isinstance(data, str) else str(data) if data is not None else None)
        except DomainError as exc:
            raise serializers.ValidationError(exc.message) from None

    def to_representation(self, value: Any) -> str:
        return f"{Decimal(value):.2f}"


class CustomerSerializer(serializers.ModelSerializer[Customer]):
    """客户. Numbers are written in full and read masked (`*_masked`), PIPL least exposure."""

    consultant_id = StoreStaffField(roles=SALES, required=False, allow_null=True)
    mobile_masked = MaskedPhoneField(source="mobile")
    mobile2_masked = MaskedPhoneField(source="mobile2")
    call_number_masked = MaskedPhoneField(source="call_number")

    class Meta:
        model = Customer
        fields = [
            "id", "name", "mobile", "mobile_masked", "mobile2", "mobile2_masked", "wechat", "gender", "birthday", "region", "occupation", "age_cohort",
            "source", "lifecycle", "consultant_id", "may_call", "call_time", "call_number", "call_number_masked", "channels", "tags",
            "notes", "value_class", "loyalty", "service_class", "paid_visits_12m", "spend_12m", "avg_ticket",
            "visit_interval_days", "last_visit_on", "created_at",
        ]
        read_only_fields = [
            "lifecycle", "value_class", "loyalty", "service_class", "paid_visits_12m", "spend_12m", "avg_ticket",
            "visit_interval_days", "last_visit_on", "created_at",
        ]
        extra_kwargs: dict[str, dict[str, object]] = {
            "mobile": {"validators": [], "write_only": True}, "mobile2": {"write_only": True},
            "call_number": {"write_only": True},
        }


class RevealSerializer(serializers.Serializer[None]):
    field = serializers.ChoiceField(choices=REVEALABLE)
    ref = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                   help_text="The return visit's or complaint's id (visit_number, complaint_phone).")


class RevealedSerializer(serializers.Serializer[dict[str, Any]]):
    field = serializers.CharField()
    value = serializers.CharField()


class VehicleSerializer(serializers.ModelSerializer[Vehicle]):
    km = serializers.IntegerField(required=False, write_only=True, min_value=0)

    class Meta:
        model = Vehicle
        fields = ["id", "vin", "plate", "owner", "brand", "model", "trim", "colour", "usage", "purchased_on",
                  "delivered_on", "warranty_until", "insurance_until", "last_km", "daily_km", "age_band", "km"]
        read_only_fields = ["last_km", "daily_km", "age_band"]
        extra_kwargs: dict[str, dict[str, object]] = {"vin": {"validators": []}}


class MileageReadingSerializer(serializers.ModelSerializer[MileageReading]):
    class Meta:
        model = MileageReading
        fields = ["id", "vehicle", "read_on", "km", "daily_km", "source"]
        read_only_fields = ["daily_km", "source"]


class ReceptionSerializer(serializers.ModelSerializer[Reception]):
    mobile = serializers.CharField(write_only=True)
    name = serializers.CharField(write_only=True, required=False, allow_blank=True)
    grade = serializers.CharField(write_only=True, required=False)

    class Meta:
        model = Reception
        fields = ["id", "customer", "lead", "consultant_id", "arrived_at", "left_at", "visitors", "source",
                  "models_of_interest", "budget", "needs", "concerns", "mobile", "name", "grade"]
        read_only_fields = ["customer", "lead", "consultant_id", "left_at"]


class LeadSerializer(serializers.ModelSerializer[Lead]):
    class Meta:
        model = Lead
        fields = ["id", "customer", "consultant_id", "grade", "model_of_interest", "status", "is_key",
                  "next_followup_on", "next_step", "last_followup_at", "deal_vehicle", "deal_amount",
                  "defeat_reason", "competitor_brand", "competitor_model", "close_note", "closed_at", "created_at"]
        read_only_fields = fields


class LeadGradeSerializer(serializers.Serializer[None]):
    grade = serializers.CharField()


class LeadDealSerializer(serializers.Serializer[None]):
    vin = serializers.CharField()
    plate = serializers.CharField(required=False, allow_blank=True, default="")
    amount = MoneySerializerField(required=False, allow_null=True)
    delivered_on = serializers.DateField(required=False, allow_null=True)


class LeadDefeatSerializer(serializers.Serializer[None]):
    reason = serializers.CharField()
    competitor_brand = serializers.CharField(required=False, allow_blank=True, default="")
    competitor_model = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpSerializer(serializers.ModelSerializer[FollowUp]):
    class Meta:
        model = FollowUp
        fields = ["id", "customer", "lead", "staff_id", "channel", "content", "feedback", "next_step", "next_on",
                  "happened_at", "on_time"]
        read_only_fields = ["staff_id", "on_time"]
        extra_kwargs: dict[str, dict[str, object]] = {"channel": {"validators": []}}


class TestDriveSerializer(serializers.ModelSerializer[TestDrive]):
    # 预约试驾: book=true with a future driven_at; kept later on the page (licence checked then).
    book = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = TestDrive
        fields = ["id", "customer", "lead", "consultant_id", "model", "driven_at", "licence_checked", "feedback",
                  "status", "book"]
        read_only_fields = ["consultant_id", "status"]


class ServiceVisitSerializer(serializers.ModelSerializer[ServiceVisit]):
    amount = MoneySerializerField(required=False)

    class Meta:
        model = ServiceVisit
        fields = ["id", "order_no", "vehicle", "customer", "kind", "visited_on", "km", "amount", "advisor_id",
                  "may_call", "notes"]
        read_only_fields = ["customer"]
        extra_kwargs: dict[str, dict[str, object]] = {"order_no": {"validators": []}}


class AssignmentSerializer(serializers.ModelSerializer[CustomerAssignment]):
    class Meta:
        model = CustomerAssignment
        fields = ["id", "customer", "from_consultant_id", "to_consultant_id", "by_user_id", "reason", "created_at"]


class ReassignSerializer(serializers.Serializer[None]):
    consultant_id = StoreStaffField(roles=SALES)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SearchVehicleSerializer(serializers.Serializer[None]):
    id = serializers.IntegerField()
    plate = serializers.CharField()
    vin = serializers.CharField()


class SearchResultSerializer(serializers.Serializer[dict[str, Any]]):
    customer_id = serializers.IntegerField()
    name = serializers.CharField()
    mobile_masked = MaskedPhoneField(source="mobile")
    plate = serializers.CharField()
    vin = serializers.CharField()
    # The car that matched (plate/VIN search), or null for a name or phone match.
    vehicle_id = serializers.IntegerField(allow_null=True)
    # The car that matched, or up to three of the customer's cars: each opens /vehicles/<id>/.
    vehicles = SearchVehicleSerializer(many=True)
    matched = serializers.CharField()
