"""Django forms of the store pages (sales floor, vehicle documents): they parse what was typed; the
services decide the rules.

`run_form` (tenants.forms, the one pattern for every app) calls a service with the cleaned data and puts
a DomainError back on its field, so a page re-renders the bound form with every value kept and every
error next to its field.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tenants.errors import DomainError
from tenants.forms import domain_checked
from tenants.forms import run_form as run_form  # the one pattern, imported by the store views from here

from .models import DocumentKind
from .models.appointments import AppointmentKind, KeyOutcome
from .models.choices import (
    AgeCohort,
    Channel,
    DefeatReason,
    Gender,
    Grade,
    Occupation,
    Region,
    ServiceType,
    Source,
    Usage,
)
from .services.customers import email_clean
from .services.merge import MERGE_FIELDS, OTHER, SURVIVOR
from .services.vehicles import document_type_check
from .validators import clean_mobile, parse_money

T = TypeVar("T")
if TYPE_CHECKING:
    from django.utils.functional import _StrPromise  # what gettext_lazy returns (django-stubs)

_SM = {"class": "form-control form-control-sm"}
_SEL = {"class": "form-select form-select-sm"}
_BLANK: list[tuple[str, str | Promise]] = [("", "")]


class MoneyField(forms.CharField):
    """金额 as a Chinese user types it (20万, 23.58万, 235,800, ¥235800); cleaned to Decimal (crm.validators)."""

    def __init__(self, *args: Any, label_text: str | Promise = "", **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)
        self.label_text = label_text

    def clean(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().clean(value)
        try:
            return parse_money(text, label=str(self.label_text))
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None


class LocalDateTimeField(forms.DateTimeField):
    """A browser's datetime-local value, read in the store's time (Asia/Shanghai)."""

    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateTimeInput(attrs={**_SM, "type": "datetime-local"},
                                                        format="%Y-%m-%dT%H:%M"))
        kwargs.setdefault("error_messages", {"invalid": _("时间格式不正确。")})
        super().__init__(*args, **kwargs)


class ReceptionForm(forms.Form):
    mobile = forms.CharField(label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={
        "class": "form-control form-control-lg", "placeholder": _("手机号 *"), "inputmode": "numeric",
        "autofocus": True}), error_messages={"required": _("请填写手机号。")})
    name = forms.CharField(label=_("姓名/称呼"), max_length=50, required=False, widget=forms.TextInput(attrs={
        "class": "form-control form-control-lg", "placeholder": _("姓名/称呼")}))
    grade = forms.ChoiceField(label=_("意向级别"), choices=Grade.choices, initial=Grade.C, required=False,
                              widget=forms.Select(attrs={"class": "form-select form-select-lg"}))
    models_of_interest = forms.CharField(label=_("关注车型"), max_length=100, required=False,
                                         widget=forms.TextInput(attrs={"class": "form-control",
                                                                       "placeholder": _("关注车型")}))
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices, initial=Source.WALK_IN, required=False,
                               widget=forms.Select(attrs={"class": "form-select"}))
    visitors = forms.IntegerField(label=_("到店人数"), min_value=1, max_value=20, initial=1, required=False,
                                  widget=forms.NumberInput(attrs={"class": "form-control"}),
                                  error_messages={"invalid": _("到店人数应为整数。"),
                                                  "min_value": _("到店人数应在 1–20 之间。"),
                                                  "max_value": _("到店人数应在 1–20 之间。")})
    budget = forms.CharField(label=_("购车预算"), max_length=30, required=False, widget=forms.TextInput(attrs={
        "class": "form-control", "placeholder": _("购车预算，如 15-20万")}))
    needs = forms.CharField(label=_("需求"), required=False, widget=forms.TextInput(attrs={
        "class": "form-control", "placeholder": _("需求：用途、偏好")}))
    concerns = forms.CharField(label=_("关注点"), required=False, widget=forms.TextInput(attrs={
        "class": "form-control", "placeholder": _("关注点、提出的问题")}))

    def clean_mobile(self) -> str:
        # The service checks it too; checking here shows it together with every other field's error.
        return domain_checked(clean_mobile, self.cleaned_data.get("mobile") or "")

    def clean_source(self) -> str:
        return self.cleaned_data.get("source") or Source.WALK_IN

    def clean_visitors(self) -> int:
        return self.cleaned_data.get("visitors") or 1

    def clean_grade(self) -> str:
        return self.cleaned_data.get("grade") or Grade.C


class LeadGradeForm(forms.Form):
    grade = forms.ChoiceField(label=_("意向级别"), choices=Grade.choices, widget=forms.Select(attrs=_SEL),
                              error_messages={"invalid_choice": _("意向级别只能是 H、A、B、C。"),
                                              "required": _("请选择意向级别。")})


class LeadKeyForm(forms.Form):
    is_key = forms.TypedChoiceField(choices=[("1", _("标记重点客户")), ("0", _("取消重点客户"))],
                                    coerce=lambda v: v == "1")


class LeadDealForm(forms.Form):
    vin = forms.CharField(label=_("车架号"), max_length=17, widget=forms.TextInput(attrs={
        **_SM, "placeholder": _("交付车辆车架号 *")}), error_messages={"required": _("请填写交付车辆车架号。")})
    plate = forms.CharField(label=_("车牌号"), max_length=10, required=False,
                            widget=forms.TextInput(attrs={**_SM, "placeholder": _("车牌号")}))
    amount = MoneyField(label=_("成交金额"), label_text=_("成交金额"),
                        widget=forms.TextInput(attrs={**_SM, "placeholder": _("成交金额，如 23.58万")}))
    delivered_on = forms.DateField(label=_("交车日期"), required=False,
                                   widget=forms.DateInput(attrs={**_SM, "type": "date"}))


class LeadDefeatForm(forms.Form):
    # No reason is preselected: the consultant picks one (战败审核 reads it).
    reason = forms.ChoiceField(label=_("战败原因"), choices=[("", _("请选择战败原因")), *DefeatReason.choices],
                               widget=forms.Select(attrs=_SEL), error_messages={"required": _("请选择战败原因。")})
    competitor_brand = forms.CharField(label=_("竞品品牌"), max_length=30, required=False,
                                       widget=forms.TextInput(attrs={**_SM, "placeholder": _("竞品品牌")}))
    competitor_model = forms.CharField(label=_("竞品车型"), max_length=40, required=False,
                                       widget=forms.TextInput(attrs={**_SM, "placeholder": _("竞品车型")}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={**_SM, "placeholder": _("说明")}))


class DefeatDecisionForm(forms.Form):
    """战败审核: the manager's comment (required to send a lead back)."""

    comment = forms.CharField(label=_("审核意见"), max_length=300, required=False,
                              widget=forms.TextInput(attrs={**_SM, "placeholder": _("审核意见（退回时必填）")}))


class MergeForm(forms.Form):
    """客户合并: the other record's id and, per field, whose value is kept (this customer's by default)."""

    other = forms.IntegerField(label=_("另一位客户编号"), min_value=1, widget=forms.NumberInput(attrs=_SM),
                               error_messages={"required": _("请填写要合并的客户编号。"),
                                               "invalid": _("客户编号应为数字。"),
                                               "min_value": _("客户编号应为数字。")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in MERGE_FIELDS.items():
            self.fields[f"keep_{name}"] = forms.ChoiceField(
                label=label, required=False, initial=SURVIVOR, widget=forms.RadioSelect,
                choices=[(SURVIVOR, _("保留本客户")), (OTHER, _("用另一位的"))])

    def choices(self) -> dict[str, str]:
        return {k.removeprefix("keep_"): v for k, v in self.cleaned_data.items() if k.startswith("keep_") and v}


class TestDriveForm(forms.Form):
    model = forms.CharField(label=_("试驾车型"), max_length=60, widget=forms.TextInput(attrs={
        **_SM, "placeholder": _("试驾车型 *")}), error_messages={"required": _("请填写试驾车型。")})
    lead = forms.IntegerField(required=False, widget=forms.HiddenInput)
    driven_at = LocalDateTimeField(label=_("试驾时间"), required=False,
                                   error_messages={"invalid": _("试驾时间格式不正确。")})
    licence_checked = forms.BooleanField(label=_("已核验驾驶证"), required=False)
    book = forms.BooleanField(label=_("预约（未来时间）"), required=False)
    feedback = forms.CharField(label=_("试驾反馈"), required=False, widget=forms.TextInput(attrs={
        **_SM, "placeholder": _("试驾反馈（满意点、顾虑）")}))

    def clean_model(self) -> str:
        value = (self.cleaned_data.get("model") or "").strip()
        if not value:
            raise forms.ValidationError(_("请填写试驾车型。"))
        return value


class TestDriveKeepForm(forms.Form):
    """预约试驾 kept: the licence check (the service requires it) and the feedback."""

    licence_checked = forms.BooleanField(label=_("已核验驾驶证"), required=False)
    feedback = forms.CharField(label=_("试驾反馈"), max_length=500, required=False, widget=forms.TextInput(
        attrs={**_SM, "placeholder": _("试驾反馈")}))


class FollowUpForm(forms.Form):
    channel = forms.ChoiceField(label=_("跟进方式"), choices=Channel.choices, widget=forms.Select(attrs=_SEL))
    lead = forms.IntegerField(required=False, widget=forms.HiddenInput)
    content = forms.CharField(label=_("沟通内容"), widget=forms.Textarea(attrs={**_SM, "rows": 2,
                                                                          "placeholder": _("沟通内容 *")}),
                              error_messages={"required": _("请填写沟通内容。")})
    feedback = forms.CharField(label=_("客户反馈"), required=False,
                               widget=forms.TextInput(attrs={**_SM, "placeholder": _("客户反馈")}))
    next_step = forms.CharField(label=_("下一步计划"), max_length=200, required=False,
                                widget=forms.TextInput(attrs={**_SM, "placeholder": _("下一步计划")}))
    next_on = forms.DateField(label=_("下次跟进日期"), required=False,
                              widget=forms.DateInput(attrs={**_SM, "type": "date"}),
                              error_messages={"invalid": _("下次跟进日期格式不正确。")})


class AppointmentForm(forms.Form):
    vehicle = forms.IntegerField(label=_("车辆"), widget=forms.Select(attrs=_SEL),
                                 error_messages={"required": _("请选择车辆。")})
    kind = forms.ChoiceField(label=_("预约类型"), choices=AppointmentKind.choices, widget=forms.Select(attrs=_SEL))
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={**_SM, "type": "date"}),
                          error_messages={"required": _("请选择预约日期。"), "invalid": _("预约日期格式不正确。")})
    time = forms.TimeField(label=_("时间"), widget=forms.TimeInput(attrs={**_SM, "type": "time"}),
                           error_messages={"required": _("请选择预约时间。"), "invalid": _("预约时间格式不正确。")})
    advisor_id = forms.IntegerField(label=_("服务顾问"), widget=forms.Select(attrs=_SEL),
                                    error_messages={"required": _("请选择服务顾问。")})
    note = forms.CharField(label=_("备注"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={**_SM, "placeholder": _("备注（如 首保、异响）")}))

    def __init__(self, *args: Any, vehicles: list[Any] = (), advisors: list[Any] = (),  # type: ignore[assignment]
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].widget.choices = [(v.pk, str(v)) for v in vehicles]
        self.fields["advisor_id"].widget.choices = [(m.user_id, m.user.name) for m in advisors]

    def starts_at(self) -> datetime:
        d = self.cleaned_data
        return timezone.make_aware(datetime.combine(d["day"], d["time"]))


class KeyOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("结果"), widget=forms.Select(attrs=_SEL), choices=[
        (KeyOutcome.DEAL, KeyOutcome.DEAL.label), (KeyOutcome.DEFEATED, KeyOutcome.DEFEATED.label),
        (KeyOutcome.POSTPONED, KeyOutcome.POSTPONED.label)])
    reason = forms.CharField(label=_("原因"), max_length=200, required=False,
                             widget=forms.TextInput(attrs={**_SM, "placeholder": _("原因 / 竞品")}))
    competitor_brand = forms.CharField(label=_("竞品品牌"), max_length=30, required=False,
                                       widget=forms.TextInput(attrs={**_SM, "placeholder": _("购买的竞品品牌")}))


class CoachingForm(forms.Form):
    comment = forms.CharField(label=_("辅导意见"), max_length=1000, widget=forms.Textarea(attrs={**_SM, "rows": 2}),
                              error_messages={"required": _("请填写辅导意见。")})


class VehicleDocumentForm(forms.Form):
    """上传车辆资料: the kind, the file (PDF/JPEG/PNG by content, at most 10 MB) and a note."""

    kind = forms.ChoiceField(label=_("资料类型"), choices=[("", _("请选择")), *DocumentKind.choices],
                             error_messages={"required": _("请选择资料类型。")})
    file = forms.FileField(label=_("文件"), error_messages={"required": _("请选择要上传的文件。"),
                                                           "empty": _("文件是空的，请重新选择。")})
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        head = upload.read(16)
        upload.seek(0)
        try:
            document_type_check(head=head, size=upload.size or 0)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload


class CustomerForm(forms.Form):
    """客户资料 (new and edit): the shape of each field; the customer services decide the rules
    (one number per customer, the owning consultant, consent needing an address)."""

    name = forms.CharField(label=_("姓名 *"), max_length=50, widget=forms.TextInput(attrs={"class": "form-control"}),
                           error_messages={"required": _("请填写客户姓名。"),
                                           "max_length": _("客户姓名不能超过 50 个字。")})
    mobile = forms.CharField(label=_("手机号 *"), max_length=40, widget=forms.TextInput(attrs={"class": "form-control"}),
                             error_messages={"required": _("请填写手机号。")})
    mobile2 = forms.CharField(label=_("备用手机号"), max_length=40, required=False,
                              widget=forms.TextInput(attrs={"class": "form-control"}))
    wechat = forms.CharField(label=_("微信号"), max_length=50, required=False,
                             widget=forms.TextInput(attrs={"class": "form-control"}))
    gender = forms.ChoiceField(label=_("性别"), choices=_BLANK + list(Gender.choices), required=False,
                               widget=forms.Select(attrs={"class": "form-select"}))
    birthday = forms.DateField(label=_("生日"), required=False,
                               widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d"),
                               error_messages={"invalid": _("生日格式不正确。")})
    region = forms.ChoiceField(label=_("所在区域"), choices=_BLANK + list(Region.choices), required=False,
                               widget=forms.Select(attrs={"class": "form-select"}))
    occupation = forms.ChoiceField(label=_("职业"), choices=_BLANK + list(Occupation.choices), required=False,
                                   widget=forms.Select(attrs={"class": "form-select"}))
    age_cohort = forms.ChoiceField(label=_("年龄段"), choices=_BLANK + list(AgeCohort.choices), required=False,
                                   widget=forms.Select(attrs={"class": "form-select"}))
    source = forms.ChoiceField(label=_("客户来源"), choices=Source.choices, required=False, initial=Source.WALK_IN,
                               widget=forms.Select(attrs={"class": "form-select"}))
    # A plain id: the service says whether it names active sales staff of this store.
    consultant_id = forms.IntegerField(label=_("销售顾问"), required=False,
                                       widget=forms.Select(attrs={"class": "form-select"}),
                                       error_messages={"invalid": _("销售顾问应为整数。")})
    may_call = forms.BooleanField(label=_("同意回访"), required=False, initial=True,
                                  widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    call_time = forms.CharField(label=_("方便回访时段"), max_length=50, required=False,
                                widget=forms.TextInput(attrs={"class": "form-control",
                                                              "placeholder": _("如 工作日18:00后")}))
    call_number = forms.CharField(label=_("回访号码"), max_length=40, required=False,
                                  widget=forms.TextInput(attrs={"class": "form-control"}))
    channels = forms.MultipleChoiceField(label=_("允许的联系方式"), choices=Channel.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False,
                            widget=forms.EmailInput(attrs={"class": "form-control",
                                                           "placeholder": "zhang.san@example.com"}))
    email_consent = forms.BooleanField(label=_("同意接收邮件(关怀与提醒)"), required=False,
                                       widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    tags = forms.CharField(label=_("标签（逗号分隔）"), required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))
    notes = forms.CharField(label=_("备注"), required=False,
                            widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))

    def __init__(self, *args: Any, consultants: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["consultant_id"].widget.choices = [("", _("（本人）")), *((m.user_id, m.user.name)
                                                                           for m in consultants)]

    @classmethod
    def initial_of(cls, customer: Any) -> dict[str, Any]:
        """The form's starting values: the customer as stored."""
        return {**{name: getattr(customer, name) for name in cls.base_fields if name not in ("tags", "consultant_id")},
                "tags": ",".join(customer.tags or [])}

    def clean_mobile(self) -> str:
        return domain_checked(clean_mobile, self.cleaned_data.get("mobile") or "")

    def clean_email(self) -> str:
        return domain_checked(email_clean, self.cleaned_data.get("email") or "")

    def clean_source(self) -> str:
        return self.cleaned_data.get("source") or Source.WALK_IN

    def clean_tags(self) -> list[str]:
        text = (self.cleaned_data.get("tags") or "").replace("，", ",")
        return [t for t in text.split(",") if t.strip()]

    def customer_fields(self) -> dict[str, Any]:
        """What the customer services take (the owner is chosen apart, on a new customer only)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "consultant_id"}


def _date(label: str | _StrPromise, invalid: str | _StrPromise, **attrs: Any) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=forms.DateInput(
        attrs={**_SM, "type": "date", **attrs}, format="%Y-%m-%d"), error_messages={"invalid": invalid})


def _km(label: str | _StrPromise, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=required, widget=forms.TextInput(
        attrs={**_SM, "placeholder": label, "inputmode": "numeric"}),
        error_messages={"invalid": _("里程应为整数。"), "required": _("请填写里程。")})


class VehicleForm(forms.Form):
    """添加车辆 (一车一档) from the 360° page; the vehicle service checks the VIN and the dates."""

    vin = forms.CharField(label=_("车架号"), max_length=40, widget=forms.TextInput(
        attrs={**_SM, "placeholder": _("车架号(17位) *")}), error_messages={"required": _("请填写车架号。")})
    plate = forms.CharField(label=_("车牌号"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={**_SM, "placeholder": _("车牌号")}))
    brand = forms.CharField(label=_("品牌"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={**_SM, "placeholder": _("品牌")}))
    model = forms.CharField(label=_("车型"), max_length=60, required=False,
                            widget=forms.TextInput(attrs={**_SM, "placeholder": _("车型")}))
    trim = forms.CharField(label=_("配置"), max_length=60, required=False, widget=forms.TextInput(attrs=_SM))
    colour = forms.CharField(label=_("颜色"), max_length=30, required=False, widget=forms.TextInput(attrs=_SM))
    usage = forms.ChoiceField(label=_("用途"), choices=Usage.choices, required=False, widget=forms.Select(attrs=_SEL))
    km = _km(_("当前里程"))
    purchased_on = _date(_("购车日期"), _("购车日期格式不正确。"))
    delivered_on = _date(_("交车日期"), _("交车日期格式不正确。"))
    warranty_until = _date(_("质保到期"), _("质保到期格式不正确。"))
    insurance_until = _date(_("保险到期"), _("保险到期格式不正确。"))

    def clean_usage(self) -> str:
        return self.cleaned_data.get("usage") or Usage.PRIVATE


class MileageForm(forms.Form):
    """记录里程, from the 360° page or the car's own page (`back`)."""

    km = _km(_("里程(km)"), required=True)
    read_on = _date(_("日期"), _("日期格式不正确。"))
    back = forms.CharField(required=False, widget=forms.HiddenInput)


class CustomerReassignForm(forms.Form):
    """客户转移 (manager): to whom and why; the service checks the colleague."""

    consultant_id = forms.IntegerField(label=_("销售顾问"), widget=forms.Select(attrs=_SEL),
                                       error_messages={"required": _("请选择销售顾问。"),
                                                       "invalid": _("销售顾问应为整数。")})
    reason = forms.CharField(label=_("转移原因"), max_length=200, required=False,
                             widget=forms.TextInput(attrs={**_SM, "placeholder": _("转移原因（如 顾问离职）")}))

    def __init__(self, *args: Any, consultants: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["consultant_id"].widget.choices = [(m.user_id, m.user.name) for m in consultants]


class ServiceVisitForm(forms.Form):
    """登记维修工单 for one of the customer's cars, with the return-call consent asked."""

    vehicle = forms.IntegerField(label=_("车辆"), widget=forms.Select(attrs=_SEL),
                                 error_messages={"required": _("请选择该客户的车辆。"),
                                                 "invalid": _("请选择该客户的车辆。")})
    kind = forms.ChoiceField(label=_("工单类型"), choices=ServiceType.choices, widget=forms.Select(attrs=_SEL),
                             error_messages={"required": _("请选择工单类型。")})
    visited_on = _date(_("进站日期"), _("进站日期格式不正确。"))
    km = _km(_("里程"))
    amount = MoneyField(label=_("金额"), label_text=_("金额"),
                        widget=forms.TextInput(attrs={**_SM, "placeholder": _("金额")}))
    may_call = forms.BooleanField(label=_("同意回访"), required=False, initial=True)
    order_no = forms.CharField(label=_("工单号"), max_length=40, required=False, widget=forms.TextInput(attrs=_SM))
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.TextInput(attrs=_SM))

    def __init__(self, *args: Any, vehicles: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.vehicles = {v.pk: v for v in vehicles}
        self.fields["vehicle"].widget.choices = [(v.pk, str(v)) for v in vehicles]

    def clean_vehicle(self) -> Any:
        """One of this customer's cars (cleaned to the Vehicle)."""
        vehicle = self.vehicles.get(self.cleaned_data["vehicle"])
        if vehicle is None:
            raise forms.ValidationError(_("请选择该客户的车辆。"))
        return vehicle


class VehicleTransferForm(forms.Form):
    """车辆过户: the new owner by phone or picked from a search, and the day (today when empty)."""

    to_mobile = forms.CharField(label=_("新车主手机号"), max_length=40, required=False, widget=forms.TextInput(
        attrs={**_SM, "inputmode": "numeric", "placeholder": _("新车主手机号")}))
    to_customer = forms.IntegerField(required=False, widget=forms.HiddenInput,
                                     error_messages={"invalid": _("新车主应为整数。")})
    on = _date(_("过户日期"), _("过户日期格式不正确。"), title=_("过户日期（默认今天）"))


class SavedViewForm(forms.Form):
    """保存常用筛选: a name (a default one when empty) for the list's current query (the service cuts
    both to their column's length, as the box has no limit)."""

    name = forms.CharField(required=False)
    query = forms.CharField(required=False, widget=forms.HiddenInput)
