"""个人信息保护 pages: 显示号码 (the recorded reveal) and 个人信息访问记录 (the GM's access log)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tenants.access import store_view
from tenants.errors import DomainError
from tenants.exports import download, table_bytes
from tenants.roles import Perm

from ..access import get_customer_for_member, store_staff
from ..models import AccessAction
from ..privacy import REVEALABLE, Origin, phone_reveal
from ..selectors.privacy import (
    AccessLogFilters,
    access_log_export_rows,
    access_log_list,
    customer_names,
    field_labels,
)
from .common import member_of, store_id


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[(f, f) for f in REVEALABLE])
    ref = forms.IntegerField(required=False, min_value=1)


@require_POST
@store_view(Perm.VIEW_STORE)
def phone_reveal_view(request: HttpRequest, pk: int) -> HttpResponse:
    """显示号码: the full number of a customer the member may see, recorded; a colleague's customer is 404
    (crm.access) before anything is recorded."""
    member = member_of(request)
    customer = get_customer_for_member(member, pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("无法显示该字段。"), status=400)
    field = form.cleaned_data["field"]
    try:
        value = phone_reveal(member=member, customer=customer, field=field, ref=form.cleaned_data["ref"],
                             origin=Origin.of(request))
    except DomainError as exc:
        return HttpResponse(exc.message, status=400)
    return render(request, "crm/_phone_revealed.html", {"field": field, "value": value})


class AccessLogFilterForm(forms.Form):
    """The log page's filters; a bad value is shown at its field, the rest still filter."""

    customer = forms.IntegerField(label=gettext_lazy("客户编号"), required=False, min_value=1,
                                  widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))
    staff = forms.TypedChoiceField(label=gettext_lazy("员工"), required=False, coerce=int, empty_value=None,
                                   widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    since = forms.DateField(label=gettext_lazy("起始日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}))
    until = forms.DateField(label=gettext_lazy("截止日期"), required=False,
                            widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}))
    action = forms.ChoiceField(label=gettext_lazy("操作"), required=False,
                               choices=[("", gettext_lazy("全部")), *AccessAction.choices],
                               widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def __init__(self, *args: object, staff_choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["staff"]).choices = [("", gettext_lazy("全部")), *staff_choices]

    def filters(self) -> AccessLogFilters:
        data = getattr(self, "cleaned_data", {})  # after is_valid(): only the fields that validated
        return AccessLogFilters(customer_id=data.get("customer"), user_id=data.get("staff"),
                                since=data.get("since"), until=data.get("until"), action=data.get("action") or "")


def _filter_form(request: HttpRequest) -> AccessLogFilterForm:
    choices = [(m.user_id, m.user.name) for m in store_staff(store_id())]
    form = AccessLogFilterForm(request.GET or None, staff_choices=choices)
    if form.is_bound:
        form.is_valid()
    return form


@store_view(Perm.VIEW_ACCESS_LOG)
def access_log_page(request: HttpRequest) -> HttpResponse:
    """个人信息访问记录: who viewed, revealed, exported, imported or changed customers' personal data."""
    form = _filter_form(request)
    page = Paginator(access_log_list(form.filters()), 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = customer_names(rows)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "crm/access_log.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "rows": [{"r": r, "fields": "、".join(field_labels(r.fields)),
                  "customer_name": names.get(r.customer_ids[0], "") if len(r.customer_ids) == 1 else ""}
                 for r in rows],
    }, status=400 if form.errors else 200)


EXPORT_HEADER = (gettext_lazy("时间"), gettext_lazy("员工"), gettext_lazy("操作"), gettext_lazy("客户编号"),
                 gettext_lazy("客户"), gettext_lazy("客户数"), gettext_lazy("字段"), gettext_lazy("说明"),
                 gettext_lazy("来源地址"), gettext_lazy("浏览器"))


@store_view(Perm.VIEW_ACCESS_LOG)
def access_log_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """导出个人信息访问记录 (the current filter) through the one export helper. The log names customers
    by id and current name only (no numbers), so exporting it is not itself recorded."""
    form = _filter_form(request)
    ext = "xlsx" if fmt == "xlsx" else "csv"
    body = table_bytes(ext, access_log_export_rows(access_log_list(form.filters())),
                       header=[str(h) for h in EXPORT_HEADER], title=_("个人信息访问记录"))
    day = timezone.localdate().isoformat()
    return download(body, f"{_('个人信息访问记录')}-{day}.{ext}", fallback=f"access-log-{day}.{ext}")
