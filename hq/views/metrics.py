"""HQ pages that compare stores (门店对比), trend them, drill into one, and export the comparison."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from tenants.access import group_for_hq, hq_view
from tenants.errors import DomainError
from tenants.exports import download
from tenants.forms import form_errors_as_messages, run_form
from tenants.selectors import store_for_group, store_list_for_group

from ..forms import MetricRefreshForm
from ..metrics import selectors
from ..metrics.catalogue import CATALOGUE, format_value, metric
from ..metrics.export import comparison_xlsx
from ..metrics.periods import current_month, month_range, parse_period
from ..metrics.tasks import snapshot_refresh_store
from ..models import StorePolicyAdoption


def store_escalations(store: Any) -> dict[str, Any]:
    """升级投诉与逾期整改 for the drill-down: read-only aggregates from the store's after-sales, wired in
    by settings.HQ_STORE_ESCALATIONS so hq does not import crm."""
    return dict(import_string(settings.HQ_STORE_ESCALATIONS)(store))


def _compare_args(request: HttpRequest) -> dict[str, Any]:
    """Parse the comparison query string; raises DomainError with a message for the page."""
    period = parse_period(request.GET.get("period") or current_month().code)
    metrics = selectors.resolve_metrics(request.GET.getlist("metrics") or request.GET.get("m", "").split(","))
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    return {
        "period": period, "metrics": metrics, "page": page,
        "stores": selectors.resolve_stores(group_for_hq(request), request.GET.getlist("stores")),
        "sort": request.GET.get("sort"), "descending": request.GET.get("dir", "desc") != "asc",
    }


@hq_view()
def compare_page(request: HttpRequest) -> HttpResponse:
    group = group_for_hq(request)
    ctx: dict[str, Any] = {"group": group, "catalogue": CATALOGUE, "error": None,
                           "period_value": request.GET.get("period") or current_month().code, "selected": set()}
    try:
        args = _compare_args(request)
        ctx["cmp"] = selectors.compare(group, **args)
    except DomainError as exc:
        ctx["error"] = exc.message
        return render(request, "hq/compare.html", ctx, status=400)
    cmp = ctx["cmp"]
    ctx["totals"] = [format_value(m, cmp.total[m.key]) for m in cmp.metrics]
    ctx["selected"] = {m.key for m in cmp.metrics}
    ctx["query"] = request.GET.urlencode()
    ctx["period_value"] = cmp.period.code
    return render(request, "hq/compare.html", ctx)


@hq_view()
def compare_export(request: HttpRequest) -> HttpResponse:
    group = group_for_hq(request)
    try:
        args = _compare_args(request)
        cmp = selectors.compare(group, **{**args, "page": 1}, per_page=None)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    return download(comparison_xlsx(group, cmp), f"store-compare-{cmp.period.code}.xlsx")


@hq_view()
def trend_page(request: HttpRequest) -> HttpResponse:
    group = group_for_hq(request)
    stores = list(store_list_for_group(group, include_archived=False).values("pk", "name"))
    return render(request, "hq/trend.html", {"group": group, "catalogue": CATALOGUE, "stores": stores})


@hq_view()
def store_detail(request: HttpRequest, store_id: int) -> HttpResponse:
    group = group_for_hq(request)
    try:
        period = parse_period(request.GET.get("period") or current_month().code)
    except DomainError as exc:
        return render(request, "hq/store_detail.html", {"error": exc.message}, status=400)
    data = selectors.store_figures(group, store_id, period)
    if data is None:
        raise Http404(gettext("页面不存在"))
    figures = []
    for key, value in sorted(data["values"].items()):
        m = metric(key)
        if m is not None:
            figures.append({"area": m.area, "label": m.label, "text": format_value(m, value)})

    adoptions = StorePolicyAdoption.objects.filter(store=data["store"]).select_related("version").order_by("kind")
    return render(request, "hq/store_detail.html", {
        "group": group, "period": period, "data": data, "figures": figures, "adoptions": adoptions,
        "escalations": store_escalations(data["store"]),
    })


@hq_view(admin=True)
@require_POST
def store_refresh(request: HttpRequest, store_id: int) -> HttpResponse:
    """On-demand refresh of one store's current month (queued; the page shows it as soon as it lands)."""
    group = group_for_hq(request)
    store = store_for_group(group, store_id)
    if store is None:
        raise Http404(gettext("页面不存在"))
    form = MetricRefreshForm(request.POST)
    period = run_form(form, lambda d: parse_period(d["period"] or current_month().code))
    if period is None:
        form_errors_as_messages(request, form)
    else:
        snapshot_refresh_store.delay(store.pk, period.kind, period.start.isoformat())
        messages.success(request, gettext("已提交「%(name)s」%(label)s的指标刷新，稍后刷新页面查看。") % {"name": store.name, "label": period.label})
    return redirect("hq:store_detail", store_id=store_id)


__all__ = ["compare_page", "compare_export", "trend_page", "store_detail", "store_refresh", "month_range"]
