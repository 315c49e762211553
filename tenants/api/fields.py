"""Serializer fields shared by every API: a phone number as the API shows it."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from tenants.validators import mask_cn_mobile


class MaskedPhoneField(serializers.CharField):
    """138****8000 (tenants.validators.mask_cn_mobile), read-only: the full number only through the
    recorded reveal (POST /api/customers/<id>/reveal/)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return mask_cn_mobile(str(value or ""))
