"""Helpers shared by validation, overrides and diffs: dotted paths, message templates, time strings."""

from __future__ import annotations

import re
import string
from typing import Any

from django.utils.translation import gettext

from ..errors import PolicyInvalid
from .catalog import MESSAGE_FIELDS

_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def message_fields(text: str) -> list[str]:
    """The {field} names a message template uses; refuses broken braces and format tricks."""
    names = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise PolicyInvalid(gettext("消息模板的花括号不成对：%(text)s") % {"text": text[:40]}) from exc
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise PolicyInvalid(gettext("消息模板字段写法不正确：{%(name)s%(conversion)s%(spec)s}，请写成 {字段名}。") % {"name": name, "conversion": '!' + conversion if conversion else '', "spec": ':' + spec if spec else ''})
        names.append(name)
    return names


def message_check(text: Any, where: str, *, max_length: int = 500, required: bool = False) -> str:
    """Validate a message template: length and only the allowed {fields}."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise PolicyInvalid(gettext("%(where)s：消息模板必须是文字。") % {"where": where})
    text = text.strip()
    if required and not text:
        raise PolicyInvalid(gettext("%(where)s：请填写消息模板。") % {"where": where})
    if len(text) > max_length:
        raise PolicyInvalid(gettext("%(where)s：消息模板不能超过 %(max_length)s 个字(现在 %(count)s 个)。") % {"where": where, "max_length": max_length, "count": len(text)})
    unknown = [n for n in message_fields(text) if n not in MESSAGE_FIELDS]
    if unknown:
        allowed = "、".join(f"{{{k}}}{v}" for k, v in MESSAGE_FIELDS.items())
        raise PolicyInvalid(gettext("%(where)s：消息模板使用了未知字段 {%(unknown)s}。可用字段：%(allowed)s。") % {"where": where, "unknown": unknown[0], "allowed": allowed})
    return text


def time_check(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _TIME_RE.match(value):
        raise PolicyInvalid(gettext("%(where)s：时间应写成 24 小时制 HH:MM，例如 19:00。") % {"where": where})
    return value


def int_check(value: Any, where: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise PolicyInvalid(gettext("%(where)s：应为整数。") % {"where": where})
    if not lo <= value <= hi:
        raise PolicyInvalid(gettext("%(where)s：%(value)s 超出允许范围 %(lo)s 到 %(hi)s。") % {"where": where, "value": value, "lo": lo, "hi": hi})
    return value


def number_check(value: Any, where: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PolicyInvalid(gettext("%(where)s：应为数字。") % {"where": where})
    if not lo <= value <= hi:
        raise PolicyInvalid(gettext("%(where)s：%(value)s 超出允许范围 %(lo)s 到 %(hi)s。") % {"where": where, "value": value, "lo": lo, "hi": hi})
    return value


def get_path(body: dict[str, Any], path: str) -> Any:
    """Read `a.b.c`; inside `rules` the second part is the rule key."""
    node: Any = body
    parts = path.split(".")
    for i, part in enumerate(parts):
        if isinstance(node, list):
            node = next((r for r in node if isinstance(r, dict) and r.get("key") == part), None)
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
        if node is None and i < len(parts) - 1:
            return None
    return node


def set_path(body: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node: Any = body
    for part in parts[:-1]:
        if isinstance(node, list):
            node = next(r for r in node if r.get("key") == part)
        else:
            node = node[part]
    node[parts[-1]] = value
