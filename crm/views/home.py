"""工作台: the store home, one page per role (crm.selectors.work.role_home)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.access import store_view
from tenants.requests import member_of
from tenants.roles import Perm, StoreRole
from tenants.selectors import first_day_checklist

from ..selectors import policy_notices_for, role_home, store_home_summary


@store_view(Perm.VIEW_STORE)
def store_home(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    summary = store_home_summary(member=member)
    ctx: dict[str, object] = {"summary": summary, "cards": role_home(member=member),
                              "notices": policy_notices_for(member=member)}
    if member.role == StoreRole.GENERAL_MANAGER:  # 开店第一天: the GM's checklist (reads only)
        items = first_day_checklist(store=member.store, customers=summary["customers"])
        ctx["first_day"] = items if not all(i.done for i in items) else []
    return render(request, "tenants/store_home.html", ctx)
