"""版本对比: a readable per-rule, per-field diff of two template bodies, in the active language.

`change` stays one of 新增/删除/修改: it is a value of the API and of the stored change notices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

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
from .fields import get_path

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ROLES = {r.value: r.label for r in StoreRole}


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


def _no() -> str:
    return gettext("否")


def _closed() -> str:
    return gettext("不开放")


def _fmt(value: Any, names: Mapping[str, StrOrPromise] | None = None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else _no()
    if isinstance(value, list):
        return "、".join(_fmt(v, names) for v in value)
    if names is not None:
        return str(names.get(str(value), str(value)))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _open_fmt(spec: dict[str, Any]) -> str:
    parts = []
    for field, s in spec.items():
        label = str(RULE_FIELD_LABELS.get(field) or FIELD_LABELS.get(field, field))
        if "min" in s:
            parts.append(f"{label} {_fmt(s['min'])}～{_fmt(s['max'])}")
        else:
            parts.append(label)
    return "；".join(parts) or _closed()


def _rule_item(rule: dict[str, Any]) -> _Item:
    labels = {k: str(v) for k, v in RULE_FIELD_LABELS.items()}
    f = {
        labels["name"]: _fmt(rule.get("name")),
        labels["trigger"]: str(TRIGGERS[rule["trigger"]].label) if rule.get("trigger") in TRIGGERS else "—",
        labels["offset_days"]: _fmt(rule.get("offset_days")),
        labels["months"]: _fmt(rule.get("months")),
        labels["at"]: _fmt(rule.get("at")),
        labels["assignee"]: _fmt(rule.get("assignee"), ASSIGNEES),
        labels["channel"]: _fmt(rule.get("channel"), CHANNELS),
        labels["message"]: _fmt(rule.get("message")),
        labels["repeat_until"]: str(REPEAT_UNTIL.get(rule.get("repeat_until") or "", "—")),
        labels["repeat_every_days"]: _fmt(rule.get("repeat_every_days")),
        labels["repeat_max"]: _fmt(rule.get("repeat_max") or None),
        labels["grades"]: _fmt(rule.get("grades"), GRADES),
        labels["value_classes"]: _fmt(rule.get("value_classes"), VALUE_CLASSES),
        labels["marketing"]: _fmt(bool(rule.get("marketing"))),
        labels["outcomes"]: _fmt(rule.get("outcomes"), OUTCOMES),
        labels["enabled"]: _fmt(bool(rule.get("enabled", True))),
        labels["open"]: _open_fmt(rule.get("open") or {}),
    }
    return _Item(gettext("规则"), rule["key"], rule.get("name") or rule["key"], f)


def _settings_item(body: dict[str, Any], paths: list[str]) -> _Item:
    fields = {str(FIELD_LABELS.get(p, p)): _fmt(get_path(body, p)) for p in paths}
    opened = body.get("open") or {}
    fields[gettext("门店可调整")] = "；".join(
        f"{FIELD_LABELS.get(p, p)} {_fmt(s['min'])}～{_fmt(s['max'])}" for p, s in opened.items()) or _closed()
    return _Item(gettext("总体设置"), "_settings", gettext("总体设置"), fields)


def _pool_item(pool: dict[str, Any]) -> _Item:
    """公海规则 of a cadence body, one row per setting."""
    return _Item(gettext("公海规则"), "_pool", gettext("公海规则"), {
        gettext("未跟进退回公海(天)"): _fmt(pool.get("return_after_days")),
        gettext("每人每天领取上限"): _fmt(pool.get("daily_claim_limit")),
        gettext("战败客户回收公海"): _fmt(bool(pool.get("recycle_defeated"))),
    })


def _items(kind: str, body: dict[str, Any]) -> list[_Item]:
    if not body:
        return []
    if kind == PolicyKind.CADENCE:
        paths = ["maintenance.first_days", "maintenance.first_km", "maintenance.interval_days",
                 "maintenance.interval_km", "quiet_hours.start", "quiet_hours.end", "messages_per_week", "holidays"]
        pool = [_pool_item(body["pool"])] if "pool" in body else []
        return [_settings_item(body, paths), *pool] + [_rule_item(r) for r in body.get("rules", [])]
    if kind == PolicyKind.COMPLAINT:
        paths = ["sla.report_to_gm_working_days", "sla.manager_reply_working_days", "sla.close_working_days"]
        steps = [
            _Item(gettext("升级链"), str(s["step"]), gettext("第 %(n)s 级") % {"n": s["step"]}, {
                gettext("名称"): _fmt(s.get("name")), gettext("递交岗位"): _fmt(s.get("to_role"), ROLES),
                gettext("抄送"): _fmt(s.get("cc_roles"), ROLES),
                gettext("时限(工作日)"): _fmt(s.get("within_working_days")),
            })
            for s in body.get("escalation", [])
        ]
        return [_settings_item(body, paths), *steps]
    if kind == PolicyKind.SURVEY:
        retry = [_settings_item(body, ["retry.max_attempts", "retry.every_working_days"])] if "retry" in body else []
        return retry + [
            _Item(gettext("问题"), q["key"], q.get("text", q["key"])[:24], {
                gettext("题目"): _fmt(q.get("text")),
                gettext("题型"): gettext("是/否") if q.get("kind") == "yes_no" else gettext("评分"),
                gettext("满分"): _fmt(q.get("scale")),
                gettext("须填原因"): gettext("回答「否」时") if q.get("kind") == "yes_no"
                else gettext("低于 %(n)s 分时") % {"n": q.get("remark_required_below")},
            })
            for q in body.get("questions", [])
        ]
    paths = [k for k in body if k != "open"]
    return [_settings_item(body, paths)]


def _summary(item: _Item) -> str:
    return "；".join(f"{k}：{v}" for k, v in item.fields.items() if v not in ("—", _no(), _closed()))


def policy_diff(kind: str, old: dict[str, Any] | None, new: dict[str, Any]) -> list[DiffRow]:
    """Rows of what changed from `old` (the previous published version, or None) to `new`."""
    old_items = {(i.section, i.key): i for i in _items(kind, old or {})}
    new_items = {(i.section, i.key): i for i in _items(kind, new)}
    rows: list[DiffRow] = []
    for key, item in new_items.items():
        before = old_items.get(key)
        if before is None:
            rows.append(DiffRow(item.section, item.label, gettext("整条"), "—", _summary(item), "新增"))  # zh-data: change code; templates compare it and translate it
            continue
        for field, value in item.fields.items():
            was = before.fields.get(field, "—")
            if was != value:
                rows.append(DiffRow(item.section, item.label, field, was, value, "修改"))  # zh-data: change code; templates compare it and translate it
    for key, item in old_items.items():
        if key not in new_items:
            rows.append(DiffRow(item.section, item.label, gettext("整条"), _summary(item), "—", "删除"))  # zh-data: change code; templates compare it and translate it
    return rows
