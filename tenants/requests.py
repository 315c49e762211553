"""The typed store (and HQ) request: what the one access check (tenants.access) puts on a request.

`StoreRequest` is declared for typing only (a request is never built as one): a store page annotated
with it, behind `store_view`, reads `request.member`, `request.tenant` and `request.htmx` with their
types. Code that holds a plain `HttpRequest` or a DRF `Request` (the API, shared helpers) asks
`member_of(request)`; code with no request at hand (services, tasks) asks `current_store()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.db import connection
from django.http import HttpRequest

from .models import Store
from .roles import GroupRole

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails
    from rest_framework.request import Request

    from .models import DealerGroup, GroupMembership, StoreMembership


class TenantRequest(HttpRequest):
    """Any request past the middleware (typing only): the host's store, if any, and the htmx details."""

    htmx: HtmxDetails  # django-htmx
    tenant: Store | None  # the store the host names; None on the base and HQ domains (tenants.middleware)
    urlconf: str  # set by tenants.middleware on the base and HQ domains


class StoreRequest(TenantRequest):
    """A request that passed `store_view` or `HasStorePerm` at a store."""

    member: StoreMembership  # the caller's active membership of this store, its role allowing the view
    tenant: Store  # the store the host names (tenants.middleware)
    _store_membership: StoreMembership | None  # memo of tenants.access.store_membership


class HqRequest(TenantRequest):
    """A request that passed `hq_view` or `IsHqMember` (typing only, like StoreRequest)."""

    hq_membership: GroupMembership  # the caller's membership of the group being looked at
    hq_group: DealerGroup
    _group_memberships: list[GroupMembership]  # every HQ membership of the caller, reused by the navigation


def member_of(request: HttpRequest | Request) -> StoreMembership:
    """Which membership is calling: the one answer for pages and the API (set by the access check)."""
    return cast(StoreRequest, request).member


def hq_membership_of(request: HttpRequest | Request) -> GroupMembership:
    """Which HQ membership is calling (set by hq_view / IsHqMember)."""
    return cast(HqRequest, request).hq_membership


def current_store() -> Store:
    """The store whose schema the connection is on (a store request, a TenantTask or tenant_context):
    the one answer to "which store am I in" where no request is at hand."""
    store = getattr(connection, "tenant", None)
    if not isinstance(store, Store):
        raise RuntimeError("this code runs inside a store's schema (a store request, tenant_context or a TenantTask)")
    return store


def is_hq_admin(request: HttpRequest | Request) -> bool:
    """集团管理员: whether the HQ caller may change what the group's pages show (analysts read only)."""
    return hq_membership_of(request).role == GroupRole.HQ_ADMIN
