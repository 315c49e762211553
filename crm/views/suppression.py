"""免打扰名单 page: the store's suppression list — numbers entered by staff or after a complaint, and the
opt-out replies — with the form to add one and the action to take one off (crm.consent)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tenants.access import store_view
from tenants.errors import DomainError
from tenants.roles import Perm

from ..consent import suppress, unsuppress
from ..models.consent import Suppression, SuppressionReason
from .common import member_of


class SuppressionForm(forms.Form):
    phone = forms.CharField(label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"class": "form-control"}))
    reason = forms.ChoiceField(label=_("原因"), choices=[(SuppressionReason.STAFF, SuppressionReason.STAFF.label),
                                                       (SuppressionReason.COMPLAINT, SuppressionReason.COMPLAINT.label)],
                               widget=forms.Select(attrs={"class": "form-select"}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))


def _page(request: HttpRequest, form: SuppressionForm, status: int = 200) -> HttpResponse:
    rows = list(Suppression.objects.order_by("-created_at")[:500])
    return render(request, "crm/suppression.html", {"form": form, "rows": rows}, status=status)


@store_view(Perm.COMPLAINTS)
def suppression_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, SuppressionForm())
    form = SuppressionForm(request.POST)
    if form.is_valid():
        try:
            suppress(phone=form.cleaned_data["phone"], reason=form.cleaned_data["reason"],
                     note=form.cleaned_data["note"], created_by_id=member_of(request).user_id)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, gettext("已加入免打扰名单，此号码不会再收到任何消息。"))
            return redirect("crm:suppression")
    return _page(request, form, status=400)


@store_view(Perm.COMPLAINTS)
@require_POST
def suppression_remove(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Suppression, pk=pk)  # another store's id: not found here, like any unknown id
    unsuppress(phone=row.phone, recorded_by_id=member_of(request).user_id)
    messages.success(request, gettext("已移出免打扰名单。"))
    return redirect("crm:suppression")
