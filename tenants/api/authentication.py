"""Bearer tokens bound to one store: a token issued for store A is refused at store B."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.request import Request

from ..models import GroupMembership, StoreMembership
from ..roles import GroupRole
from ..services.accounts import api_token_lookup, api_token_touch

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class StoreTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("令牌格式不正确：应为 “Authorization: Bearer <令牌>”。"))
        token = api_token_lookup(parts[1].decode(errors="replace"))
        store = getattr(request, "tenant", None)
        if token is not None and token.group_id is not None:
            return self._hq(request, token, store)
        # Refused alike: unknown, revoked, issued for another store, or used on HQ endpoints.
        if token is None or store is None or token.store_id != store.id or not token.user.is_active:
            raise AuthenticationFailed(_("令牌无效。"))
        # A member who left (or was deactivated) loses their tokens' access at once, revoked or not.
        if not StoreMembership.objects.filter(user_id=token.user_id, store_id=store.id, is_active=True).exists():
            raise AuthenticationFailed(_("令牌无效。"))
        if token.read_only and request.method not in SAFE_METHODS:
            raise PermissionDenied(_("只读令牌不能修改数据。"))
        api_token_touch(token)
        return token.user, token

    def _hq(self, request: Request, token: Any, store: Any) -> tuple[Any, Any]:
        """An HQ token: base domain only, its user still HQ admin of the token's group (IsHqMember binds it)."""
        if store is not None or not token.user.is_active:
            raise AuthenticationFailed(_("令牌无效。"))
        if not GroupMembership.objects.filter(user_id=token.user_id, group_id=token.group_id,
                                              role=GroupRole.HQ_ADMIN).exists():
            raise AuthenticationFailed(_("令牌无效。"))
        if token.read_only and request.method not in SAFE_METHODS:
            raise PermissionDenied(_("只读令牌不能修改数据。"))
        api_token_touch(token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"


class StoreTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The Bearer scheme in /api/schema/, so /api/docs/ can be tried with a store token."""

    target_class = "tenants.api.authentication.StoreTokenAuthentication"
    name = "storeToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "czk_…",
                "description": _("门店API令牌（员工管理 → API令牌）只对签发它的门店有效；"
                               "集团API令牌（集团总部 → API令牌）只对本集团的总部接口有效。")}
