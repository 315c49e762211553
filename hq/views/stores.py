"""HQ pages: the group's stores, onboarding a store, suspending or archiving one."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from tenants.access import group_for_hq, hq_view
from tenants.forms import form_errors_as_messages, run_form
from tenants.models import Store
from tenants.selectors import store_for_group, store_list_for_group
from tenants.services.onboarding import store_onboard, store_set_status, store_url

from ..forms import StoreOnboardForm, StoreStatusForm


@hq_view()
def store_list(request: HttpRequest) -> HttpResponse:
    group = group_for_hq(request)
    stores = [(s, store_url(s)) for s in store_list_for_group(group).prefetch_related("memberships")]
    counts = {status: sum(1 for s, _ in stores if s.status == status) for status in Store.Status.values}
    return render(request, "hq/store_list.html", {"group": group, "stores": stores, "counts": counts})


@hq_view(admin=True)
@require_http_methods(["GET", "POST"])
def store_add(request: HttpRequest) -> HttpResponse:
    group = group_for_hq(request)
    form = StoreOnboardForm(request.POST or None)
    if request.method == "POST":
        result = run_form(form, lambda data: store_onboard(
            group=group,
            name=data["name"],
            slug=data["slug"],
            city=data["city"],
            address=data["address"],
            brands=data["brands"],
            gm_name=data["gm_name"],
            gm_mobile=data["gm_mobile"],
            gm_email=data["gm_email"],
            invited_by=request.user,  # type: ignore[arg-type]
            onboarding_key=data["onboarding_key"] or None,
        ))
        if result is not None:
            invite_url = ""
            if result.invitation is not None:
                invite_url = request.build_absolute_uri(f"/invite/{result.invitation.token}/")
            return render(request, "hq/store_added.html", {"store": result.store, "invite_url": invite_url,
                                                           "store_url": store_url(result.store)})
    return render(request, "hq/store_add.html", {"form": form, "group": group}, status=400 if form.errors else 200)


@hq_view(admin=True)
@require_POST
def store_status(request: HttpRequest, store_id: int) -> HttpResponse:
    group = group_for_hq(request)
    store = store_for_group(group, store_id)
    if store is None:
        raise Http404(gettext("页面不存在"))
    form = StoreStatusForm(request.POST)
    if run_form(form, lambda d: store_set_status(store=store, status=d["status"], actor=request.user)) is None:  # type: ignore[arg-type]
        form_errors_as_messages(request, form)
    else:
        messages.success(request, gettext("%(name)s 状态已更新为「%(status)s」。") % {"name": store.name, "status": store.get_status_display()})
    return redirect("hq:stores")
