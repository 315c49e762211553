"""Store-domain pages of the foundation: the hand-over landing and sign-out (the store home is crm's)."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext

from ..context_processors import store_url_base
from ..handoff import handoff_redeem
from ..services.accounts import user_sign_out_everywhere
from ..throttles import auth_throttled


@auth_throttled()
def handoff(request: HttpRequest) -> HttpResponse:
    store = getattr(request, "tenant", None)
    if store is None:
        raise Http404
    user = handoff_redeem(request.GET.get("ticket", ""), store)
    if user is None:
        raise Http404(gettext("页面不存在"))
    login(request, user, backend="tenants.auth.MobileOrEmailBackend")
    return redirect("store:home")


def signout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        user_sign_out_everywhere(user=request.user)  # type: ignore[arg-type]
    logout(request)
    return redirect(f"{store_url_base()}/signout/")

