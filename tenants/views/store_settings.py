"""营业时间与时区 page (the GM): the hours (with a lunch break) and the zone every SLA counts in, confirmed
for the first-day checklist."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ..access import store_view
from ..errors import DomainError
from ..models import DEFAULT_STORE_ZONE, Store
from ..requests import StoreRequest
from ..roles import Perm
from ..services.store_settings import WEEKDAYS, store_working_hours_set

DAY_LABELS = {"mon": gettext_lazy("周一"), "tue": gettext_lazy("周二"), "wed": gettext_lazy("周三"),
              "thu": gettext_lazy("周四"), "fri": gettext_lazy("周五"), "sat": gettext_lazy("周六"),
              "sun": gettext_lazy("周日")}


class HoursForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for day in WEEKDAYS:
            self.fields[f"{day}_open"] = forms.BooleanField(label=DAY_LABELS[day], required=False)
            self.fields[f"{day}_start"] = forms.TimeField(required=False)
            self.fields[f"{day}_end"] = forms.TimeField(required=False)
            self.fields[f"{day}_lunch_start"] = forms.TimeField(required=False)
            self.fields[f"{day}_lunch_end"] = forms.TimeField(required=False)
        self.fields["time_zone"] = forms.CharField(label=gettext_lazy("时区"), max_length=40, required=False)

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean() or {}
        for day in WEEKDAYS:
            if data.get(f"{day}_open") and not (data.get(f"{day}_start") and data.get(f"{day}_end")):
                self.add_error(f"{day}_end", _("请填写上下班时间。"))
            if bool(data.get(f"{day}_lunch_start")) != bool(data.get(f"{day}_lunch_end")):
                self.add_error(f"{day}_lunch_end", _("午休请同时填写开始和结束时间，或都不填。"))
        return data

    def hours(self) -> dict[str, list[str] | None]:
        d = self.cleaned_data

        def span(day: str) -> list[str]:
            keys = ["start", "lunch_start", "lunch_end", "end"] if d.get(f"{day}_lunch_start") else ["start", "end"]
            return [f"{d[f'{day}_{k}']:%H:%M}" for k in keys]

        return {day: span(day) if d.get(f"{day}_open") else None for day in WEEKDAYS}

    def rows(self) -> list[dict[str, object]]:
        """One row per weekday with the values as typed (bound) or as stored (unbound), errors at their field."""
        def value(name: str) -> object:
            return self.data.get(name, "") if self.is_bound else self.initial.get(name, "")

        return [{"label": str(DAY_LABELS[d]), "day": d, "open": bool(value(f"{d}_open")),
                 "start": value(f"{d}_start"), "end": value(f"{d}_end"),
                 "errors": self.errors.get(f"{d}_start", []) + self.errors.get(f"{d}_end", []),
                 "lunch_start": value(f"{d}_lunch_start"), "lunch_end": value(f"{d}_lunch_end"),
                 "lunch_errors": self.errors.get(f"{d}_lunch_start", []) + self.errors.get(f"{d}_lunch_end", [])}
                for d in WEEKDAYS]

    def zone_value(self) -> object:
        return self.data.get("time_zone", "") if self.is_bound else self.initial.get("time_zone", "")


def hours_initial(hours: dict[str, list[str]] | None) -> dict[str, object]:
    """The form's initial values for stored weekly hours (the store's, or a consultant's 排班)."""
    initial: dict[str, object] = {}
    for day in WEEKDAYS:
        span = (hours or {}).get(day) or []
        initial[f"{day}_open"] = bool(span)
        if span:
            initial[f"{day}_start"], initial[f"{day}_end"] = span[0], span[-1]
        if len(span) == 4:
            initial[f"{day}_lunch_start"], initial[f"{day}_lunch_end"] = span[1], span[2]
    return initial


def _initial(store: Store) -> dict[str, object]:
    return {**hours_initial(store.working_hours), "time_zone": store.time_zone or DEFAULT_STORE_ZONE}


# Offered in the zone field's list (any IANA name is accepted): the zones of China first.
ZONE_SUGGESTIONS = ("Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei")


@store_view(Perm.MANAGE_STORE)
@require_http_methods(["GET", "POST"])
def hours_page(request: StoreRequest) -> HttpResponse:
    store = request.tenant
    form = HoursForm(request.POST if request.method == "POST" else None, initial=_initial(store))
    if request.method == "POST" and form.is_valid():
        try:
            store_working_hours_set(actor=request.user, store=store, hours=form.hours(),  # type: ignore[arg-type]
                                    time_zone=form.cleaned_data["time_zone"].strip() or None)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("营业时间已保存。"))
            return redirect("store:home")
    return render(request, "tenants/store_hours.html", {"form": form, "store": store, "zones": ZONE_SUGGESTIONS},
                  status=400 if form.errors else 200)
