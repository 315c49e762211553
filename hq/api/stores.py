"""HQ API: list and onboard the group's stores. `Idempotency-Key` makes a retried POST safe."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.access import IsHqMember, group_for_hq
from tenants.models import Store
from tenants.selectors import store_list_for_group
from tenants.services.onboarding import store_onboard, store_url


class StoreOut(serializers.ModelSerializer[Store]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Store
        fields = ["id", "name", "slug", "status", "city", "address", "brands", "created_at", "url"]

    def get_url(self, obj: Store) -> str:
        return store_url(obj)


class StoreIn(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    slug = serializers.CharField(max_length=40)
    city = serializers.CharField(max_length=50)
    address = serializers.CharField(max_length=200, required=False, default="")
    brands = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list)
    gm_name = serializers.CharField(max_length=50)
    gm_mobile = serializers.CharField(max_length=20, required=False, default="")
    gm_email = serializers.EmailField(required=False, default="")


class StoreListCreate(APIView):
    permission_classes = [IsHqMember]
    hq_admin_only = True

    @extend_schema(responses=StoreOut(many=True))
    def get(self, request: Request) -> Response:
        return Response(StoreOut(store_list_for_group(group_for_hq(request)), many=True).data)

    @extend_schema(
        request=StoreIn,
        responses={201: StoreOut, 200: StoreOut},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
    )
    def post(self, request: Request) -> Response:
        body = StoreIn(data=request.data)
        body.is_valid(raise_exception=True)
        result = store_onboard(
            group=group_for_hq(request),
            invited_by=request.user,  # type: ignore[arg-type]
            onboarding_key=request.headers.get("Idempotency-Key") or None,
            **body.validated_data,
        )
        data = dict(StoreOut(result.store).data)
        if result.invitation is not None:
            data["gm_invitation_url"] = request.build_absolute_uri(f"/invite/{result.invitation.token}/")
        return Response(data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)
