from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.messaging.base import MessageKind, Vendor
from tenants.models import Store
from tenants.validators import DEFAULT_BRANDS

from .models.messaging import ReviewStatus
from .policy.catalog import ASSIGNEES, CHANNELS, GRADES, OUTCOMES, REPEAT_UNTIL, TRIGGERS, VALUE_CLASSES
from .policy.rules import LEADS_BOUNDS, pool_clean

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class StoreOnboardForm(forms.Form):
    name = forms.CharField(label=_("门店名称"), max_length=100)
    slug = forms.CharField(
        label=_("门店标识"), max_length=40, help_text=_("用于门店网址，如 hz-vw-west → hz-vw-west.<域名>。小写字母、数字、连字符。")
    )
    city = forms.CharField(label=_("城市"), max_length=50)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    brands = forms.MultipleChoiceField(
        label=_("经营品牌"), choices=[(b, b) for b in DEFAULT_BRANDS], required=False, widget=forms.CheckboxSelectMultiple
    )
    gm_name = forms.CharField(label=_("总经理姓名"), max_length=50)
    gm_mobile = forms.CharField(label=_("总经理手机号"), max_length=20, required=False)
    gm_email = forms.EmailField(label=_("总经理邮箱"), required=False)
    onboarding_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial["onboarding_key"] = uuid.uuid4().hex


# ------------------------------------------------------------------ 跟进节奏: one form per rule

def _choices(d: Mapping[str, StrOrPromise]) -> list[tuple[str, StrOrPromise]]:
    return list(d.items())


class CadenceRuleForm(forms.Form):
    """One cadence rule as HQ edits it: when (trigger, offset, repeat), how (channel), who (assignee),
    for whom (intent grades, value classes). Content rules (ranges, message fields, the yearly bound)
    are checked by hq.policy.rules when the draft is saved, like the JSON editor."""

    key = forms.RegexField(label=_("规则编码"), regex=r"^[a-z][a-z0-9_]{1,39}$", max_length=40,
                           error_messages={"invalid": _("小写字母开头，只含小写字母、数字、下划线。")})
    name = forms.CharField(label=_("规则名称"), max_length=60)
    # A blank first choice, so the empty "new rule" form is left alone unless HQ fills it in.
    trigger = forms.ChoiceField(label=_("触发事件"), choices=[("", _("请选择"))] + [(k, t.label) for k, t in TRIGGERS.items()])
    offset_days = forms.IntegerField(label=_("偏移天数"), help_text=_("事件之后 N 天；到期类事件为前后 N 天(负数=提前)。"))
    at = forms.RegexField(label=_("时间"), regex=r"^([01]\d|2[0-3]):[0-5]\d$", required=False,
                          error_messages={"invalid": _("请写成 19:00 这样的时间。")})
    months = forms.IntegerField(label=_("未进站月数"), required=False, min_value=1, max_value=36)
    repeat_until = forms.ChoiceField(label=_("重复"), choices=_choices(REPEAT_UNTIL), required=False)
    repeat_every_days = forms.IntegerField(label=_("重复间隔(天)"), required=False, min_value=1, max_value=365)
    repeat_max = forms.IntegerField(label=_("最多重复次数"), required=False, min_value=0, max_value=60)
    channel = forms.ChoiceField(label=_("方式"), choices=[("", _("请选择")), *_choices(CHANNELS)])
    assignee = forms.ChoiceField(label=_("执行人"), choices=[("", _("请选择")), *_choices(ASSIGNEES)])
    grades = forms.MultipleChoiceField(label=_("条件：意向级别"), choices=_choices(GRADES), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    value_classes = forms.MultipleChoiceField(label=_("条件：价值等级"), choices=_choices(VALUE_CLASSES),
                                              required=False, widget=forms.CheckboxSelectMultiple)
    marketing = forms.BooleanField(label=_("营销类消息"), required=False)
    enabled = forms.BooleanField(label=_("启用"), required=False)
    message = forms.CharField(label=_("话术/消息模板"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))
    outcomes = forms.MultipleChoiceField(label=_("需记录的结果"), choices=_choices(OUTCOMES),
                                         widget=forms.CheckboxSelectMultiple)
    # What the store may adjust (`open`) is kept as it was; experts change it in the JSON editor.
    open = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select) and not isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif isinstance(widget, (forms.TextInput, forms.NumberInput, forms.Textarea)):
                widget.attrs.setdefault("class", "form-control form-control-sm")

    def summary(self) -> str:
        """The rule in one line for its collapsed card: 触发事件 · 偏移 N 天 · 方式 · 执行人."""
        rule = self.initial
        trigger = TRIGGERS.get(rule.get("trigger") or "")
        return " · ".join([str(trigger.label) if trigger else "", gettext("偏移 %(n)s 天") % {"n": rule.get("offset_days")},
                           str(CHANNELS.get(rule.get("channel") or "", "")),
                           str(ASSIGNEES.get(rule.get("assignee") or "", ""))])

    @staticmethod
    def initial_for(rule: dict[str, Any]) -> dict[str, Any]:
        return {**rule, "open": json.dumps(rule.get("open") or {}, ensure_ascii=False),
                "repeat_every_days": rule.get("repeat_every_days"), "repeat_max": rule.get("repeat_max") or 0}

    def to_rule(self) -> dict[str, Any]:
        d = self.cleaned_data
        rule: dict[str, Any] = {k: d[k] for k in ("key", "name", "trigger", "offset_days", "assignee", "channel",
                                                 "message", "grades", "value_classes", "marketing", "enabled",
                                                 "outcomes")}
        rule["repeat_until"] = d.get("repeat_until") or ""
        rule["repeat_every_days"] = d.get("repeat_every_days") if rule["repeat_until"] else None
        rule["repeat_max"] = (d.get("repeat_max") or 0) if rule["repeat_until"] else 0
        if d.get("at"):
            rule["at"] = d["at"]
        if d.get("months"):
            rule["months"] = d["months"]
        rule["open"] = d.get("open") or {}
        return rule

    def clean_open(self) -> dict[str, Any]:
        try:
            value = json.loads(self.cleaned_data.get("open") or "{}")
        except json.JSONDecodeError:
            raise forms.ValidationError(gettext("门店可调整项格式不正确，请在 JSON 编辑中修改。")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(gettext("门店可调整项格式不正确，请在 JSON 编辑中修改。"))
        return value


class LeadsPolicyForm(forms.Form):
    """线索首次响应 (cadence body `leads`): the deadline from receipt to the first contact by a person, and
    when an unclaimed lead is reassigned, both in working minutes of the store's hours (hq.policy.rules)."""

    first_response_minutes = forms.IntegerField(
        label=LEADS_BOUNDS["first_response_minutes"][0], min_value=LEADS_BOUNDS["first_response_minutes"][1],
        max_value=LEADS_BOUNDS["first_response_minutes"][2],
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))
    reassign_after_minutes = forms.IntegerField(
        label=LEADS_BOUNDS["reassign_after_minutes"][0], min_value=LEADS_BOUNDS["reassign_after_minutes"][1],
        max_value=LEADS_BOUNDS["reassign_after_minutes"][2],
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))


CadenceRuleFormSet = forms.formset_factory(CadenceRuleForm, extra=1, can_delete=True, max_num=60,
                                           validate_max=True)


class PoolPolicyForm(forms.Form):
    """公海规则 of a cadence draft (the body's "pool" key); the ranges are checked by hq.policy.rules.pool_clean."""

    return_after_days = forms.IntegerField(
        label=_("未跟进退回公海(天)"), min_value=1, max_value=365,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
        help_text=_("线索连续这么多天没有跟进，客户退回公海(门店当地日期)。"))
    daily_claim_limit = forms.IntegerField(
        label=_("每人每天领取上限"), min_value=0, max_value=200,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))
    recycle_defeated = forms.BooleanField(label=_("战败客户回收公海"), required=False,
                                          help_text=_("战败审核通过后，客户进入公海，其他顾问可领取。"))

    @classmethod
    def initial_for(cls, body: dict[str, Any]) -> dict[str, Any]:
        try:
            return pool_clean(body.get("pool"))
        except Exception:  # noqa: BLE001 - a draft with a bad pool section: the defaults, the error shows on save
            return pool_clean(None)


class PolicyPublishForm(forms.Form):
    """发布: optionally with a 生效日期 (stores adopt on that day, store time); empty = at once."""

    effective_on = forms.DateField(label=_("生效日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text=_("留空则立即下发；填写后各门店在该日(门店当地时间)自动采用。"))


class CalendarYearForm(forms.Form):
    """录入一年的放假安排: the year, one line per day and a note; hq.services.calendar reads the lines."""

    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control"}),
                              error_messages={"required": _("请填写正确的年份。"), "invalid": _("请填写正确的年份。"),
                                              "min_value": _("请填写正确的年份。"),
                                              "max_value": _("请填写正确的年份。")})
    note = forms.CharField(label=_("说明"), max_length=200, required=False, widget=forms.TextInput(attrs={
        "class": "form-control", "placeholder": _("国务院办公厅关于2027年部分节假日安排的通知")}))
    days = forms.CharField(label=_("每行一天：日期,放假 或 日期,上班(调休),名称"), required=False,
                           widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 10,
                                                        "placeholder": _("2027-01-01,放假,元旦\n2027-02-06,上班,春节调休")}))


class StoreStatusForm(forms.Form):
    """暂停 / 恢复 / 归档 a store (HQ admin)."""

    status = forms.ChoiceField(choices=Store.Status.choices,
                               error_messages={"required": _("请选择门店状态。"),
                                               "invalid_choice": _("未知的门店状态：%(value)s")})


class MetricRefreshForm(forms.Form):
    """Refresh one store's figures for a period (this month when empty); hq.metrics.periods reads it."""

    period = forms.CharField(max_length=10, required=False)


class SmsAccountForm(forms.Form):
    """短信服务账号: the keys are write-only (blank keeps the stored ones; the page shows them masked)."""

    vendor = forms.ChoiceField(label=_("短信服务商"), choices=Vendor.choices)
    key_id = forms.CharField(label=_("AccessKey ID / SecretId"), required=False, max_length=100,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}),
                             help_text=_("留空则保留已保存的值。"))
    secret = forms.CharField(label=_("AccessKey Secret / SecretKey"), required=False, max_length=200,
                             widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                             help_text=_("加密保存，之后不再显示。"))
    app_id = forms.CharField(label=_("短信应用ID(SdkAppId)"), required=False, max_length=20,
                             help_text=_("仅腾讯云短信需要。"))
    endpoint = forms.CharField(label=_("接入地址"), required=False, max_length=200,
                               help_text=_("留空使用服务商的公网地址。"))
    is_active = forms.BooleanField(label=_("启用"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-check-input" if isinstance(field, forms.BooleanField)
                                          else "form-select" if isinstance(field, forms.ChoiceField) else "form-control")


class WeComAccountForm(forms.Form):
    """企业微信应用: the Secret is write-only (blank keeps the stored one; the page shows it masked)."""

    prefix = "wecom"
    corp_id = forms.CharField(label=_("企业ID(CorpID)"), required=False, max_length=40,
                              help_text=_("企业微信管理后台 → 我的企业 → 企业ID。"))
    agent_id = forms.CharField(label=_("应用AgentId"), required=False, max_length=12,
                               help_text=_("应用管理 → 自建应用 → AgentId。"))
    secret = forms.CharField(label=_("应用Secret"), required=False, max_length=64,
                             widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                             help_text=_("加密保存，之后不再显示；留空则保留已保存的值。"))
    api_base = forms.CharField(label=_("接入地址"), required=False, max_length=200,
                               help_text=_("留空使用企业微信的公网地址。"))
    is_active = forms.BooleanField(label=_("启用：通知同时发到员工企业微信"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-check-input" if isinstance(field, forms.BooleanField)
                                          else "form-control")


class WeComTestForm(forms.Form):
    """发送测试消息 to one WeCom userid."""

    prefix = "wecomtest"
    userid = forms.CharField(label=_("企业微信账号"), max_length=64,
                             widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
                             help_text=_("收到测试消息即说明配置正确。"))


class SmsSignatureForm(forms.Form):
    name = forms.CharField(label=_("签名"), max_length=22, widget=forms.TextInput(attrs={"class": "form-control"}))
    status = forms.ChoiceField(label=_("审核状态"), choices=ReviewStatus.choices,
                               widget=forms.Select(attrs={"class": "form-select"}))


class SmsTemplateForm(forms.Form):
    signature = forms.TypedChoiceField(label=_("签名"), coerce=int, widget=forms.Select(attrs={"class": "form-select"}))
    code = forms.CharField(label=_("模板编号"), max_length=40, widget=forms.TextInput(attrs={"class": "form-control"}))
    name = forms.CharField(label=_("模板名称"), max_length=60, widget=forms.TextInput(attrs={"class": "form-control"}))
    kind = forms.ChoiceField(label=_("类型"), choices=MessageKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    content = forms.CharField(label=_("模板内容"), max_length=500,
                              widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
                              help_text=_("阿里云用 ${变量名}，腾讯云用 {1}、{2}…；营销类会自动加上退订用语。"))
    variables = forms.CharField(label=_("变量(按顺序，逗号分隔)"), required=False, max_length=300,
                                widget=forms.TextInput(attrs={"class": "form-control"}),
                                help_text=_("腾讯云模板填写对应的字段名，如 customer_name,store_name。"))
    rule_keys = forms.CharField(label=_("用于规则(规则编码，逗号分隔)"), required=False, max_length=400,
                                widget=forms.TextInput(attrs={"class": "form-control"}))
    status = forms.ChoiceField(label=_("审核状态"), choices=ReviewStatus.choices,
                               widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args: Any, signatures: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["signature"]).choices = signatures

    @staticmethod
    def split(value: str) -> list[str]:
        return [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
