"""HQ billing API: the group's billing state; admins change the plan."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.access import IsHqMember, group_for_hq
from tenants.models import DealerGroup

from . import services
from .plans import INTERVALS
from .selectors import billable_store_count, billing_account_for_group, payment_state


class BillingStateOut(serializers.Serializer[Any]):
    opened = serializers.BooleanField()
    plan = serializers.CharField()
    interval = serializers.CharField()
    status = serializers.CharField()
    quantity = serializers.IntegerField()
    billable_stores = serializers.IntegerField()
    in_grace = serializers.BooleanField()
    grace_until = serializers.DateTimeField(allow_null=True)
    stores_read_only = serializers.BooleanField()
    trial_ends_at = serializers.DateTimeField(allow_null=True)
    current_period_end = serializers.DateTimeField(allow_null=True)


class PlanIn(serializers.Serializer[Any]):
    plan = serializers.CharField(max_length=32)
    interval = serializers.ChoiceField(choices=list(INTERVALS))


def _state(group: DealerGroup) -> dict[str, Any]:
    account = billing_account_for_group(group)
    state = payment_state(account)
    return {
        "opened": bool(account and account.stripe_subscription_id),
        "plan": account.plan_code if account else "",
        "interval": account.interval if account else "",
        "status": account.status if account else "",
        "quantity": account.quantity if account else 0,
        "billable_stores": billable_store_count(group.pk),
        "in_grace": state.in_grace,
        "grace_until": state.grace_until,
        "stores_read_only": state.read_only,
        "trial_ends_at": account.trial_ends_at if account else None,
        "current_period_end": account.current_period_end if account else None,
    }


class BillingState(APIView):
    permission_classes = [IsHqMember]

    @extend_schema(responses=BillingStateOut)
    def get(self, request: Request) -> Response:
        return Response(BillingStateOut(_state(group_for_hq(request))).data)


class BillingPlan(APIView):
    permission_classes = [IsHqMember]
    hq_admin_only = True

    @extend_schema(request=PlanIn, responses=BillingStateOut)
    def post(self, request: Request) -> Response:
        body = PlanIn(data=request.data)
        body.is_valid(raise_exception=True)
        group = group_for_hq(request)
        services.subscription_change_plan(group=group, plan_code=body.validated_data["plan"],
                                          interval=body.validated_data["interval"],
                                          actor=request.user)  # type: ignore[arg-type]
        return Response(BillingStateOut(_state(group)).data)
