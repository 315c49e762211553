"""Bearer tokens bound to one store: a token issued for store A is refused at store B."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from ..services.accounts import api_token_lookup


class StoreTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("令牌格式不正确：应为 “Authorization: Bearer <令牌>”。")
        token = api_token_lookup(parts[1].decode(errors="replace"))
        store = getattr(request, "tenant", None)
        # Refused alike: unknown, revoked, issued for another store, or used on HQ endpoints.
        if token is None or store is None or token.store_id != store.id or not token.user.is_active:
            raise AuthenticationFailed("令牌无效。")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"


class StoreTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """How the OpenAPI schema describes the store token: `Authorization: Bearer czk_…`."""

    target_class = "tenants.api.authentication.StoreTokenAuthentication"
    name = "storeToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "A store API token (czk_…), valid at one store."}
