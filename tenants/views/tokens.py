"""API令牌 page for the store's GM: issue (name, read-only or read-write, expiry; secret shown once),
list (prefix, last used) and revoke."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ..access import group_for_hq, hq_view, store_view
from ..errors import DomainError
from ..models import ApiToken, User
from ..requests import StoreRequest
from ..roles import Perm
from ..services.accounts import api_token_issue, api_token_issue_hq, api_token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=60)
    access = forms.ChoiceField(label=gettext_lazy("权限"), choices=[("read", gettext_lazy("只读")),
                                                                   ("write", gettext_lazy("读写"))])
    expires_on = forms.DateField(label=gettext_lazy("到期日期"), required=False,
                                 help_text=gettext_lazy("留空表示不过期；到期当天 24:00 失效。"))


def _expiry(day: dt.date | None) -> dt.datetime | None:
    """The end of the chosen day in the store's time zone."""
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


@store_view(Perm.MANAGE_STORE)
@require_http_methods(["GET", "POST"])
def token_page(request: StoreRequest) -> HttpResponse:
    store = request.tenant
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST if request.method == "POST" else None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = api_token_issue(
                user=user, store=store, name=form.cleaned_data["name"],
                read_only=form.cleaned_data["access"] == "read", expires_at=_expiry(form.cleaned_data["expires_on"]),
            )
        except DomainError as exc:
            form.add_error("expires_on" if exc.field == "expires_at" else exc.field if exc.field in form.fields
                           else None, exc.message)
        else:
            form = TokenForm()
    tokens = ApiToken.objects.filter(store=store).select_related("user").order_by("-created_at")[:100]
    return render(request, "tenants/tokens.html", {"form": form, "secret": secret, "tokens": tokens, "base": reverse("store:staff_tokens"),
                                                   "title": store.name, "now": timezone.now()},
                  status=400 if form.errors else 200)


@store_view(Perm.MANAGE_STORE)
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        api_token_revoke(actor=request.user, store=request.tenant, token_id=token_id)  # type: ignore[arg-type, attr-defined]
    except DomainError as exc:
        raise Http404(_("页面不存在")) from exc
    messages.success(request, _("令牌已吊销。"))
    return redirect("store:staff_tokens")


# ---------------------------------------------------------------- HQ API tokens (the group's HQ admin)

@hq_view(admin=True)
@require_http_methods(["GET", "POST"])
def hq_token_page(request: HttpRequest) -> HttpResponse:
    group = group_for_hq(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = api_token_issue_hq(
                user=request.user, group=group, name=form.cleaned_data["name"],  # type: ignore[arg-type]
                read_only=form.cleaned_data["access"] == "read", expires_at=_expiry(form.cleaned_data["expires_on"]),
            )
        except DomainError as exc:
            form.add_error("expires_on" if exc.field == "expires_at" else exc.field if exc.field in form.fields
                           else None, exc.message)
        else:
            form = TokenForm()
    tokens = ApiToken.objects.filter(group=group).select_related("user").order_by("-created_at")[:100]
    return render(request, "tenants/tokens.html", {"form": form, "secret": secret, "tokens": tokens,
                                                   "base": reverse("hq:tokens"), "title": group.name, "now": timezone.now()},
                  status=400 if form.errors else 200)


@hq_view(admin=True)
@require_POST
def hq_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        api_token_revoke(actor=request.user, group=group_for_hq(request), token_id=token_id)  # type: ignore[arg-type]
    except DomainError as exc:
        raise Http404(_("页面不存在")) from exc
    messages.success(request, _("令牌已吊销。"))
    return redirect("hq:tokens")
