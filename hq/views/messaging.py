"""HQ page 短信设置: the group's SMS account (keys masked), its signatures and templates, daily volume, and the
group's WeCom application (企业微信, staff notices; its Secret masked)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from tenants.access import group_for_hq, hq_view
from tenants.errors import DomainError
from tenants.forms import run_form
from tenants.requests import is_hq_admin

from ..forms import SmsAccountForm, SmsSignatureForm, SmsTemplateForm, WeComAccountForm, WeComTestForm
from ..services.messaging import (
    sms_account_save,
    sms_account_view,
    sms_registry,
    sms_signature_save,
    sms_template_save,
    sms_volume,
    sms_volume_days,
    wecom_account_save,
    wecom_account_view,
    wecom_test_send,
)


def _page(request: HttpRequest, *, account_form: SmsAccountForm | None = None,
          signature_form: SmsSignatureForm | None = None, template_form: SmsTemplateForm | None = None,
          wecom_form: WeComAccountForm | None = None, wecom_test_form: WeComTestForm | None = None,
          status: int = 200) -> HttpResponse:
    group = group_for_hq(request)
    account = sms_account_view(group)
    signatures, templates = sms_registry(group)
    choices = [(s.pk, s.name) for s in signatures]
    initial: dict[str, Any] = {"vendor": account.vendor, "app_id": account.app_id, "endpoint": account.endpoint,
                               "is_active": account.is_active} if account else {}
    volume = sms_volume(group)
    wecom = wecom_account_view(group)
    wecom_initial: dict[str, Any] = {"corp_id": wecom.corp_id, "agent_id": wecom.agent_id, "api_base": wecom.api_base,
                                     "is_active": wecom.is_active} if wecom else {}
    return render(request, "hq/sms.html", {
        "group": group, "account": account, "signatures": signatures, "templates": templates, "volume": volume,
        "volume_total": sum(r["n"] for r in volume), "volume_days": sms_volume_days(group), "is_admin": is_hq_admin(request),
        "account_form": account_form or SmsAccountForm(initial=initial),
        "signature_form": signature_form or SmsSignatureForm(),
        "template_form": template_form or SmsTemplateForm(signatures=choices),
        "callback_base": request.build_absolute_uri("/sms/callback/"),
        "wecom": wecom, "wecom_form": wecom_form or WeComAccountForm(initial=wecom_initial),
        "wecom_test_form": wecom_test_form or WeComTestForm(),
    }, status=status)


@hq_view()
def sms_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _submit(request: HttpRequest, form: forms.Form, save: Callable[[dict[str, Any]], object], *, slot: str,
            done: str) -> HttpResponse:
    """Every form of this page: the one service through run_form; refused, the page again with the bound
    form in its card (400), what was typed kept and each error at its field."""
    if run_form(form, lambda d: save(d) or True) is None:
        return _page(request, status=400, **{slot: form})  # type: ignore[arg-type]  # slot names the form's own card
    messages.success(request, done)
    return redirect("hq:sms")


@hq_view(admin=True)
def sms_account_edit(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("hq:sms")
    return _submit(request, SmsAccountForm(request.POST),
                   lambda d: sms_account_save(group=group_for_hq(request), actor=request.user, **d),  # type: ignore[arg-type]
                   slot="account_form", done=gettext("短信账号已保存。"))


@hq_view(admin=True)
def sms_signature_add(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("hq:sms")
    return _submit(request, SmsSignatureForm(request.POST),
                   lambda d: sms_signature_save(group=group_for_hq(request), **d),
                   slot="signature_form", done=gettext("签名已保存。"))


@hq_view(admin=True)
def sms_template_add(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("hq:sms")
    group = group_for_hq(request)
    form = SmsTemplateForm(request.POST, signatures=[(s.pk, s.name) for s in sms_registry(group)[0]])
    return _submit(request, form, lambda d: sms_template_save(
        group=group, signature_id=d["signature"], code=d["code"], name=d["name"], kind=d["kind"],
        content=d["content"], status=d["status"], rule_keys=form.split(d["rule_keys"]),
        variables=form.split(d["variables"])), slot="template_form", done=gettext("短信模板已保存。"))


@hq_view(admin=True)
def wecom_account_edit(request: HttpRequest) -> HttpResponse:
    """保存企业微信应用 (corp id, agent id, Secret; 启用)."""
    if request.method != "POST":
        return redirect("hq:sms")
    return _submit(request, WeComAccountForm(request.POST),
                   lambda d: wecom_account_save(group=group_for_hq(request), actor=request.user, **d),  # type: ignore[arg-type]
                   slot="wecom_form", done=gettext("企业微信应用已保存。"))


@hq_view(admin=True)
def wecom_test(request: HttpRequest) -> HttpResponse:
    """发送测试消息 through the saved WeCom application."""
    if request.method != "POST":
        return redirect("hq:sms")
    form = WeComTestForm(request.POST)
    if form.is_valid():
        group = group_for_hq(request)
        try:
            wecom_test_send(group=group, userid=form.cleaned_data["userid"],
                            text=gettext("这是%(group)s的企业微信测试消息：配置正确。") % {"group": group.name})
        except DomainError as exc:
            form.add_error("userid", exc.message)
        else:
            messages.success(request, gettext("测试消息已发送到 %(userid)s。") % {"userid": form.cleaned_data["userid"]})
            return redirect("hq:sms")
    return _page(request, wecom_test_form=form, status=400)
