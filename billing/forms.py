"""Forms of the HQ billing page: the shape of what was chosen; billing.services decides the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PlanForm(forms.Form):
    """套餐: one option of the plan menu, `<plan code>:<interval>` (month or year)."""

    plan = forms.CharField(max_length=60, error_messages={"required": _("请选择套餐。")})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code, _sep, interval = (data.get("plan") or "").partition(":")
        data["plan_code"], data["interval"] = code, interval
        return data
