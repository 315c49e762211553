"""HQ page for the work calendar: which years are covered, and entering a year's schedule."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from tenants.access import group_for_hq, hq_view
from tenants.forms import run_form
from tenants.requests import is_hq_admin

from ..forms import CalendarYearForm
from ..selectors import calendar_days_for_group, work_calendar_for_group
from ..services.calendar import calendar_lines_parse, calendar_year_enter

SOURCE_LABELS = {"hq": gettext_lazy("集团已录入"), "library": gettext_lazy("国家法定节假日(chinese-calendar)"),
                 "fallback": gettext_lazy("缺少数据：暂按周末计算")}


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this - 1, this + 3))


@hq_view()
def calendar_page(request: HttpRequest) -> HttpResponse:
    return _calendar_page(request, CalendarYearForm(initial={"year": request.GET.get("year", "")}))


def _calendar_page(request: HttpRequest, form: CalendarYearForm) -> HttpResponse:
    group = group_for_hq(request)
    cal = work_calendar_for_group(group.pk)
    years = [{"year": y, "source": cal.source(y), "label": SOURCE_LABELS[cal.source(y)],
              "days": list(calendar_days_for_group(group, y))} for y in _years()]
    return render(request, "hq/policies/calendar.html", {
        "group": group, "years": years, "is_admin": is_hq_admin(request),
        "missing": cal.missing_years(_years()[1:3]), "form": form,
    }, status=400 if form.errors else 200)


@hq_view(admin=True)
@require_POST
def calendar_enter(request: HttpRequest) -> HttpResponse:
    group = group_for_hq(request)
    form = CalendarYearForm(request.POST)

    def enter(d: dict[str, Any]) -> int:
        days = calendar_lines_parse(d["days"], d["year"])
        calendar_year_enter(group=group, year=d["year"], days=days, note=d["note"],
                            actor=request.user)  # type: ignore[arg-type]
        return len(days)
    count = run_form(form, enter)
    if count is None:
        return _calendar_page(request, form)
    messages.success(request, gettext("%(year)s 年放假安排已录入，共 %(count)s 天修正。")
                     % {"year": form.cleaned_data["year"], "count": count})
    return redirect("hq_policies:calendar")
