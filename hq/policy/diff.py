"""版本对比: a readable per-rule, per-field diff of two template bodies, in Chinese."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tenants.roles import StoreRole

from ..models.policies import PolicyKind
from .catalog import (
    ASSIGNEES,
    CHANNELS,
    FIELD_LABELS,
    GRADES,
    OUTCOMES,
    REPEAT_UNTIL,
    RULE_FIELD_LABELS,
    TRIGGERS,
    VALUE_CLASSES,
)

ROLES = {r.value: str(r.label) for r in StoreRole}


@dataclass(frozen=True)
class DiffRow:
    section: str
    item: str
    field: str
    old: str
    new: str
    change: str  # "新增" | "删除" | "修改"


@dataclass(frozen=True)
class _Item:
    section: str
    key: str
    label: str
    fields: dict[str, str]


def _fmt(value: Any, names: dict[str, str] | None = None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_fmt(v, names) for v in value)
    if names is not None:
        return names.get(str(value), str(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _open_fmt(spec: dict[str, Any]) -> str:
    parts = []
    for field, s in spec.items():
        label = RULE_FIELD_LABELS.get(field) or FIELD_LABELS.get(field, field)
        if "min" in s:
            parts.append(f"{label} {_fmt(s['min'])}～{_fmt(s['max'])}")
        else:
            parts.append(label)
    return "；".join(parts) or "不开放"


def _rule_item(rule: dict[str, Any]) -> _Item:
    f = {
        RULE_FIELD_LABELS["name"]: _fmt(rule.get("name")),
        RULE_FIELD_LABELS["trigger"]: TRIGGERS[rule["trigger"]].label if rule.get("trigger") in TRIGGERS else "—",
        RULE_FIELD_LABELS["offset_days"]: _fmt(rule.get("offset_days")),
        RULE_FIELD_LABELS["months"]: _fmt(rule.get("months")),
        RULE_FIELD_LABELS["at"]: _fmt(rule.get("at")),
        RULE_FIELD_LABELS["assignee"]: _fmt(rule.get("assignee"), ASSIGNEES),
        RULE_FIELD_LABELS["channel"]: _fmt(rule.get("channel"), CHANNELS),
        RULE_FIELD_LABELS["message"]: _fmt(rule.get("message")),
        RULE_FIELD_LABELS["repeat_until"]: REPEAT_UNTIL.get(rule.get("repeat_until") or "", "—"),
        RULE_FIELD_LABELS["repeat_every_days"]: _fmt(rule.get("repeat_every_days")),
        RULE_FIELD_LABELS["repeat_max"]: _fmt(rule.get("repeat_max") or None),
        RULE_FIELD_LABELS["grades"]: _fmt(rule.get("grades"), GRADES),
        RULE_FIELD_LABELS["value_classes"]: _fmt(rule.get("value_classes"), VALUE_CLASSES),
        RULE_FIELD_LABELS["marketing"]: _fmt(bool(rule.get("marketing"))),
        RULE_FIELD_LABELS["outcomes"]: _fmt(rule.get("outcomes"), OUTCOMES),
        RULE_FIELD_LABELS["enabled"]: _fmt(bool(rule.get("enabled", True))),
        RULE_FIELD_LABELS["open"]: _open_fmt(rule.get("open") or {}),
    }
    return _Item("规则", rule["key"], rule.get("name") or rule["key"], f)


def _settings_item(body: dict[str, Any], paths: list[str]) -> _Item:
    from .fields import get_path

    fields = {FIELD_LABELS.get(p, p): _fmt(get_path(body, p)) for p in paths}
    opened = body.get("open") or {}
    fields["门店可调整"] = "；".join(
        f"{FIELD_LABELS.get(p, p)} {_fmt(s['min'])}～{_fmt(s['max'])}" for p, s in opened.items()) or "不开放"
    return _Item("总体设置", "_settings", "总体设置", fields)


def _items(kind: str, body: dict[str, Any]) -> list[_Item]:
    if not body:
        return []
    if kind == PolicyKind.CADENCE:
        paths = ["maintenance.first_days", "maintenance.first_km", "maintenance.interval_days",
                 "maintenance.interval_km", "quiet_hours.start", "quiet_hours.end", "messages_per_week", "holidays"]
        return [_settings_item(body, paths)] + [_rule_item(r) for r in body.get("rules", [])]
    if kind == PolicyKind.COMPLAINT:
        paths = ["sla.report_to_gm_working_days", "sla.manager_reply_working_days", "sla.close_working_days"]
        steps = [
            _Item("升级链", str(s["step"]), f"第 {s['step']} 级", {
                "名称": _fmt(s.get("name")), "递交岗位": _fmt(s.get("to_role"), ROLES),
                "抄送": _fmt(s.get("cc_roles"), ROLES), "时限(工作日)": _fmt(s.get("within_working_days")),
            })
            for s in body.get("escalation", [])
        ]
        return [_settings_item(body, paths), *steps]
    if kind == PolicyKind.SURVEY:
        retry = [_settings_item(body, ["retry.max_attempts", "retry.every_working_days"])] if "retry" in body else []
        return retry + [
            _Item("问题", q["key"], q.get("text", q["key"])[:24], {
                "题目": _fmt(q.get("text")), "题型": "是/否" if q.get("kind") == "yes_no" else "评分",
                "满分": _fmt(q.get("scale")),
                "须填原因": "回答「否」时" if q.get("kind") == "yes_no" else f"低于 {q.get('remark_required_below')} 分时",
            })
            for q in body.get("questions", [])
        ]
    paths = [k for k in body if k != "open"]
    return [_settings_item(body, paths)]


def _summary(item: _Item) -> str:
    return "；".join(f"{k}：{v}" for k, v in item.fields.items() if v not in ("—", "否", "不开放"))


def policy_diff(kind: str, old: dict[str, Any] | None, new: dict[str, Any]) -> list[DiffRow]:
    """Rows of what changed from `old` (the previous published version, or None) to `new`."""
    old_items = {(i.section, i.key): i for i in _items(kind, old or {})}
    new_items = {(i.section, i.key): i for i in _items(kind, new)}
    rows: list[DiffRow] = []
    for key, item in new_items.items():
        before = old_items.get(key)
        if before is None:
            rows.append(DiffRow(item.section, item.label, "整条", "—", _summary(item), "新增"))
            continue
        for field, value in item.fields.items():
            was = before.fields.get(field, "—")
            if was != value:
                rows.append(DiffRow(item.section, item.label, field, was, value, "修改"))
    for key, item in old_items.items():
        if key not in new_items:
            rows.append(DiffRow(item.section, item.label, "整条", _summary(item), "—", "删除"))
    return rows
