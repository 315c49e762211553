"""Forms of the staff pages (员工管理); they call tenants.services.staff. And the one way every app's
page runs a form: `run_form` calls the service with the cleaned data and puts its DomainError back on
the field it names (`form_errors_as_messages` when the page returned to shows no bound copy of the
form); `domain_checked` runs a service's own check on one field, so its message shows
together with every other field's error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .errors import DomainError
from .roles import StoreRole
from .validators import clean_cn_mobile

T = TypeVar("T")


def run_form(form: forms.Form, fn: Callable[[dict[str, Any]], T]) -> T | None:
    """Call the service with the cleaned data; its DomainError lands on the field it names (a hidden or
    unknown field: at the top of the form). None when the form or the service refused."""
    if not form.is_valid():
        return None
    try:
        return fn(form.cleaned_data)
    except DomainError as exc:
        field = exc.field if exc.field in form.fields and not form.fields[exc.field].widget.is_hidden else None
        form.add_error(field, exc.message)
        return None


def form_errors_as_messages(request: HttpRequest, form: forms.Form) -> None:
    """For a form posted from a page that shows no bound copy of it (a button, a row, another page):
    its errors as flash messages on the page it returns to."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def domain_checked(check: Callable[[str], str], value: str) -> str:
    """Run the service's own check on one field (in a form's clean_<field>)."""
    try:
        return check(value)
    except DomainError as exc:
        raise forms.ValidationError(exc.message) from None


class InviteForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    mobile = forms.CharField(label=_("手机号"), max_length=20)
    role = forms.ChoiceField(label=_("岗位"), choices=[("", _("请选择岗位")), *StoreRole.choices])

    def clean_mobile(self) -> str:
        """Checked here too, so a bad number and a missing role are shown together."""
        return domain_checked(lambda v: clean_cn_mobile(v, field="mobile"), self.cleaned_data["mobile"])


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("岗位"), choices=StoreRole.choices)


class WeComUserForm(forms.Form):
    """企业微信账号 of one member (blank removes it)."""

    wecom_userid = forms.CharField(label=_("企业微信账号"), required=False, max_length=64)


class SuccessorForm(forms.Form):
    """接手人: chosen from the store's other active members."""

    successor = forms.TypedChoiceField(label=_("接手同事"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: object, successors: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["successor"]).choices = [("", "—"), *successors]


class ReassignForm(forms.Form):
    """批量转移: everything one member owns goes to another, nobody is deactivated."""

    from_user = forms.TypedChoiceField(label=_("原负责人"), coerce=int)
    to_user = forms.TypedChoiceField(label=_("接手同事"), coerce=int)

    def __init__(self, *args: object, members: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["from_user"]).choices = members
        cast(forms.ChoiceField, self.fields["to_user"]).choices = members
