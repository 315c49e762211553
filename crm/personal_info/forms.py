"""Forms of the personal-information request pages (crm.personal_info.views): they parse what was typed;
crm.personal_info.services decides the rules (run_form puts its errors back on their fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.errors import DomainError

from ..models import Customer
from ..models.personal_info import IdentityCheck, RequesterRelation, RequestKind
from ..validators import clean_mobile

_SM = {"class": "form-control"}
_SEL = {"class": "form-select"}
_REQUIRED = {"required": _("此项必填。")}


class RequestRegisterForm(forms.Form):
    """登记请求: the customer by mobile number (the GM sees the whole store), who asked, how checked."""

    mobile = forms.CharField(label=_("客户手机号"), max_length=20, widget=forms.TextInput(attrs={
        **_SM, "inputmode": "numeric"}), error_messages={"required": _("请填写客户的手机号。")})
    kind = forms.ChoiceField(label=_("请求类型"), choices=RequestKind.choices, widget=forms.Select(attrs=_SEL),
                             error_messages={"required": _("请选择请求类型。")})
    requester_name = forms.CharField(label=_("请求人"), max_length=50, widget=forms.TextInput(attrs=_SM),
                                     error_messages={"required": _("请填写请求人姓名。")})
    requester_relation = forms.ChoiceField(label=_("与客户关系"), choices=RequesterRelation.choices,
                                           initial=RequesterRelation.SELF, widget=forms.Select(attrs=_SEL))
    identity_check = forms.ChoiceField(label=_("身份核验方式"), choices=[("", "---------"), *IdentityCheck.choices],
                                       widget=forms.Select(attrs=_SEL),
                                       error_messages={"required": _("请选择身份核验方式。")})
    identity_note = forms.CharField(label=_("核验说明"), max_length=200, required=False,
                                    widget=forms.TextInput(attrs=_SM))
    details = forms.CharField(label=_("请求内容与理由"), widget=forms.Textarea(attrs={**_SM, "rows": 3}),
                              error_messages={"required": _("请填写请求内容（客户要求查阅、更正或删除什么，理由是什么）。")})
    received_on = forms.DateField(label=_("收到日期"), widget=forms.DateInput(attrs={**_SM, "type": "date"}),
                                  error_messages={"required": _("请填写收到请求的日期。"),
                                                  "invalid": _("日期格式不正确。")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()

    def clean_mobile(self) -> Customer:
        try:
            mobile = clean_mobile(self.cleaned_data.get("mobile") or "")
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        customer = Customer.objects.filter(Q(mobile=mobile) | Q(mobile2=mobile)).first()
        if customer is None:
            raise forms.ValidationError(_("本店没有该手机号的客户。"))
        return customer


class ReasonForm(forms.Form):
    """The reason (or outcome) a closing step needs."""

    reason = forms.CharField(label=_("原因"), max_length=300, widget=forms.Textarea(attrs={**_SM, "rows": 2}),
                             error_messages={"required": _("请填写原因。"),
                                             "max_length": _("原因不能超过 300 个字。")})


class CorrectionForm(forms.Form):
    """更正/补充: the fields a person usually asks to correct, prefilled from the customer."""

    name = forms.CharField(label=_("姓名"), max_length=50, widget=forms.TextInput(attrs=_SM))
    mobile = forms.CharField(label=_("手机号"), max_length=20, widget=forms.TextInput(attrs=_SM))
    mobile2 = forms.CharField(label=_("备用手机号"), max_length=20, required=False, widget=forms.TextInput(attrs=_SM))
    wechat = forms.CharField(label=_("微信号"), max_length=64, required=False, widget=forms.TextInput(attrs=_SM))
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False, widget=forms.TextInput(attrs=_SM))
    birthday = forms.DateField(label=_("生日"), required=False,
                               widget=forms.DateInput(attrs={**_SM, "type": "date"}, format="%Y-%m-%d"),
                               error_messages={"invalid": _("日期格式不正确。")})
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={**_SM, "rows": 2}))
    reason = forms.CharField(label=_("更正说明"), max_length=300, widget=forms.TextInput(attrs=_SM),
                             error_messages={"required": _("请填写原因。")})

    FIELDS = ("name", "mobile", "mobile2", "wechat", "email", "birthday", "notes")

    @classmethod
    def for_customer(cls, customer: Customer, data: Any = None) -> CorrectionForm:
        return cls(data, initial={k: getattr(customer, k) for k in cls.FIELDS})
