"""Funnel pages: quick reception, lead board, today, supervision, and the 360° page's actions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tenants.access import store_view
from tenants.errors import DomainError
from tenants.redirects import redirect_next
from tenants.roles import Perm

from ..access import get_customer_for_member, get_lead_for_member, staff_names
from ..models.choices import Grade, Source
from ..selectors import lead_board, supervision_data, today_data
from ..services import (
    followup_create,
    lead_close_deal,
    lead_defeat,
    lead_grade,
    lead_set_key,
    reception_create,
    service_visit_create,
    test_drive_create,
)
from .common import as_date, as_datetime, as_int, attempt, member_of, s, store_id


@store_view(Perm.EDIT_CUSTOMERS)
def reception_new(request: HttpRequest) -> HttpResponse:
    """接待登记: phone, name, grade, model — the rest later."""
    ctx: dict[str, object] = {}
    if request.method == "POST":
        member = member_of(request)
        reception, ctx = attempt(request, lambda: reception_create(
            member=member, mobile=s(request, "mobile"), name=s(request, "name"), grade=s(request, "grade") or "C",
            source=s(request, "source") or Source.WALK_IN, models_of_interest=s(request, "models_of_interest"),
            visitors=as_int(s(request, "visitors"), "到店人数") or 1, budget=s(request, "budget"),
            needs=s(request, "needs"), concerns=s(request, "concerns")))
        if reception is not None:
            messages.success(request, f"已登记接待：{reception.customer.name}。今晚请完成回访。")
            return redirect("crm_reception_new")
    return render(request, "crm/reception_form.html", {"form": request.POST, **ctx, "grades": Grade.choices,
                                                       "sources": Source.choices})


@store_view(Perm.MANAGE_LEADS)
def lead_board_page(request: HttpRequest) -> HttpResponse:
    """线索看板 (按意向级别)."""
    return render(request, "crm/lead_board.html", {"columns": lead_board(member=member_of(request)),
                                                   "today": timezone.localdate()})


@store_view(Perm.VIEW_STORE)
def today_page(request: HttpRequest) -> HttpResponse:
    """今日待办."""
    return render(request, "crm/today.html", today_data(member=member_of(request)))


@store_view(Perm.SUPERVISE)
def supervision_page(request: HttpRequest) -> HttpResponse:
    """跟进督查."""
    days = as_int((request.GET.get("days") or "7")[:3], "天数") if (request.GET.get("days") or "7").isdigit() else 7
    return render(request, "crm/supervision.html",
                  supervision_data(member=member_of(request), store_id=store_id(), days=days or 7))


@require_POST
@store_view(Perm.EDIT_CUSTOMERS)
def followup_new(request: HttpRequest, pk: int) -> HttpResponse:
    """写跟进记录."""
    member = member_of(request)
    customer = get_customer_for_member(member, pk)
    lead_id = s(request, "lead")
    lead = get_lead_for_member(member, lead_id) if lead_id else None
    done, _ = attempt(request, lambda: followup_create(
        member=member, customer=customer, lead=lead, channel=s(request, "channel"), content=s(request, "content"),
        feedback=s(request, "feedback"), next_step=s(request, "next_step"),
        next_on=as_date(s(request, "next_on"), "下次跟进日期")))
    if done is not None:
        messages.success(request, "跟进记录已保存。")
    return redirect(f"/customers/{customer.pk}/")


@require_POST
@store_view(Perm.EDIT_CUSTOMERS)
def test_drive_new(request: HttpRequest, pk: int) -> HttpResponse:
    """登记试乘试驾."""
    member = member_of(request)
    customer = get_customer_for_member(member, pk)
    lead_id = s(request, "lead")
    lead = get_lead_for_member(member, lead_id) if lead_id else None
    done, _ = attempt(request, lambda: test_drive_create(
        member=member, customer=customer, lead=lead, model=s(request, "model"), feedback=s(request, "feedback"),
        driven_at=as_datetime(s(request, "driven_at"), "试驾时间"),
        licence_checked=request.POST.get("licence_checked") == "on"))
    if done is not None:
        messages.success(request, "试驾已登记。")
    return redirect(f"/customers/{customer.pk}/")


def _money(value: str) -> Decimal | None:
    if not value:
        return None
    try:
        return Decimal(value.replace(",", "").replace("¥", ""))
    except InvalidOperation:
        raise DomainError("金额格式不正确。", field="amount") from None


@require_POST
@store_view(Perm.MANAGE_LEADS)
def lead_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """线索操作: 调整级别 / 重点客户 / 成交 / 战败."""
    member = member_of(request)
    lead = get_lead_for_member(member, pk)
    actions = {
        "grade": lambda: lead_grade(member=member, lead=lead, grade=s(request, "grade")),
        "key": lambda: lead_set_key(member=member, lead=lead, is_key=s(request, "is_key") == "1"),
        "deal": lambda: lead_close_deal(
            member=member, lead=lead, vin=s(request, "vin"), plate=s(request, "plate"), brand=s(request, "brand"),
            model=s(request, "model") or lead.model_of_interest, amount=_money(s(request, "amount")),
            delivered_on=as_date(s(request, "delivered_on"), "交车日期")),
        "defeat": lambda: lead_defeat(
            member=member, lead=lead, reason=s(request, "reason"), competitor_brand=s(request, "competitor_brand"),
            competitor_model=s(request, "competitor_model"), note=s(request, "note")),
    }
    if action not in actions:
        return redirect(f"/customers/{lead.customer_id}/")
    done, _ = attempt(request, actions[action])
    if done is not None:
        messages.success(request, "已保存。")
    return redirect_next(request, f"/customers/{lead.customer_id}/")


@require_POST
@store_view(Perm.SERVICE_ORDERS)
def service_visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    """登记维修工单."""
    member = member_of(request)
    customer = get_customer_for_member(member, pk)
    vehicle = customer.vehicles.filter(pk=as_int(s(request, "vehicle"), "车辆") or 0).first()
    if vehicle is None:
        messages.error(request, "请选择该客户的车辆。")
        return redirect(f"/customers/{customer.pk}/")
    done, _ = attempt(request, lambda: service_visit_create(
        member=member, vehicle=vehicle, kind=s(request, "kind"),
        visited_on=as_date(s(request, "visited_on"), "进站日期") or timezone.localdate(),
        km=as_int(s(request, "km"), "里程"), amount=_money(s(request, "amount")) or 0,
        may_call=request.POST.get("may_call") == "on", order_no=s(request, "order_no"), notes=s(request, "notes")))
    if done is not None:
        messages.success(request, "维修工单已登记。")
    return redirect(f"/customers/{customer.pk}/")


__all__ = ["staff_names"]
