"""门店调整: what a template leaves open to a store, checking a store's overrides, the effective policy."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from ..errors import OverrideNotAllowed, PolicyInvalid
from ..models.policies import PolicyKind
from .catalog import FIELD_LABELS, RULE_FIELD_LABELS
from .fields import get_path, message_check, set_path


@dataclass(frozen=True)
class OpenField:
    """One field a store may change: its path, label, type and allowed range."""

    path: str
    label: str
    type: str  # "int" | "number" | "text" | "bool"
    default: Any
    min: float | None = None
    max: float | None = None
    max_length: int | None = None


def open_fields(kind: str, body: dict[str, Any]) -> dict[str, OpenField]:
    """Every path of `body` the template leaves open to stores."""
    out: dict[str, OpenField] = {}
    for path, spec in (body.get("open") or {}).items():
        current = get_path(body, path)
        out[path] = OpenField(path, FIELD_LABELS.get(path, path), "int" if isinstance(current, int) else "number",
                              current, spec["min"], spec["max"])
    if kind == PolicyKind.CADENCE:
        for rule in body.get("rules", []):
            for field, spec in (rule.get("open") or {}).items():
                path = f"rules.{rule['key']}.{field}"
                label = f"{rule['name']} · {RULE_FIELD_LABELS[field]}"
                if field == "offset_days":
                    out[path] = OpenField(path, label, "int", rule[field], spec["min"], spec["max"])
                elif field == "message":
                    out[path] = OpenField(path, label, "text", rule[field], max_length=spec["max_length"])
                elif field == "enabled":
                    out[path] = OpenField(path, label, "bool", rule[field])
    return out


def _coerce(field: OpenField, value: Any) -> Any:
    where = f"「{field.label}」"
    if field.type in ("int", "number"):
        if isinstance(value, str):
            try:
                value = int(value) if field.type == "int" else float(value)
            except ValueError as exc:
                raise OverrideNotAllowed(gettext("%(where)s应为数字。") % {"where": where}, field=field.path) from exc
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise OverrideNotAllowed(gettext("%(where)s应为数字。") % {"where": where}, field=field.path)
        if field.type == "int" and value != int(value):
            raise OverrideNotAllowed(gettext("%(where)s应为整数。") % {"where": where}, field=field.path)
        assert field.min is not None and field.max is not None
        if not field.min <= value <= field.max:
            raise OverrideNotAllowed(
                gettext("%(where)s调整为 %(value)s 超出集团允许的范围 %(min)s 到 %(max)s。") % {"where": where, "value": value, "min": _n(field.min), "max": _n(field.max)}, field=field.path)
        return int(value) if field.type == "int" else value
    if field.type == "bool":
        if isinstance(value, str):
            value = value.lower() in ("1", "true", "on", "yes")
        return bool(value)
    try:
        return message_check(value, where, max_length=field.max_length or 300, required=True)
    except PolicyInvalid as exc:
        raise OverrideNotAllowed(exc.message, field=field.path) from exc


def _n(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def overrides_clean(kind: str, body: dict[str, Any], overrides: Any) -> dict[str, Any]:
    """Check a store's overrides against the open fields; drop the ones equal to the template."""
    if not isinstance(overrides, dict):
        raise OverrideNotAllowed(gettext("门店调整的格式不正确。"))
    fields = open_fields(kind, body)
    clean: dict[str, Any] = {}
    for path, value in overrides.items():
        field = fields.get(path)
        if field is None:
            label = path
            raise OverrideNotAllowed(gettext("「%(label)s」不是集团模板开放给门店调整的项目。") % {"label": label}, field=path)
        value = _coerce(field, value)
        if value != field.default:
            clean[path] = value
    return clean


def overrides_split(kind: str, body: dict[str, Any], overrides: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(still allowed, no longer allowed) under a new version: adoption keeps the first, shows the second."""
    kept: dict[str, Any] = {}
    dropped: dict[str, Any] = {}
    for path, value in (overrides or {}).items():
        try:
            kept.update(overrides_clean(kind, body, {path: value}))
        except OverrideNotAllowed:
            dropped[path] = value
    return kept, dropped


def effective_body(body: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """执行中的政策 = template version + the store's allowed overrides."""
    out = copy.deepcopy(body)
    for path, value in (overrides or {}).items():
        if get_path(out, path) is not None or path.endswith(".enabled"):
            set_path(out, path, value)
    return out
