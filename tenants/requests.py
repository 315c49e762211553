"""The typed store request: what the one access check (tenants.access) puts on a request.

`StoreRequest` is declared for typing only (a request is never built as one): a store page annotated
with it, behind `store_view`, reads `request.member` and `request.tenant` with their types. Code that
holds a plain `HttpRequest` or a DRF `Request` (the API, shared helpers) asks `member_of(request)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    from rest_framework.request import Request

    from .models import Store, StoreMembership


class StoreRequest(HttpRequest):
    """A request that passed `store_view` or `HasStorePerm` at a store."""

    member: StoreMembership  # the caller's active membership of this store, its role allowing the view
    tenant: Store  # the store the host names (tenants.middleware)


def member_of(request: HttpRequest | Request) -> StoreMembership:
    """Which membership is calling: the one answer for pages and the API (set by the access check)."""
    return cast(StoreRequest, request).member
