"""工作台: the store home, one page per role (crm.selectors.work.role_home)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants.access import store_view
from tenants.roles import Perm

from ..selectors import policy_notices_for, role_home, store_home_summary
from .common import member_of


@store_view(Perm.VIEW_STORE)
def store_home(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    return render(request, "tenants/store_home.html", {"summary": store_home_summary(member=member),
                                                       "cards": role_home(member=member),
                                                       "notices": policy_notices_for(member=member)})
