"""Forms of the lead pages: 400 hotline entry, first contact, assignment, lead-file import, 顾问排班."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.services.store_settings import WEEKDAYS
from tenants.views.store_settings import HoursForm

from ..models.choices import Channel, ContactOutcome
from ..models.leads import LeadSource

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


class HotlineLeadForm(forms.Form):
    """400电话: the caller's phone is enough; the rest when they say it."""

    mobile = forms.CharField(label=_("来电手机号"), max_length=20, widget=forms.TextInput(attrs={
        **_TEXT, "placeholder": _("手机号 *"), "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": _("请填写手机号。")})
    name = forms.CharField(label=_("姓名/称呼"), max_length=50, required=False,
                           widget=forms.TextInput(attrs={**_TEXT, "placeholder": _("姓名/称呼")}))
    model_of_interest = forms.CharField(label=_("意向车型"), max_length=60, required=False,
                                        widget=forms.TextInput(attrs={**_TEXT, "placeholder": _("意向车型")}))
    campaign = forms.CharField(label=_("活动/来电原因"), max_length=100, required=False,
                               widget=forms.TextInput(attrs={**_TEXT, "placeholder": _("活动/来电原因")}))
    source = forms.ChoiceField(label=_("线索来源"), choices=LeadSource.choices, initial=LeadSource.HOTLINE,
                               widget=forms.Select(attrs=_SELECT))


class FirstContactForm(forms.Form):
    """首次联系: how, whether the customer was reached, and what was said."""

    channel = forms.ChoiceField(label=_("联系方式"), choices=[(Channel.PHONE, Channel.PHONE.label),
                                                             (Channel.VISIT, Channel.VISIT.label)],
                                initial=Channel.PHONE, widget=forms.Select(attrs=_SELECT))
    outcome = forms.ChoiceField(label=_("联系结果"), choices=ContactOutcome.choices, initial=ContactOutcome.TALKED,
                                widget=forms.Select(attrs=_SELECT))
    content = forms.CharField(label=_("沟通内容"), max_length=2000, widget=forms.Textarea(attrs={
        **_TEXT, "rows": 2, "placeholder": _("沟通内容 *")}), error_messages={"required": _("请填写沟通内容。")})
    next_on = forms.DateField(label=_("下次跟进日期"), required=False,
                              widget=forms.DateInput(attrs={**_TEXT, "type": "date"}))


class AssignForm(forms.Form):
    consultant_id = forms.TypedChoiceField(label=_("分配给"), coerce=int, choices=(),
                                           widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def __init__(self, *args: object, consultants: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["consultant_id"]).choices = consultants


class LeadImportForm(forms.Form):
    file = forms.FileField(label=_("线索文件(.xlsx/.csv)"), widget=forms.ClearableFileInput(attrs=_TEXT))


class LeadSettingsForm(forms.Form):
    """线索设置 of one source: its consultants and its status webhook."""

    source = forms.ChoiceField(label=_("线索来源"), choices=LeadSource.choices, widget=forms.Select(attrs=_SELECT))
    consultant_ids = forms.TypedMultipleChoiceField(label=_("分配给（不选=全部在岗顾问）"), coerce=int, choices=(),
                                                    required=False, widget=forms.CheckboxSelectMultiple)
    hook_url = forms.CharField(label=_("回传地址"), max_length=300, required=False,
                               widget=forms.URLInput(attrs={**_TEXT, "placeholder": "https://"}))
    hook_secret = forms.CharField(label=_("签名密钥（留空=不变）"), max_length=128, required=False,
                                  widget=forms.PasswordInput(attrs=_TEXT))
    hook_enabled = forms.BooleanField(label=_("启用回传"), required=False, initial=True)

    def __init__(self, *args: object, consultants: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["consultant_ids"]).choices = consultants


class ScheduleForm(HoursForm):
    """顾问排班: the store hours page's week grid (one form, one parser), plus 在岗 and 同门店营业时间."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["time_zone"]
        self.fields["on_duty"] = forms.BooleanField(label=_("在岗接线索"), required=False)
        self.fields["same_as_store"] = forms.BooleanField(label=_("同门店营业时间"), required=False)

    def clean(self) -> dict:  # type: ignore[type-arg]
        if self.cleaned_data.get("same_as_store"):  # the days are not read: nothing to check in them
            for day in WEEKDAYS:
                for part in ("start", "end", "lunch_start", "lunch_end"):
                    self.errors.pop(f"{day}_{part}", None)
            return self.cleaned_data
        return super().clean()

    def schedule(self) -> dict[str, list[str] | None] | None:
        """The hours to save: None = the store's."""
        return None if self.cleaned_data.get("same_as_store") else self.hours()

    def _flag(self, name: str) -> bool:
        """A checkbox as typed (bound) or as stored (unbound)."""
        return bool(self.data.get(name)) if self.is_bound else bool(self.initial.get(name))

    @property
    def on_duty_checked(self) -> bool:
        return self._flag("on_duty")

    @property
    def same_checked(self) -> bool:
        return self._flag("same_as_store")
