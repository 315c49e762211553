"""战败审核 (the sales manager's queue), 公海 (the shared pool) and 客户合并 pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tenants.access import store_view
from tenants.errors import DomainError
from tenants.roles import Perm

from ..access import get_customer_for_member, staff_names
from ..forms import DefeatDecisionForm, MergeForm, run_form
from ..models.choices import Grade, PoolReason
from ..models.pool import DefeatDecision, DefeatReview
from ..selectors.pool import defeat_queue, pool_list, recent_defeat_decisions
from ..services.defeat import lead_defeat_approve, lead_defeat_return
from ..services.merge import customer_merge, customer_merge_preview
from ..services.pool import pool_claim, pool_claims_today, pool_customers
from .common import member_of, store_id


def _review_ctx(request: HttpRequest) -> dict[str, object]:
    return {"rows": defeat_queue(), "recent": recent_defeat_decisions(), "names": staff_names(store_id()),
            "form": DefeatDecisionForm(), "me": member_of(request).user_id}


@store_view(Perm.SALES_DECISIONS)
def defeat_review_page(request: HttpRequest) -> HttpResponse:
    """战败审核: leads consultants marked defeated, with the reason, the competitor and the contact history."""
    return render(request, "crm/defeat_review.html", _review_ctx(request))


@require_POST
@store_view(Perm.SALES_DECISIONS)
def defeat_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """批准 (the lead closes as 战败) or 退回 (open again, the consultant told) one pending review."""
    review = DefeatReview.objects.select_related("lead__customer").filter(
        pk=pk, decision=DefeatDecision.PENDING).first()
    if review is None or action not in ("approve", "return"):
        raise Http404(_("页面不存在"))
    member = member_of(request)
    form = DefeatDecisionForm(request.POST)
    if action == "approve":
        done = run_form(form, lambda d: lead_defeat_approve(member=member, lead=review.lead, comment=d["comment"]))
    else:
        done = run_form(form, lambda d: lead_defeat_return(member=member, lead=review.lead, comment=d["comment"]))
    if done is None:
        ctx = _review_ctx(request) | {"form": form, "form_review": review.pk}
        return render(request, "crm/defeat_review.html", ctx, status=400)
    messages.success(request, _("已批准战败：%(name)s。") % {"name": review.lead.customer.name} if action == "approve"
                     else _("已退回：%(name)s，已通知销售顾问继续跟进。") % {"name": review.lead.customer.name})
    return redirect("crm:defeat_review")


@store_view(Perm.MANAGE_LEADS)
def pool_page(request: HttpRequest) -> HttpResponse:
    """公海: customers nobody is working, filtered by why they are there, grade and name/model; 领取."""
    reason = (request.GET.get("reason") or "")[:12]
    grade = (request.GET.get("grade") or "")[:1]
    q = (request.GET.get("q") or "")[:30]
    member = member_of(request)
    return render(request, "crm/pool.html", {
        "customers": pool_list(reason=reason, grade=grade if grade in Grade.values else "", q=q),
        "filters": {"reason": reason, "grade": grade, "q": q}, "reasons": PoolReason.choices,
        "grades": Grade.values, "claims": pool_claims_today(member.user_id)})


@require_POST
@store_view(Perm.MANAGE_LEADS)
def pool_claim_view(request: HttpRequest, pk: int) -> HttpResponse:
    """领取 one customer from the pool (within the day's limit); the claimer opens their file next."""
    if not pool_customers().filter(pk=pk).exists():  # not in this store's pool: the same 404 as no such id
        raise Http404(_("页面不存在"))
    try:
        customer = pool_claim(member=member_of(request), customer_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("crm:pool")
    left = pool_claims_today(member_of(request).user_id).left
    messages.success(request, _("已领取：%(name)s。今天还可领取 %(left)s 位。") % {"name": customer.name, "left": left})
    return redirect("crm:pool")


@require_http_methods(["GET", "POST"])
@store_view(Perm.SALES_DECISIONS)
def customer_merge_page(request: HttpRequest, pk: int) -> HttpResponse:
    """客户合并: GET ?other=<id> previews (each field side by side, what moves); POST merges into this customer.
    Both customers are opened through the one access check, so another store's id is a 404."""
    member = member_of(request)
    survivor = get_customer_for_member(member, pk)
    form = MergeForm(request.POST if request.method == "POST" else (request.GET if "other" in request.GET else None))
    preview = None
    status = 200
    if form.is_bound and form.is_valid():
        other = get_customer_for_member(member, form.cleaned_data["other"])
        try:
            if request.method == "POST":
                customer_merge(member=member, survivor=survivor, other=other, choices=form.choices())
                messages.success(request, _("已合并：%(other)s 的车辆、线索、任务、回访、投诉和记录已并入本客户。") % {
                    "other": other.name})
                return redirect("crm:customer_detail", pk=survivor.pk)
            preview = customer_merge_preview(member=member, survivor=survivor, other=other)
        except DomainError as exc:
            form.add_error("other" if exc.field == "other" else None, exc.message)
    if form.errors:
        status = 400
    names = staff_names(store_id())
    return render(request, "crm/customer_merge.html", {
        "customer": survivor, "form": form, "preview": preview, "names": names}, status=status)
