"""Validators for Chinese identifiers used across the product."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

CN_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
RESERVED_SLUGS = frozenset(
    {"www", "hq", "api", "admin", "static", "media", "mail", "public", "app", "help", "status", "billing",
     "store-template", "localhost", "test", "demo-internal"}
)


def normalize_cn_mobile(value: str) -> str:
    """Strip spaces, dashes and a +86 / 0086 prefix."""
    digits = re.sub(r"[\s-]", "", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    return digits


def validate_cn_mobile(value: str) -> None:
    if not CN_MOBILE_RE.match(normalize_cn_mobile(value)):
        raise ValidationError(_("手机号格式不正确：应为 11 位中国大陆手机号，如 138 0013 8000。"), code="mobile")


def validate_store_slug(value: str) -> None:
    if not SLUG_RE.match(value or ""):
        raise ValidationError(
            _("门店标识只能使用小写字母、数字和连字符（-），以字母开头，长度 3–40 位。"), code="slug_format"
        )
    if "--" in value:
        raise ValidationError(_("门店标识不能包含连续的连字符。"), code="slug_format")
    if value in RESERVED_SLUGS or value.startswith("pg"):
        raise ValidationError(_("“%(slug)s”是系统保留标识，请换一个。"), code="slug_reserved", params={"slug": value})


def format_cn_mobile(value: str | None) -> str:
    """138 0013 8000: how Chinese staff read a mobile number."""
    if not value or len(value) != 11:
        return value or ""
    return f"{value[:3]} {value[3:7]} {value[7:]}"


def mask_cn_mobile(value: str | None) -> str:
    """138****8000: a phone number as staff see it by default (PIPL 个人信息保护法, least exposure).

    The one masking rule: the first three and last four digits stay, the middle is starred. Anything
    shorter than seven characters is starred whole, so a fragment never shows more than a full number.
    The full number is shown only through the recorded reveal (crm.privacy.phone_reveal)."""
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) < 7:
        return "*" * len(text)
    return f"{text[:3]}{'*' * (len(text) - 7)}{text[-4:]}"


DEFAULT_BRANDS = (
    "一汽-大众", "上汽大众", "东风日产", "广汽丰田", "一汽丰田", "东风本田", "广汽本田", "别克", "雪佛兰",  # zh-data: brand names as stores write them
    "宝马", "奔驰", "奥迪", "比亚迪", "吉利", "长安", "红旗", "东风标致", "理想", "蔚来", "小鹏",  # zh-data: brand names as stores write them
)


def clean_cn_mobile(value: str, *, field: str) -> str:
    """The normalised mobile number ("" when none was given); a malformed one is a DomainError on `field`."""
    mobile = normalize_cn_mobile(value) if value else ""
    if mobile:
        try:
            validate_cn_mobile(mobile)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field=field) from exc
    return mobile
