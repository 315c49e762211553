"""Forms of the after-sales pages: the shape of what was typed; crm.aftersales.actions and .complaints
decide the rules (who may, which source needs which link, a deadline not in the past)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models.aftersales import ActionKind, ActionSource

_CTRL = {"class": "form-control mb-2"}
_SEL = {"class": "form-select mb-2"}


class CorrectiveActionForm(forms.Form):
    """制定措施 (报总经理批准): kind, source (a complaint or a monthly report), what, who, by when."""

    kind = forms.ChoiceField(label=_("类型"), choices=ActionKind.choices, widget=forms.Select(attrs=_SEL),
                             error_messages={"required": _("请选择措施类型：整改措施或预防措施。"),
                                             "invalid_choice": _("请选择措施类型：整改措施或预防措施。")})
    source = forms.ChoiceField(label=_("来源"), choices=ActionSource.choices, widget=forms.Select(attrs=_SEL),
                               error_messages={"required": _("请选择措施来源：投诉或回访月报。"),
                                               "invalid_choice": _("请选择措施来源：投诉或回访月报。")})
    complaint = forms.IntegerField(label=_("投诉编号(数字)"), required=False, min_value=1,
                                   widget=forms.TextInput(attrs={**_CTRL, "inputmode": "numeric"}),
                                   error_messages={"invalid": _("投诉编号应为数字。"),
                                                   "min_value": _("投诉编号应为数字。")})
    report_month = forms.CharField(label=_("月报月份"), required=False, max_length=7,
                                   widget=forms.TextInput(attrs={**_CTRL, "type": "month"}))
    description = forms.CharField(label=_("措施内容"), max_length=4000,
                                  widget=forms.Textarea(attrs={**_CTRL, "rows": 3}),
                                  error_messages={"required": _("请填写措施内容。")})
    owner_id = forms.IntegerField(label=_("责任人"), widget=forms.Select(attrs=_SEL),
                                  error_messages={"required": _("请选择本店在职员工作为责任人。"),
                                                  "invalid": _("请选择本店在职员工作为责任人。")})
    deadline = forms.DateField(label=_("完成期限"), widget=forms.DateInput(attrs={**_CTRL, "type": "date"},
                                                                        format="%Y-%m-%d"),
                               error_messages={"required": _("请填写完成期限。"), "invalid": _("完成期限格式不正确。")})

    def __init__(self, *args: Any, staff: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        kwargs.setdefault("auto_id", "%s")  # the page's element ids are the field names
        super().__init__(*args, **kwargs)
        self.fields["owner_id"].widget.choices = [("", _("请选择")), *(
            (m.user_id, f"{m.user.name} · {m.get_role_display()}") for m in staff)]

    def clean_report_month(self) -> dt.date | None:
        text = (self.cleaned_data.get("report_month") or "").strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(f"{text}-01")
        except ValueError:
            raise forms.ValidationError(_("月报月份格式不正确。")) from None
