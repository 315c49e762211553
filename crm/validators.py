"""VIN (ISO 3779) and Chinese plate checks. Each returns the normalised value or raises DomainError."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext

from tenants.errors import DomainError
from tenants.validators import CN_MOBILE_RE, normalize_cn_mobile

_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"  # zh-data: licence-plate syntax
# 普通号牌: 省 + 地区字母 + 5 位; 新能源号牌: 省 + 地区字母 + 6 位 (D/F 在首位或末位).
_PLATE_RE = re.compile(
    rf"^[{_PROVINCES}][A-Z]"  # zh-data: licence-plate syntax
    r"(?:[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳]"
    r"|[DF][A-HJ-NP-Z0-9][0-9]{4}"
    r"|[0-9]{5}[DF])$"
)


def vin_check_digit(vin17: str) -> str:
    """The ISO 3779 / GB 16735 check character (position 9) for a 17-character VIN."""
    total = sum(_VIN_VALUES[ch] * w for ch, w in zip(vin17, _VIN_WEIGHTS, strict=True))
    rem = total % 11
    return "X" if rem == 10 else str(rem)


def clean_vin(value: str) -> str:
    vin = (value or "").strip().upper().replace(" ", "")
    if len(vin) != 17:
        raise DomainError(gettext("车架号(VIN)应为 17 位，当前为 %(n)s 位。") % {"n": len(vin)}, field="vin")
    if not _VIN_RE.match(vin):
        raise DomainError(gettext("车架号(VIN)只能包含数字和字母，且不能包含 I、O、Q。"), field="vin")
    expected = vin_check_digit(vin)
    if vin[8] != expected:
        raise DomainError(gettext("车架号(VIN)校验位不正确：第 9 位应为 %(digit)s，请核对行驶证。") % {"digit": expected}, field="vin")
    return vin


def clean_plate(value: str) -> str:
    plate = (value or "").strip().upper().replace(" ", "").replace("·", "").replace("-", "")
    if not plate:
        return ""
    if not _PLATE_RE.match(plate):
        raise DomainError(gettext("车牌号格式不正确：如 浙A12345，新能源车牌如 浙AD12345。"), field="plate")
    return plate


def clean_mobile(value: str, *, field: str = "mobile", required: bool = True) -> str:
    mobile = normalize_cn_mobile(value or "")
    if not mobile and not required:
        return ""
    if not CN_MOBILE_RE.match(mobile):
        raise DomainError(gettext("手机号格式不正确：应为 11 位中国大陆手机号，如 138 0013 8000。"), field=field)
    return mobile


def not_in_future(value: date | None, *, field: str, label: str, today: date | None = None) -> None:
    if value is not None and value > (today or timezone.localdate()):
        raise DomainError(gettext("%(label)s不能晚于今天。") % {"label": label}, field=field)


_MONEY_RE = re.compile(r"^(?P<neg>-)?(?P<num>\d+(?:\.\d+)?)(?P<wan>万(?:元)?)?(?:元)?$")  # zh-data: amount syntax (万, 元)


def parse_money(value: object, *, field: str = "amount", label: str = "") -> Decimal | None:
    """金额 as a Chinese user types it: 20万, 23.58万, 235,800, ¥235800, ￥235,800.00, 235800元.

    The one parser behind every money input (forms and serializers); blank is None, junk a clear error."""
    if value is None:
        return None
    label = label or gettext("金额")
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    else:
        text = str(value).strip().replace(" ", "").replace("\u3000", "")
        if not text:
            return None
        text = re.sub(r"^(-?)[¥￥]", r"\1", text)  # a leading currency sign, nowhere else
        if re.search(r"\d[,，]\d", text) and not re.fullmatch(r"-?\d{1,3}([,，]\d{3})+(\.\d+)?(万|元|万元)?", text):  # zh-data: amount syntax (万, 元)
            raise DomainError(gettext("%(label)s格式不正确，请填写如 23.58万、235,800 或 ¥235800。") % {"label": label}, field=field)
        text = text.replace(",", "").replace("，", "")
        match = _MONEY_RE.match(text)
        if match is None:
            raise DomainError(gettext("%(label)s格式不正确，请填写如 23.58万、235,800 或 ¥235800。") % {"label": label}, field=field)
        number = Decimal(match["num"]) * (10000 if match["wan"] else 1) * (-1 if match["neg"] else 1)
    if number < 0:
        raise DomainError(gettext("%(label)s不能为负数。") % {"label": label}, field=field)
    if number >= Decimal("10000000000"):
        raise DomainError(gettext("%(label)s过大，请检查。") % {"label": label}, field=field)
    return number.quantize(Decimal("0.01"))
