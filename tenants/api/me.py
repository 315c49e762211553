from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import HasStorePerm
from ..requests import member_of
from ..roles import Perm


class MeView(APIView):
    """Who am I at this store: the caller's name, role and store."""

    permission_classes = [HasStorePerm]
    store_perm = Perm.VIEW_STORE

    @extend_schema(responses=inline_serializer("Me", {"name": serializers.CharField(),
                                                       "role": serializers.CharField(),
                                                       "store": serializers.CharField()}))
    def get(self, request: Request) -> Response:
        member = member_of(request)
        return Response({"name": member.user.name, "role": member.role, "store": member.store.slug})
