"""Forms of the staff pages (员工管理); they call tenants.services.staff."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .errors import DomainError
from .roles import StoreRole
from .validators import clean_cn_mobile


class InviteForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    mobile = forms.CharField(label=_("手机号"), max_length=20)
    role = forms.ChoiceField(label=_("岗位"), choices=[("", _("请选择岗位")), *StoreRole.choices])

    def clean_mobile(self) -> str:
        """Checked here too, so a bad number and a missing role are shown together."""
        try:
            return clean_cn_mobile(self.cleaned_data["mobile"], field="mobile")
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("岗位"), choices=StoreRole.choices)


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
