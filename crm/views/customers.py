"""Customer pages: list with filters and saved views, search, new/edit, the 360° file, reassignment."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from tenants.access import store_view
from tenants.requests import member_of
from tenants.roles import Perm, role_allows

from ..access import consultants, get_customer_for_member, staff_names
from ..models import AccessAction, SavedView, VehicleOwnership
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
    vehicle_create,
    vehicle_transfer,
)
from .common import as_date, as_int, attempt, s, store_id
from .sales_context import sales_360_context

CHOICES = {
    "genders": Gender.choices, "regions": Region.choices, "occupations": Occupation.choices,
    "cohorts": AgeCohort.choices, "sources": Source.choices, "channels": Channel.choices, "grades": Grade.choices,
    "value_classes": ValueClass.choices, "loyalties": Loyalty.choices, "lifecycles": Lifecycle.choices,
    "usages": Usage.choices, "service_types": ServiceType.choices, "defeat_reasons": DefeatReason.choices,
}
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
    name = s(request, "name")[:40] or gettext("我的筛选")
    query = s(request, "query")[:500]
    SavedView.objects.update_or_create(user_id=member_of(request).user_id, name=name, defaults={"query": query})
    messages.success(request, gettext("已保存筛选「%(name)s」。") % {"name": name})
    return redirect(f"/customers/?{query}")


@store_view(Perm.VIEW_STORE)
def search_page(request: HttpRequest) -> HttpResponse:
    """搜索: plate, VIN or its last six, phone, name or pinyin; one hit opens the customer's file."""
    q = (request.GET.get("q") or "").strip()[:40]
    member = member_of(request)
    results = customer_search(member=member, q=q) if q else []
    # A VIN with no exact match: offer the visible car whose VIN has two characters swapped (您要找的是不是).
    suggestions = vin_near_matches(member=member, q=q) if q and not results else []
    if len(results) == 1 and not request.htmx:  # type: ignore[attr-defined]
        return redirect(f"/customers/{results[0]['customer_id']}/")
    template = "crm/_search_results.html" if request.htmx else "crm/search.html"  # type: ignore[attr-defined]
    return render(request, template, {"q": q, "results": results, "suggestions": suggestions})


def _customer_fields(request: HttpRequest) -> dict[str, object]:
    return {
        "name": s(request, "name"), "mobile": s(request, "mobile"), "mobile2": s(request, "mobile2"),
        "wechat": s(request, "wechat"), "gender": s(request, "gender"), "region": s(request, "region"),
        "occupation": s(request, "occupation"), "age_cohort": s(request, "age_cohort"),
        "source": s(request, "source") or Source.WALK_IN, "birthday": as_date(s(request, "birthday"), gettext("生日")),
        "may_call": request.POST.get("may_call") == "on", "call_time": s(request, "call_time"),
        "call_number": s(request, "call_number"), "channels": request.POST.getlist("channels"),
        "email": s(request, "email"), "email_consent": request.POST.get("email_consent") == "on",
        "tags": [t for t in s(request, "tags").replace("，", ",").split(",") if t.strip()], "notes": s(request, "notes"),
    }


@store_view(Perm.EDIT_CUSTOMERS)
def customer_new(request: HttpRequest) -> HttpResponse:
    """新建客户."""
    ctx: dict[str, object] = {}
    if request.method == "POST":
        member = member_of(request)

        def create() -> object:
            data = _customer_fields(request)
            return customer_create(member=member, consultant_id=as_int(s(request, "consultant_id"), gettext("销售顾问")),
                                   origin=Origin.of(request), **data)  # type: ignore[arg-type]
        customer, ctx = attempt(request, create)
        if customer is not None:
            return redirect(f"/customers/{customer.pk}/")  # type: ignore[attr-defined]
    return render(request, "crm/customer_form.html", {"form": request.POST, "consultants": consultants(store_id()),
                                                      **ctx, **CHOICES})


@store_view(Perm.EDIT_CUSTOMERS)
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改客户资料. The form shows every field in full (a number is corrected as it is), so opening it is
    recorded as a view of those fields (the access-log row is the one write a GET makes)."""
    member = member_of(request)
    customer = get_customer_for_member(member, pk)
    ctx: dict[str, object] = {}
    if request.method != "POST":
        access_record(member=member, action=AccessAction.VIEW, customer_ids=[customer.pk],
                      fields=CUSTOMER_FORM_FIELDS, origin=Origin.of(request), detail=gettext("修改资料"))
    if request.method == "POST":
        done, ctx = attempt(request, lambda: customer_update(member=member, customer=customer,
                                                             origin=Origin.of(request), **_customer_fields(request)))
        if done is not None:
            messages.success(request, gettext("客户资料已保存。"))
            return redirect(f"/customers/{customer.pk}/")
    return render(request, "crm/customer_form.html", {"customer": customer, "form": request.POST or None, **ctx,
                                                      **CHOICES})


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
    return render(request, "crm/customer_360.html", {
        **data, "can_reassign": role_allows(member.role, Perm.REASSIGN_CUSTOMERS),
        "can_merge": role_allows(member.role, Perm.SALES_DECISIONS),
        "open_lead": next((lead for lead in data["leads"] if lead.status == LeadStatus.OPEN), None),
        "can_service": role_allows(member.role, Perm.SERVICE_ORDERS),
        "can_privacy": role_allows(member.role, Perm.PERSONAL_INFO_REQUESTS),
        "consultants": consultants(store_id()) if role_allows(member.role, Perm.REASSIGN_CUSTOMERS) else [],
        **CHOICES, **sales_360_context(member=member, data=data, extra=extra or {}),
    }, status=status)


@require_POST
@store_view(Perm.REASSIGN_CUSTOMERS)
def customer_reassign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """客户转移 (manager)."""
    member = member_of(request)
    customer = get_customer_for_member(member, pk)
    done, _ = attempt(request, lambda: customer_reassign(
        member=member, customer=customer, consultant_id=as_int(s(request, "consultant_id"), gettext("销售顾问")) or 0,
        reason=s(request, "reason")))
    if done is not None:
        messages.success(request, gettext("客户已转移。"))
    return redirect(f"/customers/{customer.pk}/")


@require_POST
@store_view(Perm.EDIT_CUSTOMERS)
def vehicle_new(request: HttpRequest, pk: int) -> HttpResponse:
    """添加车辆 (一车一档)."""
    customer = get_customer_for_member(member_of(request), pk)
    done, _ = attempt(request, lambda: vehicle_create(
        customer=customer, vin=s(request, "vin"), plate=s(request, "plate"), brand=s(request, "brand"),
        model=s(request, "model"), trim=s(request, "trim"), colour=s(request, "colour"),
        usage=s(request, "usage") or Usage.PRIVATE, purchased_on=as_date(s(request, "purchased_on"), gettext("购车日期")),
        delivered_on=as_date(s(request, "delivered_on"), gettext("交车日期")),
        warranty_until=as_date(s(request, "warranty_until"), gettext("质保到期")),
        insurance_until=as_date(s(request, "insurance_until"), gettext("保险到期")), km=as_int(s(request, "km"), gettext("里程"))))
    if done is not None:
        messages.success(request, gettext("车辆已建档。"))
    return redirect(f"/customers/{customer.pk}/")


@require_POST
@store_view(Perm.EDIT_CUSTOMERS)
def mileage_new(request: HttpRequest, pk: int, vehicle_pk: int) -> HttpResponse:
    """记录里程."""
    customer = get_customer_for_member(member_of(request), pk)
    vehicle = customer.vehicles.filter(pk=vehicle_pk).first()
    if vehicle is None:
        return redirect(f"/customers/{customer.pk}/")

    def record() -> object:
        read_on = as_date(s(request, "read_on"), gettext("日期"))

        km = as_int(s(request, "km"), gettext("里程"))
        return mileage_record(vehicle=vehicle, km=-1 if km is None else km,
                              read_on=read_on or timezone.localdate())
    done, _ = attempt(request, record)
    if done is not None:
        messages.success(request, gettext("里程已记录。"))
    # Recorded from the car's own page (一车一档): back there, else to the 360° page.
    return redirect(f"/vehicles/{vehicle.pk}/#mileage" if s(request, "back") == "vehicle" else f"/customers/{customer.pk}/")


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
    ctx: dict[str, object] = {}
    if request.method == "POST":
        def transfer() -> VehicleOwnership:
            picked = s(request, "to_customer")
            target = transfer_target(member=member, mobile=s(request, "to_mobile"),
                                     customer_id=as_int(picked, gettext("新车主")) if picked else None)
            return vehicle_transfer(member=member, vehicle=vehicle, customer=target,
                                    on=as_date(s(request, "on"), gettext("过户日期")))
        ownership, ctx = attempt(request, transfer)
        if ownership is not None:
            messages.success(request, gettext("车辆 %(vehicle)s 已过户给 %(owner)s。")
                             % {"vehicle": vehicle, "owner": ownership.customer.name})
            return redirect(f"/customers/{customer.pk}/")
    return render(request, "crm/vehicle_transfer.html", {
        "customer": customer, "vehicle": vehicle, "q": q, "results": results, "form": request.POST, **ctx})
