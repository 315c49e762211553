from __future__ import annotations

import uuid

from django import forms

from tenants.validators import DEFAULT_BRANDS


class StoreOnboardForm(forms.Form):
    name = forms.CharField(label="门店名称", max_length=100)
    slug = forms.CharField(
        label="门店标识", max_length=40, help_text="用于门店网址，如 hz-vw-west → hz-vw-west.<域名>。小写字母、数字、连字符。"
    )
    city = forms.CharField(label="城市", max_length=50)
    address = forms.CharField(label="地址", max_length=200, required=False)
    brands = forms.MultipleChoiceField(
        label="经营品牌", choices=[(b, b) for b in DEFAULT_BRANDS], required=False, widget=forms.CheckboxSelectMultiple
    )
    gm_name = forms.CharField(label="总经理姓名", max_length=50)
    gm_mobile = forms.CharField(label="总经理手机号", max_length=20, required=False)
    gm_email = forms.EmailField(label="总经理邮箱", required=False)
    onboarding_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial["onboarding_key"] = uuid.uuid4().hex
