"""HQ page for the work calendar: which years are covered, and entering a year's schedule."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from tenants.access import group_for_hq, hq_view
from tenants.errors import DomainError
from tenants.requests import hq_membership_of

from ..selectors import calendar_days_for_group, work_calendar_for_group
from ..services.calendar import calendar_lines_parse, calendar_year_enter

SOURCE_LABELS = {"hq": gettext_lazy("集团已录入"), "library": gettext_lazy("国家法定节假日(chinese-calendar)"),
                 "fallback": gettext_lazy("缺少数据：暂按周末计算")}


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this - 1, this + 3))


@hq_view()
def calendar_page(request: HttpRequest) -> HttpResponse:
    group = group_for_hq(request)
    cal = work_calendar_for_group(group.pk)
    years = [{"year": y, "source": cal.source(y), "label": SOURCE_LABELS[cal.source(y)],
              "days": list(calendar_days_for_group(group, y))} for y in _years()]
    return render(request, "hq/policies/calendar.html", {
        "group": group, "years": years, "is_admin": hq_membership_of(request).role == "hq_admin",
        "missing": cal.missing_years(_years()[1:3]), "form_year": request.GET.get("year", ""),
    })


@hq_view(admin=True)
@require_POST
def calendar_enter(request: HttpRequest) -> HttpResponse:
    group = group_for_hq(request)
    try:
        year = int(request.POST.get("year", ""))
        days = calendar_lines_parse(request.POST.get("days", ""), year)
        calendar_year_enter(group=group, year=year, days=days, note=request.POST.get("note", ""),
                            actor=request.user)  # type: ignore[arg-type]
    except ValueError:
        messages.error(request, gettext("请填写正确的年份。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("%(year)s 年放假安排已录入，共 %(count)s 天修正。") % {"year": year, "count": len(days)})
    return redirect("hq_policies:calendar")
