"""Bad input to policy templates is refused with a clear Chinese message."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from hq.errors import OverrideNotAllowed, PolicyInvalid, PolicyTooManyTasks
from hq.models import PolicyKind
from hq.policy.diff import policy_diff
from hq.policy.overrides import effective_body, open_fields, overrides_clean, overrides_split
from hq.policy.rules import policy_body_clean, tasks_per_year
from hq.policy.starter import starter_body


def cadence() -> dict[str, Any]:
    return policy_body_clean(PolicyKind.CADENCE, starter_body(PolicyKind.CADENCE))


def rule(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(r for r in body["rules"] if r["key"] == key)


@pytest.mark.parametrize("kind", PolicyKind.values)
def test_every_starter_template_is_valid(kind: str) -> None:
    assert policy_body_clean(kind, starter_body(kind))


def test_the_starter_cadence_covers_the_handbook_table() -> None:
    body = cadence()
    triggers = {r["trigger"] for r in body["rules"]}
    assert triggers == {"reception", "lead_graded", "test_drive", "delivery", "service_done", "first_maintenance_due",
                        "maintenance_due", "insurance_expiry", "warranty_expiry", "birthday", "holiday", "no_visit"}
    evening = rule(body, "evening_call")
    assert evening["offset_days"] == 0 and evening["grades"] == [] and evening["at"] == "19:00"
    assert rule(body, "high_intent_weekly")["repeat_every_days"] == 7
    assert rule(body, "high_intent_weekly")["grades"] == ["H", "A"]
    assert rule(body, "medium_intent_fortnightly")["repeat_every_days"] == 14
    assert rule(body, "first_maintenance_reminder")["repeat_until"] == "came_in"
    assert rule(body, "at_risk_recovery")["months"] == 6
    assert {r["offset_days"] for r in body["rules"] if r["trigger"] == "delivery"} >= {1, 3, 7, 15, 30}


def test_it_refuses_an_impossible_offset() -> None:
    body = cadence()
    rule(body, "delivery_3dc")["offset_days"] = -3
    with pytest.raises(PolicyInvalid, match="偏移天数 -3 不可能"):
        policy_body_clean(PolicyKind.CADENCE, body)
    rule(body, "delivery_3dc")["offset_days"] = 5000
    with pytest.raises(PolicyInvalid, match="交车"):
        policy_body_clean(PolicyKind.CADENCE, body)


def test_it_refuses_a_message_naming_an_unknown_field() -> None:
    body = cadence()
    rule(body, "departure_sms")["message"] = "{customer_name}您好，您的身份证号{id_number}"
    with pytest.raises(PolicyInvalid, match=r"未知字段 \{id_number\}"):
        policy_body_clean(PolicyKind.CADENCE, body)


@pytest.mark.parametrize("text", ["{customer_name", "{plate!r}", "{plate:>10}", "{0}"])
def test_it_refuses_broken_message_templates(text: str) -> None:
    body = cadence()
    rule(body, "departure_sms")["message"] = text
    with pytest.raises(PolicyInvalid):
        policy_body_clean(PolicyKind.CADENCE, body)


def test_it_refuses_an_open_range_that_excludes_the_rule_value() -> None:
    body = cadence()
    rule(body, "high_intent_weekly")["open"] = {"offset_days": {"min": 8, "max": 14}}
    with pytest.raises(PolicyInvalid, match="不在自己的可调范围"):
        policy_body_clean(PolicyKind.CADENCE, body)


def test_it_refuses_duplicate_keys_and_unknown_triggers() -> None:
    body = cadence()
    body["rules"].append(copy.deepcopy(body["rules"][0]))
    with pytest.raises(PolicyInvalid, match="重复"):
        policy_body_clean(PolicyKind.CADENCE, body)
    body = cadence()
    body["rules"][0]["trigger"] = "full_moon"
    with pytest.raises(PolicyInvalid, match="未知的触发事件"):
        policy_body_clean(PolicyKind.CADENCE, body)


def test_a_cadence_with_too_many_tasks_is_refused_for_publish_with_the_reason() -> None:
    body = cadence()
    daily = copy.deepcopy(rule(body, "evening_call"))
    daily.update(key="daily_call", name="每天都打电话", repeat_until="count", repeat_every_days=1, repeat_max=60)
    body["rules"].append(daily)
    # A draft may be saved (the editor warns) ...
    assert policy_body_clean(PolicyKind.CADENCE, body, for_publish=False)
    # ... publishing refuses, naming the bound and the worst rule.
    with pytest.raises(PolicyTooManyTasks, match=r"每位客户每年最多会产生 \d+ 个任务.*每天都打电话"):
        policy_body_clean(PolicyKind.CADENCE, body, for_publish=True)


def test_the_task_bound_counts_disjoint_intent_grades_once() -> None:
    body = cadence()
    high = rule(body, "high_intent_weekly")
    medium = rule(body, "medium_intent_fortnightly")
    assert tasks_per_year(body) < 150
    medium["grades"] = ["H", "A", "B"]
    assert tasks_per_year(body) > tasks_per_year(cadence())
    assert high["repeat_max"] == 52


def test_a_survey_yes_no_question_must_ask_for_a_reason_on_no() -> None:
    body = starter_body(PolicyKind.SURVEY)
    body["questions"][0]["remark_required_on_no"] = False
    with pytest.raises(PolicyInvalid, match="必须填写原因"):
        policy_body_clean(PolicyKind.SURVEY, body)


def test_classification_quotas_must_add_up() -> None:
    body = starter_body(PolicyKind.CLASSIFICATION)
    body["quota_a"] = 30
    with pytest.raises(PolicyInvalid, match="之和应为 100%"):
        policy_body_clean(PolicyKind.CLASSIFICATION, body)


def test_complaint_escalation_deadlines_must_rise() -> None:
    body = starter_body(PolicyKind.COMPLAINT)
    body["escalation"][1]["within_working_days"] = 0.2
    with pytest.raises(PolicyInvalid, match="逐级递增"):
        policy_body_clean(PolicyKind.COMPLAINT, body)


def test_complaint_starter_has_the_handbook_deadlines() -> None:
    body = policy_body_clean(PolicyKind.COMPLAINT, starter_body(PolicyKind.COMPLAINT))
    assert body["sla"]["report_to_gm_working_days"] == 0.5
    assert body["sla"]["manager_reply_working_days"] == 1
    assert body["escalation"][0]["to_role"] == "general_manager"
    assert body["escalation"][0]["cc_roles"] == ["service_manager"]


# ------------------------------------------------------------------ overrides

def test_a_store_may_override_only_open_fields_within_range() -> None:
    body = cadence()
    fields = open_fields(PolicyKind.CADENCE, body)
    assert "rules.high_intent_weekly.offset_days" in fields
    assert "rules.evening_call.offset_days" not in fields
    ok = overrides_clean(PolicyKind.CADENCE, body, {"rules.high_intent_weekly.offset_days": "5"})
    assert ok == {"rules.high_intent_weekly.offset_days": 5}
    with pytest.raises(OverrideNotAllowed, match="超出集团允许的范围 1 到 7"):
        overrides_clean(PolicyKind.CADENCE, body, {"rules.high_intent_weekly.offset_days": 10})
    with pytest.raises(OverrideNotAllowed, match="不是集团模板开放给门店调整的项目"):
        overrides_clean(PolicyKind.CADENCE, body, {"rules.evening_call.offset_days": 1})
    with pytest.raises(OverrideNotAllowed, match="未知字段"):
        overrides_clean(PolicyKind.CADENCE, body, {"rules.departure_sms.message": "{vin}您好"})


def test_the_effective_policy_is_template_plus_overrides() -> None:
    body = cadence()
    overrides = {"rules.high_intent_weekly.offset_days": 5, "rules.birthday_greeting.enabled": False,
                 "maintenance.interval_km": 7500}
    eff = effective_body(body, overrides)
    assert rule(eff, "high_intent_weekly")["offset_days"] == 5
    assert rule(eff, "birthday_greeting")["enabled"] is False
    assert eff["maintenance"]["interval_km"] == 7500
    assert rule(body, "high_intent_weekly")["offset_days"] == 7  # the template itself is untouched


def test_overrides_the_new_version_no_longer_allows_are_set_aside() -> None:
    body = cadence()
    rule(body, "high_intent_weekly")["open"] = {"offset_days": {"min": 6, "max": 7}}
    kept, dropped = overrides_split(PolicyKind.CADENCE, body, {"rules.high_intent_weekly.offset_days": 3,
                                                               "rules.birthday_greeting.enabled": False})
    assert kept == {"rules.birthday_greeting.enabled": False}
    assert dropped == {"rules.high_intent_weekly.offset_days": 3}


# ------------------------------------------------------------------ diff

def test_the_diff_reads_per_rule_and_per_field_in_chinese() -> None:
    old = cadence()
    new = copy.deepcopy(old)
    rule(new, "delivery_3dc")["offset_days"] = 2
    rule(new, "delivery_3dc")["channel"] = "wechat"
    new["rules"] = [r for r in new["rules"] if r["key"] != "warranty_reminder"]
    added = copy.deepcopy(rule(old, "delivery_7dc"))
    added.update(key="delivery_30d", name="交车30日回访", offset_days=30)
    new["rules"].append(added)
    rows = policy_diff(PolicyKind.CADENCE, old, new)
    changes = {(r.item, r.field, r.old, r.new, r.change) for r in rows}
    assert ("交车3日回访(3DC)", "偏移天数", "3", "2", "修改") in changes
    assert ("交车3日回访(3DC)", "方式", "电话", "微信", "修改") in changes
    assert any(r.item == "质保到期提醒" and r.change == "删除" for r in rows)
    assert any(r.item == "交车30日回访" and r.change == "新增" and "偏移天数：30" in r.new for r in rows)
    assert len(rows) == 4


def test_the_first_version_diffs_against_nothing() -> None:
    rows = policy_diff(PolicyKind.SURVEY, None, starter_body(PolicyKind.SURVEY))
    assert rows and all(r.change == "新增" for r in rows)
