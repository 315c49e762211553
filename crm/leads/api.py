"""线索推送接口: platforms (汽车之家/懂车帝/易车), the brand's DCC and ad forms push leads to one store.

`POST /api/leads/intake/` on the store's domain, with that store's API token (a token of another store,
an unknown or revoked one: 401). A batch holds at most MAX_BATCH leads; each is answered by its index:
`accepted`, `already_received` (the same source and source lead id was pushed before: nothing new) or
`rejected` with field errors (nothing written for it). Optional signature: with `X-Chezhu-Source` naming
a source whose status hook (回传) is set, `X-Chezhu-Signature: sha256=<HMAC-SHA256 of the raw body with
that hook's secret>` is checked; a wrong signature is refused (401) and nothing is written.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.access import HasStorePerm
from tenants.requests import member_of
from tenants.roles import Perm

from ..models import LeadSourceHook
from ..models.leads import IntakeOutcome, IntakeVia, LeadSource
from .hooks import signature
from .intake import MAX_BATCH, IntakeItem, lead_intake_batch


class PushedLeadSerializer(serializers.Serializer[Any]):
    # Plain text fields: each item is checked by the intake service, so one bad lead does not sink the batch.
    source = serializers.CharField(  # type: ignore[assignment]  # a declared field, not Field.source
        max_length=20, help_text=gettext_lazy("线索来源：") + "、".join(LeadSource.values))
    source_lead_id = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                           help_text=gettext_lazy("来源平台的线索编号（幂等键）"))
    mobile = serializers.CharField(max_length=40, allow_blank=True)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    campaign = serializers.CharField(max_length=200, required=False, allow_blank=True)
    model_of_interest = serializers.CharField(max_length=100, required=False, allow_blank=True)
    received_at = serializers.DateTimeField(required=False, allow_null=True)


class LeadPushSerializer(serializers.Serializer[Any]):
    leads = PushedLeadSerializer(many=True, allow_empty=False, max_length=MAX_BATCH,  # type: ignore[call-arg]
                                 error_messages={"max_length": gettext_lazy("每批最多 %(n)s 条线索。")
                                                 % {"n": MAX_BATCH}})


class PushResultSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField()
    source_lead_id = serializers.CharField()
    status = serializers.ChoiceField(choices=["accepted", "already_received", "rejected"])
    errors = serializers.DictField(  # type: ignore[assignment]  # the answer's key, not Serializer.errors
        child=serializers.CharField(), required=False)
    outcome = serializers.ChoiceField(choices=IntakeOutcome.choices, required=False,
                                      help_text=gettext_lazy("只有令牌所属员工可见该线索时才返回"))
    lead_id = serializers.IntegerField(required=False)


class PushAnswerSerializer(serializers.Serializer[Any]):
    accepted = serializers.IntegerField()
    already_received = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = PushResultSerializer(many=True)


def _check_signature(request: Request) -> None:
    sent = request.headers.get("X-Chezhu-Signature")
    if not sent:
        return
    hook = LeadSourceHook.objects.filter(source=request.headers.get("X-Chezhu-Source", "")).first()
    if hook is None or not hmac.compare_digest(sent, signature(hook.secret, request.body)):
        raise AuthenticationFailed(gettext("签名无效。"))


class LeadPushView(APIView):
    """线索推送 (batch, idempotent on source + source lead id)."""

    permission_classes = [HasStorePerm]
    store_perm = Perm.MANAGE_LEADS

    @extend_schema(
        operation_id="leads_intake",
        request=LeadPushSerializer,
        responses={200: PushAnswerSerializer, 400: OpenApiResponse(description=gettext_lazy("批次格式错误或超过条数上限")),
                   401: OpenApiResponse(description=gettext_lazy("令牌无效（含其他门店的令牌）或签名无效"))},
        parameters=[
            OpenApiParameter("X-Chezhu-Source", str, OpenApiParameter.HEADER, required=False,
                             description=gettext_lazy("签名所用回传配置的线索来源")),
            OpenApiParameter("X-Chezhu-Signature", str, OpenApiParameter.HEADER, required=False,
                             description=gettext_lazy("sha256=<请求体的 HMAC-SHA256，密钥为该来源的签名密钥>")),
        ],
        description=__doc__,
    )
    def post(self, request: Request) -> Response:
        _check_signature(request)
        ser = LeadPushSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        items = [IntakeItem(**d) for d in ser.validated_data["leads"]]
        results = lead_intake_batch(member=member_of(request), items=items, via=IntakeVia.API)
        answers: list[dict[str, Any]] = [r.answer() for r in results]
        counts = {k: sum(1 for r in results if r.status == k) for k in ("accepted", "already_received", "rejected")}
        return Response({**counts, "results": answers}, status=status.HTTP_200_OK)
