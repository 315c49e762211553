"""个人信息权利请求 pages (PIPL Art. 44–47), for the GM: the open requests with their deadlines, registering
one, the customer's file as a download, correcting, deleting (anonymising), refusing; the retention dry run.

Every page names Perm.PERSONAL_INFO_REQUESTS (the GM's): anyone else, and any other store, gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.access import store_view
from tenants.exports import download
from tenants.requests import current_store
from tenants.roles import Perm

from ..access import get_customer_for_member, staff_names
from ..forms import run_form
from ..models.personal_info import RequestKind, RequestStatus
from ..privacy import Origin
from ..views.common import member_of, store_id
from .forms import CorrectionForm, ReasonForm, RequestRegisterForm
from .selectors import (
    REQUEST_WORKING_DAYS,
    closed_requests,
    customer_file_xlsx,
    get_request,
    open_business,
    open_requests,
    retention_overview,
    store_calendar,
    working_days_left,
)
from .services import (
    anonymised_fields_table,
    personal_data_accessed,
    request_answer_access,
    request_correct,
    request_delete,
    request_refuse,
    request_register,
)

PERM = Perm.PERSONAL_INFO_REQUESTS


@store_view(PERM)
def request_list(request: HttpRequest) -> HttpResponse:
    """个人信息请求: open ones by deadline (剩余工作日 / 已超期), then the recently closed."""
    return render(request, "crm/privacy/requests.html", {
        "rows": open_requests(), "closed": closed_requests(), "names": staff_names(store_id()),
        "working_days": REQUEST_WORKING_DAYS})


@store_view(PERM)
def request_new(request: HttpRequest) -> HttpResponse:
    """登记请求."""
    member = member_of(request)
    form = RequestRegisterForm(request.POST or None)
    if request.method == "GET" and request.GET.get("customer", "").isdigit():
        # From the 360° page (whose HTML carries no full number): the customer's own number, looked up here.
        customer = get_customer_for_member(member, int(request.GET["customer"]))
        form = RequestRegisterForm(initial={"mobile": customer.mobile})
    if request.method == "POST":
        created = run_form(form, lambda d: request_register(
            member=member, customer=d["mobile"], kind=d["kind"], requester_name=d["requester_name"],
            requester_relation=d["requester_relation"], identity_check=d["identity_check"],
            identity_note=d["identity_note"], details=d["details"], received_on=d["received_on"]))
        if created is not None:
            messages.success(request, _("请求已登记，办理期限 %(day)s。") % {"day": created.due_on.isoformat()})
            return redirect("crm:privacy_request", pk=created.pk)
    return render(request, "crm/privacy/request_new.html", {"form": form, "working_days": REQUEST_WORKING_DAYS},
                  status=400 if request.method == "POST" else 200)


def _detail(request: HttpRequest, pk: int, *, forms: dict[str, object] | None = None,
            status: int = 200) -> HttpResponse:
    pi = get_request(pk)
    customer = pi.customer
    left = working_days_left(pi.due_on, today=timezone.localdate(), calendar=store_calendar())
    is_open = pi.status == RequestStatus.OPEN
    ctx: dict[str, object] = {
        "pi": pi, "customer": customer, "days_left": left, "is_open": is_open, "names": staff_names(store_id()),
        "anonymisation": getattr(customer, "anonymisation", None) if customer.anonymised_at else None,
        "blocking": open_business(customer, except_request=pi) if is_open and pi.kind == RequestKind.DELETION
        else [],
        "answer_form": ReasonForm(), "refuse_form": ReasonForm(), "delete_form": ReasonForm(),
        "correct_form": CorrectionForm.for_customer(customer) if customer.anonymised_at is None else None,
    }
    ctx.update(forms or {})
    return render(request, "crm/privacy/request_detail.html", ctx, status=status)


@store_view(PERM)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: the person, the deadline, and what the GM can do for its kind."""
    return _detail(request, pk)


@store_view(PERM)
def request_export(request: HttpRequest, pk: int) -> HttpResponse:
    """个人信息副本: everything the store holds about the request's customer, as an XLSX."""
    pi = get_request(pk)
    personal_data_accessed(member=member_of(request), customer=pi.customer, action="export", origin=Origin.of(request),
                           detail=_("个人信息副本（请求 #%(no)s）") % {"no": pi.pk})
    body = customer_file_xlsx(pi.customer, store_name=current_store().name)
    day = timezone.localdate().strftime("%Y%m%d")
    return download(body, _("个人信息副本-%(no)s-%(day)s.xlsx") % {"no": pi.pk, "day": day},
                    fallback=f"personal-data-{pi.pk}-{day}.xlsx")


def _act(request: HttpRequest, pk: int, form_key: str, form: ReasonForm | CorrectionForm,
         fn: object, done: str) -> HttpResponse:
    pi = get_request(pk)
    result = run_form(form, lambda d: fn(pi, d))  # type: ignore[operator]
    if result is None:
        return _detail(request, pk, forms={form_key: form}, status=400)
    messages.success(request, done)
    return redirect("crm:privacy_request", pk=pk)


@require_POST
@store_view(PERM)
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """查阅/复制 办结 (the copy was handed over)."""
    member = member_of(request)
    return _act(request, pk, "answer_form", ReasonForm(request.POST),
                lambda pi, d: request_answer_access(member=member, request=pi, outcome=d["reason"]),
                _("请求已办结。"))


@require_POST
@store_view(PERM)
def request_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    """更正/补充 through the customer edit service."""
    member = member_of(request)
    form = CorrectionForm(request.POST)

    def correct(pi: object, d: dict[str, object]) -> object:
        fields = {k: d[k] for k in CorrectionForm.FIELDS}
        return request_correct(member=member, request=pi, reason=str(d["reason"]),  # type: ignore[arg-type]
                               origin=Origin.of(request), **fields)  # type: ignore[arg-type]
    return _act(request, pk, "correct_form", form, correct, _("已更正，请求已办结。"))


@require_POST
@store_view(PERM)
def request_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """删除: anonymise the customer with a reason; the request closes with it."""
    member = member_of(request)
    return _act(request, pk, "delete_form", ReasonForm(request.POST),
                lambda pi, d: request_delete(member=member, request=pi, reason=d["reason"],
                                             origin=Origin.of(request)),
                _("客户个人信息已匿名化，请求已办结。"))


@require_POST
@store_view(PERM)
def request_refuse_view(request: HttpRequest, pk: int) -> HttpResponse:
    """拒绝 with the reason the person is told."""
    member = member_of(request)
    return _act(request, pk, "refuse_form", ReasonForm(request.POST),
                lambda pi, d: request_refuse(member=member, request=pi, reason=d["reason"]),
                _("请求已拒绝。"))


@store_view(PERM)
def retention_page(request: HttpRequest) -> HttpResponse:
    """保存期限: the rule, the dry-run count of the next nightly run, and what the last runs did."""
    return render(request, "crm/privacy/retention.html", {**retention_overview(), "scrubs": anonymised_fields_table()})
