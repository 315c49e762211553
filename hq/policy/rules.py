"""Validation of policy template content, per kind. Every refusal says what and why, in Chinese.

`policy_body_clean(kind, body)` returns the normalised body or raises PolicyInvalid. The cadence
check also bounds how many tasks one customer can receive in a year (`tasks_per_year`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext, gettext_lazy

from tenants.roles import StoreRole

from ..errors import PolicyInvalid, PolicyTooManyTasks
from ..models.policies import PolicyKind
from .catalog import (
    ASSIGNEES,
    CHANNELS,
    GRADES,
    HOLIDAY_NAMES,
    MAX_REPEATS,
    MAX_RULES,
    MAX_TASKS_PER_CUSTOMER_YEAR,
    MESSAGE_CHANNELS,
    OUTCOMES,
    REPEAT_UNTIL,
    TRIGGERS,
    VALUE_CLASSES,
)
from .fields import KEY_RE, get_path, int_check, message_check, number_check, time_check

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAINTENANCE_BOUNDS = {"first_days": (30, 730), "first_km": (1000, 30000), "interval_days": (30, 730),
                      "interval_km": (1000, 50000)}
RULE_OPEN_FIELDS = {"offset_days", "message", "enabled"}
# 回访未接通的重拨 (survey template `retry`): total calls per visit, and the working days between them.
SURVEY_RETRY_BOUNDS = {"max_attempts": (gettext_lazy("最多拨打次数"), 1, 5),
                       "every_working_days": (gettext_lazy("重拨间隔(工作日)"), 1, 3)}
SURVEY_RETRY_DEFAULT = {"max_attempts": 3, "every_working_days": 1}
MESSAGES_PER_WEEK_DEFAULT = 5
STORE_ROLES = {r.value: r.label for r in StoreRole}
# 公海 (the cadence template's top-level "pool"): when an unattended lead's customer returns to the shared
# pool, how many a consultant may claim per store day, and whether approved-defeated customers are recycled.
POOL_BOUNDS = {"return_after_days": (gettext_lazy("未跟进退回公海(天)"), 1, 365),
               "daily_claim_limit": (gettext_lazy("每人每天领取上限"), 0, 200)}
POOL_DEFAULT: dict[str, Any] = {"return_after_days": 7, "daily_claim_limit": 5, "recycle_defeated": True}


def _dict(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PolicyInvalid(gettext("%(where)s格式不正确。") % {"where": where})
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise PolicyInvalid(gettext("%(where)s应为列表。") % {"where": where})
    return value


def _subset(values: Any, allowed: Mapping[str, StrOrPromise], where: str) -> list[str]:
    values = _list(values if values is not None else [], where)
    bad = [v for v in values if v not in allowed]
    if bad:
        raise PolicyInvalid(gettext("%(where)s：未知的取值「%(value)s」，可选：%(allowed)s。") % {
            "where": where, "value": bad[0], "allowed": "、".join(allowed)})
    return list(dict.fromkeys(values))


# ------------------------------------------------------------------ cadence

def _rule_clean(raw: Any, index: int) -> dict[str, Any]:
    rule = dict(_dict(raw, gettext("第 %(index)s 条规则") % {"index": index}))
    key = rule.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise PolicyInvalid(gettext("第 %(index)s 条规则的编码「%(key)s」不正确：小写字母开头，只含小写字母、数字、下划线。") % {"index": index, "key": key})
    name = str(rule.get("name") or "").strip()
    if not name or len(name) > 60:
        raise PolicyInvalid(gettext("规则 %(key)s：请填写规则名称(不超过 60 字)。") % {"key": key})
    where = gettext("规则「%(name)s」") % {"name": name}
    trigger = TRIGGERS.get(rule.get("trigger") or "")
    if trigger is None:
        raise PolicyInvalid(gettext("%(where)s：未知的触发事件「%(trigger)s」，可选：%(allowed)s。") % {"where": where, "trigger": rule.get('trigger'), "allowed": '、'.join(str(t.label) for t in TRIGGERS.values())})
    offset = rule.get("offset_days")
    if isinstance(offset, bool) or not isinstance(offset, int):
        raise PolicyInvalid(gettext("%(where)s：偏移天数应为整数。") % {"where": where})
    if not trigger.min_offset <= offset <= trigger.max_offset:
        raise PolicyInvalid(
            (gettext("%(where)s：偏移天数 %(offset)s 不可能 ——「%(trigger)s」的任务只能安排在事件之后 %(min)s 到 %(max)s 天之间。")
             if trigger.direction == "after" else
             gettext("%(where)s：偏移天数 %(offset)s 不可能 ——「%(trigger)s」的任务只能安排在事件前后 %(min)s 到 %(max)s 天之间。"))
            % {"where": where, "offset": offset, "trigger": trigger.label, "min": trigger.min_offset,
               "max": trigger.max_offset},
        )
    clean: dict[str, Any] = {"key": key, "name": name, "trigger": rule["trigger"], "offset_days": offset}
    if rule["trigger"] == "no_visit":
        clean["months"] = int_check(rule.get("months"), gettext("%(where)s：未进站月数") % {"where": where}, 1, 36)
    if rule.get("at"):
        clean["at"] = time_check(rule["at"], gettext("%(where)s：时间") % {"where": where})
    assignee = rule.get("assignee")
    if assignee not in ASSIGNEES:
        raise PolicyInvalid(gettext("%(where)s：未知的执行人「%(assignee)s」，可选：%(allowed)s。") % {"where": where, "assignee": assignee, "allowed": '、'.join(map(str, ASSIGNEES.values()))})
    channel = rule.get("channel")
    if channel not in CHANNELS:
        raise PolicyInvalid(gettext("%(where)s：未知的方式「%(channel)s」，可选：%(allowed)s。") % {"where": where, "channel": channel, "allowed": '、'.join(map(str, CHANNELS.values()))})
    clean.update(assignee=assignee, channel=channel)
    clean["message"] = message_check(rule.get("message"), where, required=channel in MESSAGE_CHANNELS)
    repeat_until = rule.get("repeat_until") or ""
    if repeat_until not in REPEAT_UNTIL:
        raise PolicyInvalid(gettext("%(where)s：未知的重复方式「%(repeat_until)s」。") % {"where": where, "repeat_until": repeat_until})
    if repeat_until == "lead_closed" and rule["trigger"] not in ("lead_graded", "reception", "test_drive"):
        raise PolicyInvalid(gettext("%(where)s：「直到线索结案」只适用于接待、线索定级或试驾触发的规则。") % {"where": where})
    if repeat_until:
        every = int_check(rule.get("repeat_every_days"), gettext("%(where)s：重复间隔(天)") % {"where": where}, 1, 365)
        repeat_max = int_check(rule.get("repeat_max"), gettext("%(where)s：最多重复次数") % {"where": where}, 1, MAX_REPEATS)
    else:
        every, repeat_max = None, 0
    clean.update(repeat_until=repeat_until, repeat_every_days=every, repeat_max=repeat_max)
    clean["grades"] = _subset(rule.get("grades"), GRADES, gettext("%(where)s：意向级别") % {"where": where})
    clean["value_classes"] = _subset(rule.get("value_classes"), VALUE_CLASSES, gettext("%(where)s：价值等级") % {"where": where})
    clean["marketing"] = bool(rule.get("marketing", False))
    clean["enabled"] = bool(rule.get("enabled", True))
    outcomes = _subset(rule.get("outcomes"), OUTCOMES, gettext("%(where)s：需记录的结果") % {"where": where})
    if not outcomes:
        raise PolicyInvalid(gettext("%(where)s：至少要有一种完成结果。") % {"where": where})
    clean["outcomes"] = outcomes
    clean["open"] = _rule_open_clean(rule.get("open") or {}, clean, trigger.min_offset, trigger.max_offset, where)
    return clean


def _rule_open_clean(raw: Any, rule: dict[str, Any], lo: int, hi: int, where: str) -> dict[str, Any]:
    spec_all = _dict(raw, gettext("%(where)s：门店可调整项") % {"where": where})
    unknown = set(spec_all) - RULE_OPEN_FIELDS
    if unknown:
        raise PolicyInvalid(gettext("%(where)s：门店只能调整偏移天数、消息模板或启用，不能开放「%(value)s」。") % {"where": where, "value": sorted(unknown)[0]})
    out: dict[str, Any] = {}
    if "offset_days" in spec_all:
        spec = _dict(spec_all["offset_days"], gettext("%(where)s：偏移天数的可调范围") % {"where": where})
        mn = int_check(spec.get("min"), gettext("%(where)s：可调范围下限") % {"where": where}, lo, hi)
        mx = int_check(spec.get("max"), gettext("%(where)s：可调范围上限") % {"where": where}, lo, hi)
        if mn > mx:
            raise PolicyInvalid(gettext("%(where)s：可调范围下限 %(mn)s 大于上限 %(mx)s。") % {"where": where, "mn": mn, "mx": mx})
        if not mn <= rule["offset_days"] <= mx:
            raise PolicyInvalid(gettext("%(where)s：偏移天数 %(offset_days)s 不在自己的可调范围 %(mn)s 到 %(mx)s 内。") % {"where": where, "offset_days": rule['offset_days'], "mn": mn, "mx": mx})
        out["offset_days"] = {"min": mn, "max": mx}
    if "message" in spec_all:
        spec = _dict(spec_all["message"], gettext("%(where)s：消息模板的可调设置") % {"where": where})
        out["message"] = {"max_length": int_check(spec.get("max_length", 300), gettext("%(where)s：消息最大长度") % {"where": where}, 10, 500)}
    if "enabled" in spec_all:
        out["enabled"] = {}
    return out


def cadence_clean(body: dict[str, Any], *, for_publish: bool = True) -> dict[str, Any]:
    rules = _list(body.get("rules"), gettext("规则"))
    if not rules:
        raise PolicyInvalid(gettext("跟进节奏至少要有一条规则。"))
    if len(rules) > MAX_RULES:
        raise PolicyInvalid(gettext("规则不能超过 %(max)s 条。") % {"max": MAX_RULES})
    clean_rules = []
    seen: set[str] = set()
    for i, raw in enumerate(rules, start=1):
        rule = _rule_clean(raw, i)
        if rule["key"] in seen:
            raise PolicyInvalid(gettext("规则编码「%(key)s」重复了，每条规则的编码必须唯一。") % {"key": rule['key']})
        seen.add(rule["key"])
        clean_rules.append(rule)
    maint = _dict(body.get("maintenance"), gettext("保养参数"))
    maintenance = {k: int_check(maint.get(k), gettext("保养参数 %(k)s") % {"k": k}, lo, hi) for k, (lo, hi) in MAINTENANCE_BOUNDS.items()}
    quiet = _dict(body.get("quiet_hours") or {"start": "21:00", "end": "08:30"}, gettext("免打扰时段"))
    quiet_hours = {"start": time_check(quiet.get("start"), gettext("免打扰开始")), "end": time_check(quiet.get("end"), gettext("免打扰结束"))}
    # 频次上限: messages (SMS / WeChat / e-mail) one customer receives in any seven days, at most.
    per_week = int_check(body.get("messages_per_week", MESSAGES_PER_WEEK_DEFAULT), gettext("每位客户每周最多消息数"),
                         1, 21)
    holidays = _list(body.get("holidays") or [], gettext("节日关怀的节日"))
    bad = [h for h in holidays if h not in HOLIDAY_NAMES]
    if bad:
        raise PolicyInvalid(gettext("未知的节日「%(bad)s」，可选：%(allowed)s。") % {"bad": bad[0], "allowed": '、'.join(HOLIDAY_NAMES)})
    open_spec = _dict(body.get("open") or {}, gettext("门店可调整项"))
    clean_open: dict[str, Any] = {}
    for path, spec in open_spec.items():
        field = path.removeprefix("maintenance.")
        if not path.startswith("maintenance.") or field not in MAINTENANCE_BOUNDS:
            raise PolicyInvalid(gettext("门店可调整项「%(path)s」不存在或不允许开放。") % {"path": path})
        lo, hi = MAINTENANCE_BOUNDS[field]
        spec = _dict(spec, gettext("「%(path)s」的可调范围") % {"path": path})
        mn, mx = int_check(spec.get("min"), gettext("「%(path)s」下限") % {"path": path}, lo, hi), int_check(spec.get("max"), gettext("「%(path)s」上限") % {"path": path}, lo, hi)
        if mn > mx or not mn <= maintenance[field] <= mx:
            raise PolicyInvalid(gettext("「%(path)s」的可调范围 %(mn)s 到 %(mx)s 不正确(须包含当前值 %(current)s)。") % {"path": path, "mn": mn, "mx": mx, "current": maintenance[field]})
        clean_open[path] = {"min": mn, "max": mx}
    clean = {"maintenance": maintenance, "quiet_hours": quiet_hours, "messages_per_week": per_week,
             "holidays": list(dict.fromkeys(holidays)), "open": clean_open, "rules": clean_rules}
    clean["leads"] = leads_clean(body.get("leads"))
    bound = tasks_per_year(clean)
    if for_publish and bound > MAX_TASKS_PER_CUSTOMER_YEAR:
        worst = sorted(((rule_tasks_per_year(r, clean), r["name"]) for r in clean_rules if r["enabled"]), reverse=True)[:3]
        detail = "；".join(gettext("「%(name)s」最多 %(n)s 次") % {"name": name, "n": n} for n, name in worst)
        raise PolicyTooManyTasks(
            gettext("这套跟进节奏每位客户每年最多会产生 %(bound)s 个任务，超过上限 %(cap)s 个，拒绝发布。任务最多的规则：%(detail)s。请拉长重复间隔或减少重复次数。") % {"bound": bound, "cap": MAX_TASKS_PER_CUSTOMER_YEAR, "detail": detail}
        )
    clean["pool"] = pool_clean(body.get("pool"))
    return clean


def pool_clean(raw: Any) -> dict[str, Any]:
    """公海规则: the cadence body's "pool" section. A body without it (versions before it existed) gets the
    default; unknown keys are refused so a typo does not silently fall back to the default."""
    if raw is None:
        return dict(POOL_DEFAULT)
    pool = _dict(raw, gettext("公海规则"))
    unknown = set(pool) - set(POOL_DEFAULT)
    if unknown:
        raise PolicyInvalid(gettext("公海规则：未知的设置「%(key)s」，只能设置 return_after_days、"
                                    "daily_claim_limit 和 recycle_defeated。") % {"key": sorted(unknown)[0]})
    clean: dict[str, Any] = {
        key: int_check(pool.get(key, POOL_DEFAULT[key]), gettext("公海规则：%(label)s") % {"label": label}, lo, hi)
        for key, (label, lo, hi) in POOL_BOUNDS.items()
    }
    recycle = pool.get("recycle_defeated", POOL_DEFAULT["recycle_defeated"])
    if not isinstance(recycle, bool):
        raise PolicyInvalid(gettext("公海规则：战败客户回收公海(recycle_defeated)应为 true 或 false。"))
    clean["recycle_defeated"] = recycle
    return clean


# 线索首次响应 (cadence body `leads`): working minutes (store hours, store zone) from receipt to the first
# contact by a person, and to the reassignment of a lead nobody claimed.
LEADS_BOUNDS = {"first_response_minutes": (gettext_lazy("首次响应时限(工作分钟)"), 5, 1440),
                "reassign_after_minutes": (gettext_lazy("无人认领改派(工作分钟)"), 5, 2880)}
LEADS_DEFAULT = {"first_response_minutes": 30, "reassign_after_minutes": 60}


def leads_clean(raw: Any) -> dict[str, int]:
    """The lead first-response section; a body without it (versions before it existed) gets the default."""
    if raw is None:
        return dict(LEADS_DEFAULT)
    leads = _dict(raw, gettext("线索首次响应规则"))
    unknown = set(leads) - set(LEADS_BOUNDS)
    if unknown:
        raise PolicyInvalid(gettext("线索首次响应规则：未知的设置「%(key)s」。") % {"key": sorted(unknown)[0]})
    return {key: int_check(leads.get(key, LEADS_DEFAULT[key]),
                           gettext("线索首次响应规则：%(label)s") % {"label": label}, lo, hi)
            for key, (label, lo, hi) in LEADS_BOUNDS.items()}


def rule_tasks_per_year(rule: dict[str, Any], body: dict[str, Any]) -> int:
    """Upper bound of tasks one rule makes for one customer in a year (events x (1 + repeats))."""
    events = len(body.get("holidays") or []) if rule["trigger"] == "holiday" else TRIGGERS[rule["trigger"]].per_year
    repeats = 0
    if rule.get("repeat_until"):
        repeats = min(rule["repeat_max"], math.ceil(365 / rule["repeat_every_days"]))
    return events * (1 + repeats)


def tasks_per_year(body: dict[str, Any]) -> int:
    """Upper bound per customer per year. Rules limited to disjoint intent grades never both apply,
    so for grade-limited rules only the busiest grade counts."""
    total = 0
    per_grade: dict[str, int] = {}
    for rule in body["rules"]:
        if not rule.get("enabled", True):
            continue
        n = rule_tasks_per_year(rule, body)
        if rule.get("grades"):
            for g in rule["grades"]:
                per_grade[g] = per_grade.get(g, 0) + n
        else:
            total += n
    return total + max(per_grade.values(), default=0)


# ------------------------------------------------------------------ complaint

def complaint_clean(body: dict[str, Any]) -> dict[str, Any]:
    sla_raw = _dict(body.get("sla"), gettext("时限"))
    sla = {
        "report_to_gm_working_days": number_check(sla_raw.get("report_to_gm_working_days"),
                                                  gettext("抱怨记录递交总经理时限(工作日)"), 0.1, 5),
        "manager_reply_working_days": number_check(sla_raw.get("manager_reply_working_days"),
                                                   gettext("经理回复客户时限(工作日)"), 0.1, 10),
        "close_working_days": number_check(sla_raw.get("close_working_days"), gettext("投诉结案时限(工作日)"), 0.5, 30),
    }
    if sla["report_to_gm_working_days"] > sla["close_working_days"]:
        raise PolicyInvalid(gettext("递交总经理的时限不能晚于结案时限。"))
    steps_raw = _list(body.get("escalation"), gettext("升级链"))
    if not 1 <= len(steps_raw) <= 6:
        raise PolicyInvalid(gettext("升级链应有 1 到 6 级。"))
    steps = []
    last = 0.0
    for i, raw in enumerate(steps_raw, start=1):
        step = _dict(raw, gettext("升级第 %(i)s 级") % {"i": i})
        name = str(step.get("name") or "").strip()
        if not name:
            raise PolicyInvalid(gettext("升级第 %(i)s 级：请填写名称。") % {"i": i})
        to_role = step.get("to_role")
        if to_role not in STORE_ROLES:
            raise PolicyInvalid(gettext("升级第 %(i)s 级：未知的岗位「%(to_role)s」。") % {"i": i, "to_role": to_role})
        cc = _subset(step.get("cc_roles"), STORE_ROLES, gettext("升级第 %(i)s 级：抄送岗位") % {"i": i})
        within = number_check(step.get("within_working_days"), gettext("升级第 %(i)s 级：时限(工作日)") % {"i": i}, 0.1, 30)
        if within < last:
            raise PolicyInvalid(gettext("升级第 %(i)s 级的时限 %(within)s 早于上一级 %(last)s，升级链的时限须逐级递增。") % {"i": i, "within": within, "last": last})
        last = within
        steps.append({"step": i, "name": name, "to_role": to_role, "cc_roles": cc, "within_working_days": within})
    clean = {"sla": sla, "escalation": steps}
    clean["open"] = _numeric_open_clean(body.get("open") or {}, clean)
    return clean


def _numeric_open_clean(raw: Any, clean: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for path, spec in _dict(raw, gettext("门店可调整项")).items():
        current = get_path(clean, path)
        if isinstance(current, bool) or not isinstance(current, int | float) or path.startswith("escalation"):
            raise PolicyInvalid(gettext("门店可调整项「%(path)s」不存在或不允许开放。") % {"path": path})
        spec = _dict(spec, gettext("「%(path)s」的可调范围") % {"path": path})
        mn: Any = spec.get("min")
        mx: Any = spec.get("max")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (mn, mx)) or mn > mx:
            raise PolicyInvalid(gettext("「%(path)s」的可调范围不正确。") % {"path": path})
        if not mn <= current <= mx:
            raise PolicyInvalid(gettext("「%(path)s」的可调范围 %(mn)s 到 %(mx)s 须包含当前值 %(current)s。") % {"path": path, "mn": mn, "mx": mx, "current": current})
        out[path] = {"min": mn, "max": mx}
    return out


# ------------------------------------------------------------------ survey

def survey_clean(body: dict[str, Any]) -> dict[str, Any]:
    raw_questions = _list(body.get("questions"), gettext("问题"))
    if not 1 <= len(raw_questions) <= 30:
        raise PolicyInvalid(gettext("回访问卷应有 1 到 30 个问题。"))
    questions = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_questions, start=1):
        q = _dict(raw, gettext("第 %(i)s 题") % {"i": i})
        key = q.get("key")
        if not isinstance(key, str) or not KEY_RE.match(key) or key in seen:
            raise PolicyInvalid(gettext("第 %(i)s 题的编码「%(key)s」不正确或重复。") % {"i": i, "key": key})
        seen.add(key)
        text = str(q.get("text") or "").strip()
        if not text or len(text) > 200:
            raise PolicyInvalid(gettext("第 %(i)s 题：请填写题目(不超过 200 字)。") % {"i": i})
        kind = q.get("kind")
        if kind == "yes_no":
            if q.get("remark_required_on_no") is not True:
                raise PolicyInvalid(gettext("第 %(i)s 题「%(text)s」：是/否题回答「否」时必须填写原因(备注)，不能关闭。") % {"i": i, "text": text})
            questions.append({"key": key, "text": text, "kind": kind, "remark_required_on_no": True})
        elif kind == "rating":
            scale = q.get("scale")
            if scale not in (5, 10):
                raise PolicyInvalid(gettext("第 %(i)s 题：评分题的满分只能是 5 或 10。") % {"i": i})
            below = int_check(q.get("remark_required_below", 1), gettext("第 %(i)s 题：低于几分须填写原因") % {"i": i}, 1, scale)
            satisfied_from = int_check(q.get("satisfied_from", default_satisfied_from(scale)),
                                       gettext("第 %(i)s 题：几分及以上算满意") % {"i": i}, 1, scale)
            questions.append({"key": key, "text": text, "kind": kind, "scale": scale, "remark_required_below": below,
                              "satisfied_from": satisfied_from})
        else:
            raise PolicyInvalid(gettext("第 %(i)s 题：题型只能是「是/否」(yes_no)或「评分」(rating)。") % {"i": i})
    return {"questions": questions, "figures": survey_figures_clean(body.get("figures"), questions),
            "retry": survey_retry_clean(body.get("retry")), "open": {}}


def default_satisfied_from(scale: int) -> int:
    """A rating counts as satisfied from 4 of 5 (8 of 10) unless the template says otherwise."""
    return -(-scale * 4 // 5)


SURVEY_FIGURES = {"overall": gettext_lazy("回访总体满意度"), "last_repair": gettext_lazy("对上次维修的满意度")}


def survey_figures_default(questions: list[dict[str, Any]]) -> dict[str, str]:
    """Which question defines each report figure when the template does not say: 总体满意度 is the
    question keyed "overall" (else the first); 上次维修满意度 is the first rating question (else overall)."""
    keys = [q["key"] for q in questions]
    overall = "overall" if "overall" in keys else keys[0]
    rating = next((q["key"] for q in questions if q["kind"] == "rating"), overall)
    return {"overall": overall, "last_repair": rating}


def survey_figures_clean(raw: Any, questions: list[dict[str, Any]]) -> dict[str, str]:
    """报表指标对应的题目: each figure names a question of this survey."""
    out = survey_figures_default(questions)
    if raw is None:
        return out
    figures = _dict(raw, gettext("报表指标对应题目"))
    keys = {q["key"] for q in questions}
    for name, label in SURVEY_FIGURES.items():
        value = figures.get(name, out[name])
        if value not in keys:
            raise PolicyInvalid(gettext("%(label)s：对应的题目「%(value)s」不在本问卷中。") % {"label": label, "value": value})
        out[name] = value
    unknown = set(figures) - set(SURVEY_FIGURES)
    if unknown:
        raise PolicyInvalid(gettext("报表指标对应题目：未知的指标「%(value)s」。") % {"value": sorted(unknown)[0]})
    return out


def survey_retry_clean(raw: Any) -> dict[str, int]:
    """未接通重拨: at most `max_attempts` calls in all, the next one `every_working_days` working days
    after an unanswered call. A body without the section (versions before it existed) gets the default."""
    if raw is None:
        return dict(SURVEY_RETRY_DEFAULT)
    retry = _dict(raw, gettext("未接通重拨规则"))
    unknown = set(retry) - set(SURVEY_RETRY_BOUNDS)
    if unknown:
        raise PolicyInvalid(gettext("未接通重拨规则：未知的设置「%(key)s」，"
                                    "只能设置最多拨打次数(max_attempts)和重拨间隔工作日(every_working_days)。")
                            % {"key": sorted(unknown)[0]})
    return {
        key: int_check(retry.get(key, SURVEY_RETRY_DEFAULT[key]),
                       gettext("未接通重拨规则：%(label)s") % {"label": label}, lo, hi)
        for key, (label, lo, hi) in SURVEY_RETRY_BOUNDS.items()
    }


# ------------------------------------------------------------------ classification

def classification_clean(body: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for q in ("quota_a", "quota_b", "quota_c", "quota_d"):
        clean[q] = int_check(body.get(q), gettext("%(grade)s类比例%%") % {"grade": q[-1].upper()}, 0, 100)
    total = sum(clean[q] for q in ("quota_a", "quota_b", "quota_c", "quota_d"))
    if total != 100:
        raise PolicyInvalid(gettext("A/B/C/D 四类比例之和应为 100%%，现在是 %(total)s%%。") % {"total": total})
    clean["loyal_min_visits"] = int_check(body.get("loyal_min_visits"), gettext("忠诚客户年回站次数"), 1, 50)
    clean["loyal_min_spend"] = number_check(body.get("loyal_min_spend"), gettext("忠诚客户年消费(元)"), 0, 1_000_000)
    clean["at_risk_months"] = int_check(body.get("at_risk_months"), gettext("准流失：未进站月数"), 1, 36)
    clean["lost_months"] = int_check(body.get("lost_months"), gettext("流失：未进站月数"), 2, 60)
    if clean["at_risk_months"] >= clean["lost_months"]:
        raise PolicyInvalid(gettext("准流失的月数应小于流失的月数。"))
    clean["warranty_months"] = int_check(body.get("warranty_months"), gettext("保修期(月)"), 12, 120)
    clean["sanbao_months"] = int_check(body.get("sanbao_months"), gettext("三包期限(月)"), 12, 120)
    clean["open"] = _numeric_open_clean(body.get("open") or {}, clean)
    return clean


CLEANERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    PolicyKind.CADENCE: cadence_clean,
    PolicyKind.COMPLAINT: complaint_clean,
    PolicyKind.SURVEY: survey_clean,
    PolicyKind.CLASSIFICATION: classification_clean,
}


def policy_body_clean(kind: str, body: Any, *, for_publish: bool = True) -> dict[str, Any]:
    """Validate and normalise a template body of `kind`; PolicyInvalid says what is wrong.

    A draft may be saved with too many tasks per customer (the editor warns); publishing refuses it.
    """
    if kind not in CLEANERS:
        raise PolicyInvalid(gettext("未知的模板类型「%(kind)s」。") % {"kind": kind})
    body = _dict(body, gettext("模板内容"))
    if kind == PolicyKind.CADENCE:
        return cadence_clean(body, for_publish=for_publish)
    return CLEANERS[kind](body)
