"""Base-domain pages: sign-in, sign-out, store switching, invitations, health."""

from __future__ import annotations

from urllib.parse import urlencode

from axes.utils import reset as axes_reset
from django import forms
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods

from ..errors import DomainError
from ..handoff import handoff_ticket
from ..redirects import safe_next
from ..selectors import groups_for_user, stores_for_user
from ..services.accounts import invitation_accept, invitation_get_open, user_sign_out_everywhere
from ..services.onboarding import store_domain, store_url
from ..tasks import last_heartbeat_age_s
from ..throttle import account_key, address_failure_record, address_is_locked, client_ip
from ..throttles import auth_throttled


class SignInForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("手机号或邮箱"), max_length=120)
    password = forms.CharField(label=gettext_lazy("密码"), widget=forms.PasswordInput)


@require_http_methods(["GET", "POST"])
@auth_throttled(methods=("POST",))
def signin(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "GET" and request.user.is_authenticated:
        return _after_signin(request, next_url)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if address_is_locked(ip):
            return render(request, "tenants/locked_out.html", status=429)
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return render(request, "tenants/locked_out.html", status=429)
        if user is not None:
            login(request, user, backend="tenants.auth.MobileOrEmailBackend")
            # Only this account's failures at this address: a colleague's count is theirs.
            axes_reset(ip=ip, username=account_key(form.cleaned_data["username"]))
            return _after_signin(request, next_url)
        address_failure_record(ip)
        form.add_error(None, gettext("手机号/邮箱或密码不正确。"))
    return render(request, "tenants/signin.html", {"form": form, "next": next_url})


def _after_signin(request: HttpRequest, next_url: str) -> HttpResponse:
    if safe_next(request, next_url):  # a page of the base domain (sign-in's own host)
        return redirect(next_url)
    # A store URL (from a store page that sent the user here): hand over to that store.
    for store in stores_for_user(request.user):  # type: ignore[arg-type]
        if next_url.startswith(store_url(store)) or f"//{store_domain(store.slug)}" in next_url:
            return redirect("public:switch_store", store_id=store.pk)
    return redirect("public:home")


def signout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        user_sign_out_everywhere(user=request.user)  # type: ignore[arg-type]
    logout(request)
    return redirect("public:signin")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    groups = groups_for_user(request.user)  # type: ignore[arg-type]
    stores = stores_for_user(request.user)  # type: ignore[arg-type]
    if groups and not stores:
        return redirect("hq:stores")
    if len(stores) == 1 and not groups:
        return redirect("public:switch_store", store_id=stores[0].pk)
    return render(
        request, "tenants/choose.html", {"stores": [(s, store_url(s)) for s in stores], "groups": groups}
    )


@login_required
def switch_store(request: HttpRequest, store_id: int) -> HttpResponse:
    """Sign the user in at another of their stores (see tenants.handoff)."""
    store = next((s for s in stores_for_user(request.user) if s.pk == store_id), None)  # type: ignore[arg-type]
    if store is None:
        raise Http404(gettext("页面不存在"))
    ticket = handoff_ticket(user=request.user, store=store)  # type: ignore[arg-type]
    return redirect(f"{store_url(store)}auth/handoff/?{urlencode({'ticket': ticket})}")


class AcceptForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    password = forms.CharField(label=gettext_lazy("设置密码"), widget=forms.PasswordInput, help_text=gettext_lazy("至少 12 位"))
    password2 = forms.CharField(label=gettext_lazy("再次输入密码"), widget=forms.PasswordInput)

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", gettext("两次输入的密码不一致。"))
        return data


@require_http_methods(["GET", "POST"])
@auth_throttled()
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = invitation_get_open(token)
    except DomainError as exc:
        return render(request, "tenants/invitation.html", {"error": exc.message}, status=404)
    signed_in = request.user.is_authenticated
    form = AcceptForm(request.POST or None, initial={"name": invite.name})
    refusal = ""
    if request.method == "POST":
        try:
            if signed_in:
                invitation_accept(token=token, user=request.user)  # type: ignore[arg-type]
                return redirect("public:switch_store", store_id=invite.store_id)
            if form.is_valid():
                user = invitation_accept(
                    token=token, name=form.cleaned_data["name"], password=form.cleaned_data["password"]
                )
                login(request, user, backend="tenants.auth.MobileOrEmailBackend")
                return redirect("public:switch_store", store_id=invite.store_id)
        except DomainError as exc:
            if signed_in or not form.is_bound:
                refusal = exc.message  # bound to another mobile, or already used: nothing typed to keep
            else:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "tenants/invitation.html",
                  {"invite": invite, "form": form, "signed_in": signed_in, "refusal": refusal})


def healthz(request: HttpRequest) -> JsonResponse:
    """Database and Redis reachability, for load balancers and `make run`."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", 5)
        checks["redis"] = "ok" if cache.get("healthz") == "1" else "error: no echo"
    except Exception as exc:  # noqa: BLE001
        checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    body: dict[str, object] = {"status": "ok" if healthy else "degraded", **checks}
    if request.GET.get("worker"):
        # Informational: a worker that has not run beat's heartbeat lately is reported, not fatal.

        age = last_heartbeat_age_s()
        body["worker_heartbeat_age_s"] = None if age is None else round(age, 1)
    return JsonResponse(body, status=200 if healthy else 503)
