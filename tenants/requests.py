"""The typed store (and HQ) request: what the one access check (tenants.access) puts on a request.

`StoreRequest` is declared for typing only (a request is never built as one): a store page annotated
with it, behind `store_view`, reads `request.member` and `request.tenant` with their types. Code that
holds a plain `HttpRequest` or a DRF `Request` (the API, shared helpers) asks `member_of(request)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    from rest_framework.request import Request

    from .models import DealerGroup, GroupMembership, Store, StoreMembership


class StoreRequest(HttpRequest):
    """A request that passed `store_view` or `HasStorePerm` at a store."""

    member: StoreMembership  # the caller's active membership of this store, its role allowing the view
    tenant: Store  # the store the host names (tenants.middleware)


class HqRequest(HttpRequest):
    """A request that passed `hq_view` or `IsHqMember` (typing only, like StoreRequest)."""

    hq_membership: GroupMembership  # the caller's membership of the group being looked at
    hq_group: DealerGroup


def member_of(request: HttpRequest | Request) -> StoreMembership:
    """Which membership is calling: the one answer for pages and the API (set by the access check)."""
    return cast(StoreRequest, request).member


def hq_membership_of(request: HttpRequest | Request) -> GroupMembership:
    """Which HQ membership is calling (set by hq_view / IsHqMember)."""
    return cast(HqRequest, request).hq_membership
