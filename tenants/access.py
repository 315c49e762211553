"""The one access check for store pages and API calls, and the one for HQ pages.

Being signed in is not being allowed in: a store request needs an active membership of *this*
store whose role allows the action. Anything else is 404, the same answer as "no such thing".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from . import hooks
from .models import DealerGroup, GroupMembership, Store, StoreMembership
from .requests import HqRequest, StoreRequest
from .roles import READ_ONLY_PERMS, GroupRole, role_allows

F = TypeVar("F", bound=Callable[..., HttpResponse])
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def store_membership(request: HttpRequest) -> StoreMembership | None:
    """The signed-in user's active membership of the store this request is for (memoised)."""
    if hasattr(request, "_store_membership"):
        return cast(StoreRequest, request)._store_membership
    store: Store | None = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    membership = None
    if store is not None and user is not None and user.is_authenticated:
        membership = (
            StoreMembership.objects.select_related("store", "store__group", "user")
            .filter(user=user, store=store, is_active=True)
            .first()
        )
    cast(StoreRequest, request)._store_membership = membership
    return membership


def read_only_reason(store: Store) -> str | None:
    """Why this store accepts no changes now, or None. Suspension, or the group's billing lapsed."""
    if store.status == Store.Status.SUSPENDED:
        return gettext("本门店已被集团暂停，当前为只读状态：可以查看，不能修改。")
    return hooks.first_answer("store_read_only_reason", store=store)  # billing: a lapsed subscription


def check_store_access(request: HttpRequest, perm: str) -> StoreMembership:
    """Return the membership if the user may do `perm` here; raise Http404 otherwise."""
    membership = store_membership(request)
    if membership is None or not role_allows(membership.role, perm):
        raise Http404(gettext("页面不存在"))
    return membership


class StoreReadOnly(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_store_writable(request: HttpRequest, perm: str) -> None:
    if request.method in SAFE_METHODS or perm in READ_ONLY_PERMS:
        return
    store = cast(StoreRequest, request).tenant
    reason = read_only_reason(store)
    if reason:
        raise StoreReadOnly(reason)


def store_view(perm: str) -> Callable[[F], F]:
    """Decorate every store page with the action it performs."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if getattr(request, "tenant", None) is None:
                raise Http404(gettext("页面不存在"))
            if not request.user.is_authenticated:
                return redirect_to_login(request.build_absolute_uri(), _signin_url(request))
            cast(StoreRequest, request).member = check_store_access(request, perm)
            try:
                check_store_writable(request, perm)
            except StoreReadOnly as exc:
                return render(request, "tenants/read_only.html", {"reason": exc.reason}, status=403)
            return view(request, *args, **kwargs)

        _label(wrapped, store_access=perm)
        return cast(F, wrapped)

    return decorator


def _label(view: Callable[..., HttpResponse], **labels: str) -> None:
    """Name a guarded view's access rule on it (read by the store menu, crm.nav, and tests/test_layout.py)."""
    vars(view).update(labels)


def _signin_url(request: HttpRequest) -> str:
    port = request.get_port()
    port_part = f":{port}" if port not in ("80", "443") else ""
    return f"{request.scheme}://{settings.BASE_DOMAIN}{port_part}/signin/"


class HasStorePerm(BasePermission):
    """DRF: the view's `store_perm` must be allowed to the caller at this store."""

    message = gettext_lazy("未找到。")

    def has_permission(self, request: Request, view: Any) -> bool:
        perm = getattr(view, "store_perm", None)
        if perm is None or getattr(request, "tenant", None) is None:
            raise Http404
        if not request.user or not request.user.is_authenticated:
            return False  # DRF answers 401: sign in or send a token
        cast(StoreRequest, request).member = check_store_access(request, perm)
        check_store_writable(request, perm)
        return True


# ---------------------------------------------------------------- HQ

def hq_membership(request: HttpRequest, *, admin: bool = False, only_group_id: int | None = None) -> GroupMembership:
    """The HQ membership of the signed-in user for the group they are looking at; 404 otherwise.

    `only_group_id` binds the answer to one group (an HQ API token is issued for one group)."""
    user = request.user
    if not user.is_authenticated or getattr(request, "tenant", None) is not None:
        raise Http404(gettext("页面不存在"))
    qs = GroupMembership.objects.select_related("group").filter(user=user)
    if only_group_id is not None:
        qs = qs.filter(group_id=only_group_id)
    memberships = list(qs.order_by("group__name"))
    cast(HqRequest, request)._group_memberships = memberships  # reused by the navigation
    wanted = request.GET.get("group") or request.session.get("hq_group")
    membership = next((m for m in memberships if m.group.code == wanted), memberships[0] if memberships else None)
    if membership is None or (admin and membership.role != GroupRole.HQ_ADMIN):
        raise Http404(gettext("页面不存在"))
    return membership


def hq_view(*, admin: bool = False) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = hq_membership(request, admin=admin)
            cast(HqRequest, request).hq_membership = membership
            cast(HqRequest, request).hq_group = membership.group
            return view(request, *args, **kwargs)

        _label(wrapped, hq_access="admin" if admin else "member")
        return cast(F, wrapped)

    return decorator


class IsHqMember(BasePermission):
    """DRF: caller is HQ of a group; `hq_admin_only` on the view narrows to admins."""

    message = gettext_lazy("未找到。")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False  # DRF answers 401: sign in first
        admin = getattr(view, "hq_admin_only", False) and request.method not in SAFE_METHODS
        token_group = getattr(request.auth, "group_id", None)  # an HQ token answers for its own group only
        membership = hq_membership(request, admin=admin, only_group_id=token_group)
        cast(HqRequest, request).hq_group = membership.group
        cast(HqRequest, request).hq_membership = membership
        return True


def group_for_hq(request: HttpRequest) -> DealerGroup:
    return cast(HqRequest, request).hq_group
