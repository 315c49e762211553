"""Forms of the follow-up task rows (任务列表): the shape of what was typed; crm.cadence.services decides
which outcomes a task allows and that a skip needs a reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TaskCompleteForm(forms.Form):
    """One click on an outcome button, with an optional note."""

    outcome = forms.CharField(max_length=30, error_messages={"required": _("请选择任务结果。")})
    note = forms.CharField(label=_("结果说明"), max_length=500, required=False)


class TaskSkipForm(forms.Form):
    reason = forms.CharField(label=_("跳过原因"), max_length=200, error_messages={"required": _("跳过任务须填写原因。")})
