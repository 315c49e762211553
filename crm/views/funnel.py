"""Funnel pages: quick reception, lead board, today, supervision, and the 360° page's sales actions.

Store pages use Django forms (crm.forms): a form with errors re-renders with what was typed and each
error at its field; the services decide the rules.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.access import store_view
from tenants.forms import form_errors_as_messages
from tenants.redirects import next_url
from tenants.roles import Perm

from ..access import get_customer_for_member, get_lead_for_member, sees_all, staff_names
from ..forms import (
    FollowUpForm,
    LeadDealForm,
    LeadDefeatForm,
    LeadGradeForm,
    LeadKeyForm,
    ReceptionForm,
    ServiceVisitForm,
    TestDriveForm,
    run_form,
)
from ..models import Lead
from ..models.choices import Grade
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
from .common import as_int, member_of, store_id
from .customers import customer_360_response


@store_view(Perm.EDIT_CUSTOMERS)
def reception_new(request: HttpRequest) -> HttpResponse:
    """接待登记: phone, name, grade, model — the rest later. 撞单 says only that the visitor has a consultant."""
    member = member_of(request)
    form = ReceptionForm(request.POST or None)
    if request.method == "POST":
        reception = run_form(form, lambda d: reception_create(
            member=member, mobile=d["mobile"], name=d["name"], grade=d["grade"], source=d["source"],
            models_of_interest=d["models_of_interest"], visitors=d["visitors"], budget=d["budget"],
            needs=d["needs"], concerns=d["concerns"]))
        if reception is not None:
            owner = staff_names(store_id()).get(reception.consultant_id, "") if reception.clash else ""
            if reception.clash and not sees_all(member):
                messages.warning(request, _("撞单：该客户已有专属销售顾问（%(owner)s），已通知其顾问和销售经理，"
                                            "后续回访由原顾问负责。") % {"owner": owner})
            elif reception.clash:  # a manager sees the store: the customer, and whose they are
                messages.warning(request, _("已登记接待：%(name)s（撞单，归属销售顾问%(owner)s，由其今晚回访）。")
                                 % {"name": reception.customer.name, "owner": owner})
            else:
                messages.success(request, _("已登记接待：%(name)s。今晚请完成回访。") % {"name": reception.customer.name})
            return redirect("crm:reception_new")
    return render(request, "crm/reception_form.html", {"form": form}, status=400 if form.errors else 200)


@store_view(Perm.MANAGE_LEADS)
def lead_board_page(request: HttpRequest) -> HttpResponse:
    """线索看板 (按意向级别), each row with its regrade and key-customer actions."""
    return render(request, "crm/lead_board.html", {"columns": lead_board(member=member_of(request)),
                                                   "today": timezone.localdate(), "grades": Grade.choices})


@store_view(Perm.VIEW_STORE)
def today_page(request: HttpRequest) -> HttpResponse:
    """今日待办."""
    return render(request, "crm/today.html", today_data(member=member_of(request)))


@store_view(Perm.SUPERVISE)
def supervision_page(request: HttpRequest) -> HttpResponse:
    """跟进督查."""
    days = as_int((request.GET.get("days") or "7")[:3], _("天数")) if (request.GET.get("days") or "7").isdigit() else 7
    return render(request, "crm/supervision.html",
                  supervision_data(member=member_of(request), store_id=store_id(), days=days or 7))


def _lead_of(request: HttpRequest, customer_pk: int, raw: Any) -> Lead | None:
    return get_lead_for_member(member_of(request), raw) if raw else None


@require_POST
@store_view(Perm.EDIT_CUSTOMERS)
def followup_new(request: HttpRequest, pk: int) -> HttpResponse:
    """写跟进记录."""
    member = member_of(request)
    customer = get_customer_for_member(member, pk)
    form = FollowUpForm(request.POST)
    done = run_form(form, lambda d: followup_create(
        member=member, customer=customer, lead=_lead_of(request, pk, d["lead"]), channel=d["channel"],
        content=d["content"], feedback=d["feedback"], next_step=d["next_step"], next_on=d["next_on"]))
    if done is None:
        return customer_360_response(request, pk, {"followup_form": form}, status=400)
    messages.success(request, _("跟进记录已保存。"))
    return redirect("crm:customer_detail", pk=customer.pk)


@require_POST
@store_view(Perm.EDIT_CUSTOMERS)
def test_drive_new(request: HttpRequest, pk: int) -> HttpResponse:
    """登记试乘试驾, or book one for a later time (预约试驾)."""
    member = member_of(request)
    customer = get_customer_for_member(member, pk)
    form = TestDriveForm(request.POST)
    done = run_form(form, lambda d: test_drive_create(
        member=member, customer=customer, lead=_lead_of(request, pk, d["lead"]), model=d["model"],
        feedback=d["feedback"], driven_at=d["driven_at"], licence_checked=d["licence_checked"], book=d["book"]))
    if done is None:
        return customer_360_response(request, pk, {"test_drive_form": form}, status=400)
    messages.success(request, _("试驾已预约。") if form.cleaned_data["book"] else _("试驾已登记。"))
    return redirect("crm:customer_detail", pk=customer.pk)


_LEAD_FORMS = {"grade": LeadGradeForm, "key": LeadKeyForm, "deal": LeadDealForm, "defeat": LeadDefeatForm}


@require_POST
@store_view(Perm.MANAGE_LEADS)
def lead_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """线索操作: 调整级别 / 重点客户 / 成交 / 战败 — from the 360° page, the lead board or a task row."""
    member = member_of(request)
    lead = get_lead_for_member(member, pk)
    back = next_url(request, "crm:customer_detail", lead.customer_id)
    if action not in _LEAD_FORMS:
        return redirect(back)
    form = _LEAD_FORMS[action](request.POST)
    services = {
        "grade": lambda d: lead_grade(member=member, lead=lead, grade=d["grade"]),
        "key": lambda d: lead_set_key(member=member, lead=lead, is_key=d["is_key"]),
        "deal": lambda d: lead_close_deal(
            member=member, lead=lead, vin=d["vin"], plate=d["plate"], model=lead.model_of_interest,
            amount=d["amount"], delivered_on=d["delivered_on"]),
        "defeat": lambda d: lead_defeat(
            member=member, lead=lead, reason=d["reason"], competitor_brand=d["competitor_brand"],
            competitor_model=d["competitor_model"], note=d["note"]),
    }
    done = run_form(form, services[action])
    if done is None:
        if action in ("deal", "defeat") and back.startswith(f"/customers/{lead.customer_id}/"):
            return customer_360_response(request, lead.customer_id, {f"{action}_form": form, "form_lead": lead.pk},
                                         status=400)
        form_errors_as_messages(request, form)
        return redirect(back)
    text = {"grade": _("意向级别已调整为%(grade)s级，跟进计划已按新级别重排。") % {"grade": lead.grade},
            "key": _("已标记为重点客户。") if lead.is_key else _("已取消重点客户。"),
            "deal": _("已登记成交。"), "defeat": _("已提交战败申请，等待销售经理审核。")}[action]
    messages.success(request, text)
    return redirect(back)


@require_POST
@store_view(Perm.SERVICE_ORDERS)
def service_visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    """登记维修工单."""
    member = member_of(request)
    customer = get_customer_for_member(member, pk)
    form = ServiceVisitForm(request.POST, vehicles=list(customer.vehicles.all()))

    def record(d: dict[str, Any]) -> object:
        return service_visit_create(
            member=member, vehicle=d["vehicle"], kind=d["kind"], visited_on=d["visited_on"] or timezone.localdate(),
            km=d["km"], amount=d["amount"] or 0, may_call=d["may_call"], order_no=d["order_no"], notes=d["notes"])
    if run_form(form, record) is None:
        return customer_360_response(request, pk, {"service_visit_form": form, "service_visit_form_open": True},
                                     status=400)
    messages.success(request, _("维修工单已登记。"))
    return redirect("crm:customer_detail", pk=customer.pk)


__all__ = ["staff_names"]
