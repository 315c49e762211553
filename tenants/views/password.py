"""找回密码 (by SMS code or e-mail link) and 修改密码 pages on the base domain."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ..errors import DomainError
from ..services.recovery import password_change, password_reset_confirm, password_reset_request


class ForgotForm(forms.Form):
    login = forms.CharField(label=gettext_lazy("手机号或邮箱"), max_length=120)


class NewPasswordForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("新密码"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=gettext_lazy("再次输入新密码"), widget=forms.PasswordInput)

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class ResetByCodeForm(NewPasswordForm):
    login = forms.CharField(label=gettext_lazy("手机号"), max_length=120)
    code = forms.CharField(label=gettext_lazy("短信验证码"), max_length=12)
    field_order = ["login", "code", "password", "password2"]


class ChangeForm(NewPasswordForm):
    old_password = forms.CharField(label=gettext_lazy("原密码"), widget=forms.PasswordInput)
    field_order = ["old_password", "password", "password2"]


def _bound(request: HttpRequest) -> object:
    return request.POST if request.method == "POST" else None


def _fail(form: forms.Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@require_http_methods(["GET", "POST"])
def forgot(request: HttpRequest) -> HttpResponse:
    """Ask for a code (mobile) or a link (e-mail); the answer is the same whether the account exists."""
    form = ForgotForm(_bound(request))  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        login = form.cleaned_data["login"].strip()
        try:
            password_reset_request(login=login, ip=get_client_ip_address(request))
        except DomainError as exc:
            _fail(form, exc)
        else:
            if "@" in login:
                messages.success(request, _("如果该邮箱已注册，重置链接已发送，请在 10 分钟内打开。"))
                return redirect("public:signin")
            messages.success(request, _("如果该手机号已注册，验证码已发送，10 分钟内有效。"))
            return redirect(reverse("public:password_reset") + f"?login={login}")
    return render(request, "tenants/password_forgot.html", {"form": form}, status=_status(form))


@require_http_methods(["GET", "POST"])
def reset_by_code(request: HttpRequest) -> HttpResponse:
    form = ResetByCodeForm(_bound(request), initial={"login": request.GET.get("login", "")})  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_confirm(login=form.cleaned_data["login"], code=form.cleaned_data["code"],
                                   password=form.cleaned_data["password"])
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("密码已重置，请用新密码登录。"))
            return redirect("public:signin")
    return render(request, "tenants/password_reset.html", {"form": form}, status=_status(form))


@require_http_methods(["GET", "POST"])
def reset_by_link(request: HttpRequest, user_id: int, token: str) -> HttpResponse:
    form = NewPasswordForm(_bound(request))  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_confirm(user_id=user_id, code=token, password=form.cleaned_data["password"])
        except DomainError as exc:
            _fail(form, exc)
            if exc.field == "code":
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("密码已重置，请用新密码登录。"))
            return redirect("public:signin")
    return render(request, "tenants/password_reset.html", {"form": form}, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def change(request: HttpRequest) -> HttpResponse:
    form = ChangeForm(_bound(request))  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            user = password_change(user=request.user, old_password=form.cleaned_data["old_password"],  # type: ignore[arg-type]
                                   new_password=form.cleaned_data["password"])
        except DomainError as exc:
            _fail(form, exc)
        else:
            update_session_auth_hash(request, user)  # this session stays; the password hash changed for others
            messages.success(request, _("密码已修改。"))
            return redirect("public:home")
    return render(request, "tenants/password_change.html", {"form": form}, status=_status(form))


def _status(form: forms.Form) -> int:
    return 400 if form.errors else 200
