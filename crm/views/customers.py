"""Customer pages: list with filters and saved views, search, new/edit, the 360° file, reassignment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from tenants.access import store_view
from tenants.forms import form_errors_as_messages
from tenants.requests import StoreRequest, member_of
from tenants.roles import Perm, role_allows

from ..access import consultants, get_customer_for_member, staff_names
from ..errors import DuplicateMobile
from ..forms import (
    CustomerForm,
    CustomerReassignForm,
    MileageForm,
    SavedViewForm,
    ServiceVisitForm,
    VehicleForm,
    VehicleTransferForm,
    run_form,
)
from ..models import AccessAction, Customer, SavedView, VehicleOwnership
from ..models.choices import (
    AgeCohort,
    Channel,
    DefeatReason,
    Gender,
    Grade,
    LeadStatus,
    Loyalty,
    Occupation,
    Region,
    ServiceType,
    Source,
    Usage,
    ValueClass,
)
from ..models.customers import Lifecycle
from ..privacy import CUSTOMER_FORM_FIELDS, CUSTOMER_PAGE_FIELDS, Origin, access_record
from ..selectors import (
    CustomerFilters,
    customer_360,
    customer_list,
    customer_search,
    transfer_target,
    vin_near_matches,
)
from ..services import (
    customer_create,
    customer_reassign,
    customer_update,
    mileage_record,
    saved_view_save,
    vehicle_create,
    vehicle_transfer,
)
from .common import store_id
from .sales_context import sales_360_context

CHOICES = {
    "genders": Gender.choices, "regions": Region.choices, "occupations": Occupation.choices,
    "cohorts": AgeCohort.choices, "sources": Source.choices, "channels": Channel.choices, "grades": Grade.choices,
    "value_classes": ValueClass.choices, "loyalties": Loyalty.choices, "lifecycles": Lifecycle.choices,
    "usages": Usage.choices, "service_types": ServiceType.choices, "defeat_reasons": DefeatReason.choices,
}
T = TypeVar("T")
FILTER_KEYS = ("q", "value_class", "loyalty", "lifecycle", "grade", "consultant", "no_visit_months",
               "visited_since", "tags")


@store_view(Perm.VIEW_STORE)
def customer_list_page(request: HttpRequest) -> HttpResponse:
    """客户列表."""
    member = member_of(request)
    filters = CustomerFilters.from_query(request.GET)
    page = Paginator(customer_list(member=member, filters=filters), 50).get_page(request.GET.get("page"))
    query = urlencode({k: v for k in FILTER_KEYS if (v := request.GET.get(k))})
    return render(request, "crm/customer_list.html", {
        "page": page, "filters": filters, "query": query, "names": staff_names(store_id()),
        "consultants": consultants(store_id()), "saved_views": list(SavedView.objects.filter(user_id=member.user_id)),
        "can_export": role_allows(member.role, Perm.IMPORT_EXPORT), **CHOICES,
    })


@require_POST
@store_view(Perm.VIEW_STORE)
def saved_view_create(request: HttpRequest) -> HttpResponse:
    """保存常用筛选."""
    form = SavedViewForm(request.POST)
    saved = run_form(form, lambda d: saved_view_save(member=member_of(request), name=d["name"] or gettext("我的筛选"),
                                                     query=d["query"]))
    if saved is None:
        form_errors_as_messages(request, form)
        return redirect("crm:customer_list")
    messages.success(request, gettext("已保存筛选「%(name)s」。") % {"name": saved.name})
    return redirect(reverse("crm:customer_list") + f"?{saved.query}")


@store_view(Perm.VIEW_STORE)
def search_page(request: StoreRequest) -> HttpResponse:
    """搜索: plate, VIN or its last six, phone, name or pinyin; one hit opens the customer's file."""
    q = (request.GET.get("q") or "").strip()[:40]
    member = member_of(request)
    results = customer_search(member=member, q=q) if q else []
    # A VIN with no exact match: offer the visible car whose VIN has two characters swapped (您要找的是不是).
    suggestions = vin_near_matches(member=member, q=q) if q and not results else []
    if len(results) == 1 and not request.htmx:
        return redirect(reverse("crm:customer_detail", kwargs={"pk": results[0]['customer_id']}))
    template = "crm/_search_results.html" if request.htmx else "crm/search.html"
    return render(request, template, {"q": q, "results": results, "suggestions": suggestions})


def _customer_form_page(request: HttpRequest, form: CustomerForm, duplicate: dict[str, object],
                        customer: Customer | None = None) -> HttpResponse:
    return render(request, "crm/customer_form.html", {"form": form, "customer": customer, **duplicate},
                  status=400 if form.errors else 200)


def _offering_the_existing(duplicate: dict[str, object], fn: Callable[[], T]) -> T:
    """Run the service; a duplicate number also offers the existing customer's file (when visible)."""
    try:
        return fn()
    except DuplicateMobile as exc:
        duplicate.update(existing_id=exc.customer_id, existing_name=exc.customer_name)
        raise


@store_view(Perm.EDIT_CUSTOMERS)
def customer_new(request: HttpRequest) -> HttpResponse:
    """新建客户."""
    member = member_of(request)
    form = CustomerForm(request.POST if request.method == "POST" else None, consultants=consultants(store_id()))
    duplicate: dict[str, object] = {}
    if form.is_bound:
        customer = run_form(form, lambda d: _offering_the_existing(duplicate, lambda: customer_create(
            member=member, consultant_id=d["consultant_id"], origin=Origin.of(request), **form.customer_fields())))
        if customer is not None:
            return redirect("crm:customer_detail", pk=customer.pk)
    return _customer_form_page(request, form, duplicate)


@store_view(Perm.EDIT_CUSTOMERS)
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改客户资料. The form shows every field in full (a number is corrected as it is), so opening it is
    recorded as a view of those fields (the access-log row is the one write a GET makes)."""
    member = member_of(request)
    customer = get_customer_for_member(member, pk)
    if request.method != "POST":
        access_record(member=member, action=AccessAction.VIEW, customer_ids=[customer.pk],
                      fields=CUSTOMER_FORM_FIELDS, origin=Origin.of(request), detail=gettext("修改资料"))
    form = CustomerForm(request.POST if request.method == "POST" else None, initial=CustomerForm.initial_of(customer))
    duplicate: dict[str, object] = {}
    if form.is_bound:
        done = run_form(form, lambda d: _offering_the_existing(duplicate, lambda: customer_update(
            member=member, customer=customer, origin=Origin.of(request), **form.customer_fields())))
        if done is not None:
            messages.success(request, gettext("客户资料已保存。"))
            return redirect("crm:customer_detail", pk=customer.pk)
    return _customer_form_page(request, form, duplicate, customer)


@store_view(Perm.VIEW_STORE)
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """客户360° · 一车一档."""
    return customer_360_response(request, pk)


def customer_360_response(request: HttpRequest, pk: int, extra: dict[str, object] | None = None,
                          status: int = 200) -> HttpResponse:
    """The 360° page; a sales-floor action with form errors re-renders it with its bound form (extra).

    Every rendering is recorded in the access log (个人信息访问记录): one INSERT, the one write a GET of
    this page makes (a customer the member may not see is a 404 before it, and is not recorded)."""
    member = member_of(request)
    data = customer_360(member=member, pk=pk, store_id=store_id())
    access_record(member=member, action=AccessAction.VIEW, customer_ids=[data["customer"].pk],
                  fields=CUSTOMER_PAGE_FIELDS, origin=Origin.of(request))
    staff = consultants(store_id()) if role_allows(member.role, Perm.REASSIGN_CUSTOMERS) else []
    return render(request, "crm/customer_360.html", {
        **data, "can_reassign": role_allows(member.role, Perm.REASSIGN_CUSTOMERS),
        "can_merge": role_allows(member.role, Perm.SALES_DECISIONS),
        "open_lead": next((lead for lead in data["leads"] if lead.status == LeadStatus.OPEN), None),
        "can_service": role_allows(member.role, Perm.SERVICE_ORDERS),
        "can_privacy": role_allows(member.role, Perm.PERSONAL_INFO_REQUESTS),
        "consultants": staff, **_file_forms(data, staff), **CHOICES, **sales_360_context(member=member, data=data, extra=extra or {}),
    }, status=status)


def _file_forms(data: dict[str, Any], staff: list[Any]) -> dict[str, object]:
    """The 360° page's own forms, unbound (a failed post passes its bound one in `extra`)."""
    return {"vehicle_form": VehicleForm(), "mileage_form": MileageForm(),
            "reassign_form": CustomerReassignForm(consultants=staff,
                                                  initial={"consultant_id": data["customer"].consultant_id}),
            "service_visit_form": ServiceVisitForm(vehicles=data["vehicles"])}


@require_POST
@store_view(Perm.REASSIGN_CUSTOMERS)
def customer_reassign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """客户转移 (manager)."""
    member = member_of(request)
    customer = get_customer_for_member(member, pk)
    form = CustomerReassignForm(request.POST, consultants=consultants(store_id()))
    done = run_form(form, lambda d: customer_reassign(member=member, customer=customer,
                                                      consultant_id=d["consultant_id"], reason=d["reason"]))
    if done is None:
        return customer_360_response(request, pk, {"reassign_form": form}, status=400)
    messages.success(request, gettext("客户已转移。"))
    return redirect("crm:customer_detail", pk=customer.pk)


@require_POST
@store_view(Perm.EDIT_CUSTOMERS)
def vehicle_new(request: HttpRequest, pk: int) -> HttpResponse:
    """添加车辆 (一车一档)."""
    customer = get_customer_for_member(member_of(request), pk)
    form = VehicleForm(request.POST)
    done = run_form(form, lambda d: vehicle_create(customer=customer, **d))
    if done is None:
        return customer_360_response(request, pk, {"vehicle_form": form, "vehicle_form_open": True}, status=400)
    messages.success(request, gettext("车辆已建档。"))
    return redirect("crm:customer_detail", pk=customer.pk)


@require_POST
@store_view(Perm.EDIT_CUSTOMERS)
def mileage_new(request: HttpRequest, pk: int, vehicle_pk: int) -> HttpResponse:
    """记录里程, from the 360° page or the car's own page (一车一档), and back there."""
    customer = get_customer_for_member(member_of(request), pk)
    vehicle = customer.vehicles.filter(pk=vehicle_pk).first()
    if vehicle is None:
        return redirect("crm:customer_detail", pk=customer.pk)
    form = MileageForm(request.POST)
    from_car = request.POST.get("back") == "vehicle"
    done = run_form(form, lambda d: mileage_record(vehicle=vehicle, km=d["km"],
                                                   read_on=d["read_on"] or timezone.localdate()))
    if done is None and not from_car:
        return customer_360_response(request, pk, {"mileage_form": form, "mileage_form_open": True}, status=400)
    if done is None:
        form_errors_as_messages(request, form)
    else:
        messages.success(request, gettext("里程已记录。"))
    return redirect(reverse("crm:vehicle_detail", kwargs={"pk": vehicle.pk}) + "#mileage" if from_car else reverse("crm:customer_detail", kwargs={"pk": customer.pk}))


@store_view(Perm.EDIT_CUSTOMERS)
def vehicle_transfer_page(request: HttpRequest, pk: int, vehicle_pk: int) -> HttpResponse:
    """车辆过户: choose the new owner by phone or from a search; the ownership history keeps both."""
    member = member_of(request)
    customer = get_customer_for_member(member, pk)
    vehicle = customer.vehicles.filter(pk=vehicle_pk).first()
    if vehicle is None:
        raise Http404(gettext("页面不存在"))
    q = (request.GET.get("q") or "").strip()[:40]
    results = [r for r in customer_search(member=member, q=q) if r["customer_id"] != customer.pk] if q else []
    form = VehicleTransferForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        def transfer(d: dict[str, Any]) -> VehicleOwnership:
            target = transfer_target(member=member, mobile=d["to_mobile"], customer_id=d["to_customer"])
            return vehicle_transfer(member=member, vehicle=vehicle, customer=target, on=d["on"])
        ownership = run_form(form, transfer)
        if ownership is not None:
            messages.success(request, gettext("车辆 %(vehicle)s 已过户给 %(owner)s。")
                             % {"vehicle": vehicle, "owner": ownership.customer.name})
            return redirect("crm:customer_detail", pk=customer.pk)
    return render(request, "crm/vehicle_transfer.html", {
        "customer": customer, "vehicle": vehicle, "q": q, "results": results, "form": form},
        status=400 if form.errors else 200)
