"""Store-domain pages of the foundation: the hand-over landing, sign-out and the store home."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ..access import store_view
from ..context_processors import store_url_base
from ..handoff import handoff_redeem
from ..roles import Perm
from ..services.accounts import user_sign_out_everywhere
from ..throttles import auth_throttled


@auth_throttled()
def handoff(request: HttpRequest) -> HttpResponse:
    store = getattr(request, "tenant", None)
    if store is None:
        raise Http404
    user = handoff_redeem(request.GET.get("ticket", ""), store)
    if user is None:
        raise Http404("页面不存在")
    login(request, user, backend="tenants.auth.MobileOrEmailBackend")
    return redirect("store_home")


def signout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        user_sign_out_everywhere(user=request.user)  # type: ignore[arg-type]
    logout(request)
    return redirect(f"{store_url_base()}/signout/")


@store_view(Perm.VIEW_STORE)
def store_home(request: HttpRequest) -> HttpResponse:
    from crm.selectors import store_home_summary

    return render(request, "tenants/store_home.html", {"summary": store_home_summary(member=request.member)})  # type: ignore[attr-defined]
