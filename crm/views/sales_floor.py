"""Sales-floor pages beyond the funnel: booked test drives kept or missed, service appointments
(预约保养/维修: book, board, check-in, no-show) and the Monday key-customer review (重点客户周报)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.access import store_view
from tenants.errors import DomainError
from tenants.exports import download, xlsx_bytes
from tenants.requests import StoreRequest, member_of
from tenants.roles import Perm, role_allows

from ..access import customers_for_member, get_customer_for_member, sees_all
from ..forms import AppointmentForm, CoachingForm, KeyOutcomeForm, TestDriveKeepForm, run_form
from ..models.appointments import Appointment, KeyReviewItem, KeyReviewWeek
from ..models.funnel import TestDrive
from ..selectors.sales_floor import (
    KEY_REVIEW_HEADERS,
    appointments_on,
    key_review_export_rows,
    key_review_table,
    key_review_week,
    service_advisors,
)
from ..services.appointments import (
    appointment_book,
    appointment_cancel,
    appointment_check_in,
    appointment_no_show,
)
from ..services.funnel import test_drive_keep
from ..services.key_review import key_review_coach, key_review_decide, key_review_open_week, week_start_of
from .common import store_id
from .customers import customer_360_response

# ------------------------------------------------------------------ test drives booked for later


def _drive_for_member(request: HttpRequest, pk: int) -> TestDrive:
    drive = TestDrive.objects.filter(pk=pk, customer__in=customers_for_member(member_of(request))).first()
    if drive is None:
        raise Http404(_("页面不存在"))
    return drive


@require_POST
@store_view(Perm.EDIT_CUSTOMERS)
def test_drive_keep_view(request: HttpRequest, pk: int, outcome: str) -> HttpResponse:
    """预约试驾: kept (licence checked) or 未到店."""
    drive = _drive_for_member(request, pk)
    no_show = outcome == "no-show"
    form = TestDriveKeepForm(request.POST)
    done = run_form(form, lambda d: test_drive_keep(member=member_of(request), drive=drive, no_show=no_show,
                                                    licence_checked=d["licence_checked"], feedback=d["feedback"]))
    if done is None:
        return customer_360_response(request, drive.customer_id, {"keep_form": form, "keep_drive": drive.pk},
                                     status=400)
    messages.success(request, _("已记为未到店。") if no_show else _("试驾已完成。"))
    return redirect("crm:customer_detail", pk=drive.customer_id)


# ------------------------------------------------------------------ appointments


def _store_name(request: HttpRequest) -> str:
    return str(getattr(cast(StoreRequest, request).tenant, "name", ""))


@require_POST
@store_view(Perm.EDIT_CUSTOMERS)
def appointment_new(request: HttpRequest, pk: int) -> HttpResponse:
    """预约保养/维修 from the 360° page."""
    member = member_of(request)
    customer = get_customer_for_member(member, pk)
    vehicles = list(customer.vehicles.all())
    form = AppointmentForm(request.POST, vehicles=vehicles, advisors=service_advisors(store_id()))

    def book(d: dict[str, object]) -> Appointment:
        vehicle = next((v for v in vehicles if v.pk == d["vehicle"]), None)
        if vehicle is None:
            raise DomainError(_("请选择该客户的车辆。"), field="vehicle")
        return appointment_book(member=member, customer=customer, vehicle=vehicle, kind=str(d["kind"]),
                                starts_at=form.starts_at(), advisor_id=d["advisor_id"],  # type: ignore[arg-type]
                                note=str(d["note"]), store_name=_store_name(request))

    done = run_form(form, book)
    if done is None:
        return customer_360_response(request, pk, {"appointment_form": form}, status=400)
    messages.success(request, _("已预约，将提前一天短信提醒客户。"))
    return redirect(reverse("crm:customer_detail", kwargs={"pk": customer.pk}) + "#appointments")


def _day(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


@store_view(Perm.VIEW_STORE)
def appointment_board(request: HttpRequest) -> HttpResponse:
    """预约看板: the day's appointments; service staff check cars in or mark no-shows."""
    member = member_of(request)
    day = _day(request)
    visible = set(customers_for_member(member).values_list("pk", flat=True)) if not sees_all(member) else None
    rows = [a for a in appointments_on(day) if visible is None or a.customer_id in visible]
    names = {m.user_id: m.user.name for m in service_advisors(store_id())}
    return render(request, "crm/appointments.html", {
        "day": day, "prev": day - timedelta(days=1), "next": day + timedelta(days=1), "rows": rows,
        "names": names, "can_check_in": role_allows(member.role, Perm.SERVICE_ORDERS), "now": timezone.now()})


@require_POST
@store_view(Perm.SERVICE_ORDERS)
def appointment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """到店登记 / 未到店 / 取消."""
    member = member_of(request)
    appt = Appointment.objects.filter(pk=pk, customer__in=customers_for_member(member)).first()
    if appt is None or action not in ("arrive", "no-show", "cancel"):
        raise Http404(_("页面不存在"))
    try:
        if action == "arrive":
            appointment_check_in(member=member, appointment=appt)
            messages.success(request, _("已到店，维修工单已开。"))
        elif action == "no-show":
            appointment_no_show(member=member, appointment=appt)
            messages.success(request, _("已记为未到店。"))
        else:
            appointment_cancel(member=member, appointment=appt)
            messages.success(request, _("预约已取消。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("crm:appointments") + f"?day={timezone.localtime(appt.starts_at).date().isoformat()}")


# ------------------------------------------------------------------ 重点客户周报


def _week(request: HttpRequest) -> date:
    try:
        return week_start_of(date.fromisoformat(request.GET.get("week", "")))
    except ValueError:
        return week_start_of(timezone.localdate())


def _review_ctx(request: HttpRequest, monday: date) -> dict[str, Any]:
    member = member_of(request)
    week = key_review_week(monday)
    rows = key_review_table(week=week, store_id=store_id(), member=member, sees_all=sees_all(member)) if week else []
    return {"monday": monday, "week": week, "rows": rows, "prev": monday - timedelta(days=7),
            "next": monday + timedelta(days=7), "outcome_form": KeyOutcomeForm(), "coach_form": CoachingForm(),
            "can_coach": role_allows(member.role, Perm.SUPERVISE), "today": timezone.localdate()}


@store_view(Perm.MANAGE_LEADS)
def key_review_page(request: HttpRequest) -> HttpResponse:
    """重点客户周报: each consultant's key customers of the week, their outcomes and the figures."""
    return render(request, "crm/key_review.html", _review_ctx(request, _week(request)))


@require_POST
@store_view(Perm.SUPERVISE)
def key_review_open(request: HttpRequest) -> HttpResponse:
    """生成本周名单 now (the Monday job does the same; running it twice adds nothing)."""
    key_review_open_week(store_id=store_id())
    return redirect("crm:key_review")


def _item_for_member(request: HttpRequest, pk: int) -> KeyReviewItem:
    member = member_of(request)
    qs = KeyReviewItem.objects.select_related("lead__customer", "week")
    if not sees_all(member):
        qs = qs.filter(consultant_id=member.user_id)
    item = qs.filter(pk=pk).first()
    if item is None:
        raise Http404(_("页面不存在"))
    return item


@require_POST
@store_view(Perm.MANAGE_LEADS)
def key_review_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """A key customer's week: 成交 / 战败 (with the competitor) / 延期 (with the reason)."""
    item = _item_for_member(request, pk)
    form = KeyOutcomeForm(request.POST)
    done = run_form(form, lambda d: key_review_decide(
        member=member_of(request), item=item, outcome=d["outcome"], reason=d["reason"],
        competitor_brand=d["competitor_brand"]))
    monday = item.week.week_start
    if done is None:
        ctx = _review_ctx(request, monday) | {"outcome_form": form, "form_item": item.pk}
        return render(request, "crm/key_review.html", ctx, status=400)
    messages.success(request, _("已记录：%(outcome)s。") % {"outcome": item.get_outcome_display()})
    return redirect(reverse("crm:key_review") + f"?week={monday.isoformat()}")


@require_POST
@store_view(Perm.SUPERVISE)
def key_review_coach_view(request: HttpRequest, week_pk: int, consultant_id: int) -> HttpResponse:
    """销售总监辅导意见 for one consultant's week."""
    week = KeyReviewWeek.objects.filter(pk=week_pk).first()
    if week is None or not week.items.filter(consultant_id=consultant_id).exists():
        raise Http404(_("页面不存在"))
    form = CoachingForm(request.POST)
    done = run_form(form, lambda d: key_review_coach(member=member_of(request), week=week,
                                                     consultant_id=consultant_id, comment=d["comment"]))
    if done is None:
        ctx = _review_ctx(request, week.week_start) | {"coach_form": form, "form_consultant": consultant_id}
        return render(request, "crm/key_review.html", ctx, status=400)
    messages.success(request, _("辅导意见已保存。"))
    return redirect(reverse("crm:key_review") + f"?week={week.week_start.isoformat()}")


@store_view(Perm.SUPERVISE)
def key_review_export(request: HttpRequest) -> HttpResponse:
    """重点客户周报 as Excel (through the export helper)."""
    ctx = _review_ctx(request, _week(request))
    body = xlsx_bytes(key_review_export_rows(ctx["rows"]), header=[str(h) for h in KEY_REVIEW_HEADERS], title=str(_("重点客户周报")))
    return download(body, f"{_('重点客户周报')}-{ctx['monday']}.xlsx", fallback=f"key-customers-{ctx['monday']}.xlsx")
