"""HQ billing page: plan, payment state, next and past invoices, audit trail; admins change things."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from tenants.access import group_for_hq, hq_view
from tenants.errors import DomainError
from tenants.forms import form_errors_as_messages, run_form
from tenants.requests import hq_membership_of
from tenants.roles import GroupRole

from . import services
from .forms import PlanForm
from .plans import plan_catalogue, plan_name
from .selectors import (
    audit_log_for_group,
    billable_store_count,
    billing_account_for_group,
    payment_state,
    stripe_overview_for_group,
)


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('billing:page')}?group={group_for_hq(request).code}")


@hq_view()
def billing_page(request: HttpRequest) -> HttpResponse:
    group = group_for_hq(request)
    account = billing_account_for_group(group)
    ctx = {
        "group": group,
        "account": account,
        "state": payment_state(account),
        "plan_label": plan_name(account.plan_code) if account else "",
        "catalogue": plan_catalogue(),
        "billable_stores": billable_store_count(group.pk),
        "overview": stripe_overview_for_group(group),
        "audit_log": audit_log_for_group(group),
        "is_admin": hq_membership_of(request).role == GroupRole.HQ_ADMIN,
    }
    return render(request, "billing/page.html", ctx)


@hq_view(admin=True)
@require_POST
def billing_open(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST)
    if run_form(form, lambda d: services.billing_account_open(
            group=group_for_hq(request), plan_code=d["plan_code"], interval=d["interval"],
            email=request.user.email or "", actor=request.user)) is None:  # type: ignore[union-attr, arg-type]
        form_errors_as_messages(request, form)
    else:
        messages.success(request, gettext("订阅已开通，试用期开始。"))
    return _back(request)


@hq_view(admin=True)
@require_POST
def billing_change_plan(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST)
    if run_form(form, lambda d: services.subscription_change_plan(
            group=group_for_hq(request), plan_code=d["plan_code"], interval=d["interval"],
            actor=request.user)) is None:  # type: ignore[arg-type]
        form_errors_as_messages(request, form)
    else:
        messages.success(request, gettext("套餐已更换。"))
    return _back(request)


@hq_view(admin=True)
@require_POST
def billing_cancel(request: HttpRequest) -> HttpResponse:
    try:
        services.subscription_cancel(group=group_for_hq(request), at_period_end=True,
                                     actor=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("已申请在本期结束时取消订阅。"))
    return _back(request)


@hq_view(admin=True)
@require_POST
def billing_payment_method(request: HttpRequest) -> HttpResponse:
    """Send the admin to Stripe's customer portal to update the card."""
    group = group_for_hq(request)
    back = request.build_absolute_uri(f"{reverse('billing:page')}?group={group.code}")
    try:
        url = services.payment_method_update_url(group=group, return_url=back)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request)
    return redirect(url)
