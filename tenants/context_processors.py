from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .access import read_only_reason, store_membership
from .selectors import groups_for_user, stores_for_user
from .services.onboarding import store_url


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Store switcher, HQ link and the read-only notice for the base layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    store = getattr(request, "tenant", None)
    stores = stores_for_user(user)
    ctx: dict[str, Any] = {
        "nav_stores": [(s, store_url(s)) for s in stores],
        "nav_groups": getattr(request, "_group_memberships", None) or groups_for_user(user),
        "current_store": store,
        "base_url": store_url_base(),
    }
    if store is not None:
        membership = store_membership(request)
        ctx["current_membership"] = membership
        ctx["read_only_reason"] = read_only_reason(store) if membership else None
    return ctx


def store_url_base() -> str:
    return f"{settings.SITE_SCHEME}://{settings.BASE_DOMAIN}{settings.SITE_PORT}"


def site_footer(request: HttpRequest) -> dict[str, Any]:
    """The ICP filing number (ICP备案号) every page of a site served in China shows in its footer."""
    return {"icp_filing_number": settings.ICP_FILING_NUMBER}
