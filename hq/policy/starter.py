"""起始模板: every new group starts from these, built from the handbooks (domain.md, handbooks 000-004)."""

from __future__ import annotations

import copy
from typing import Any

from ..models.policies import PolicyKind


def _rule(key: str, name: str, trigger: str, offset: int, assignee: str, channel: str, message: str,
          **extra: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "key": key, "name": name, "trigger": trigger, "offset_days": offset, "assignee": assignee,
        "channel": channel, "message": message, "repeat_until": "", "repeat_every_days": None, "repeat_max": 0,
        "grades": [], "value_classes": [], "marketing": False, "enabled": True,
        "outcomes": ["reached", "no_answer", "refused"] if channel == "call" else ["sent"],
        "open": {},
    }
    rule.update(extra)
    return rule


_CALL_OUTCOMES = ["reached", "no_answer", "refused", "complaint"]

STARTER_CADENCE: dict[str, Any] = {
    "maintenance": {"first_days": 180, "first_km": 5000, "interval_days": 180, "interval_km": 10000},
    # 短信/微信免打扰时段: messages due inside it wait until it ends.
    "quiet_hours": {"start": "21:00", "end": "08:30"},
    "messages_per_week": 5,
    # 线索首次响应 (crm.leads): working minutes from receipt to the first contact by a person, and to the
    # reassignment of a lead nobody claimed.
    "leads": {"first_response_minutes": 30, "reassign_after_minutes": 60},
    "holidays": ["春节", "劳动节", "中秋节", "国庆节"],
    # 公海: an open lead with no follow-up for 7 days returns to the pool; 5 claims per consultant per day;
    # an approved-defeated customer is recycled to the pool.
    "pool": {"return_after_days": 7, "daily_claim_limit": 5, "recycle_defeated": True},
    "open": {
        "maintenance.interval_days": {"min": 120, "max": 365},
        "maintenance.interval_km": {"min": 5000, "max": 15000},
    },
    "rules": [
        _rule("departure_sms", "离店关怀短信", "reception", 0, "consultant", "sms",
              "{customer_name}{title}您好，感谢您今天光临{store_name}，我是您的销售顾问{consultant_name}，"
              "有任何问题欢迎随时联系我。",
              open={"message": {"max_length": 300}}),
        _rule("evening_call", "当晚回访(所有到店客户)", "reception", 0, "consultant", "call",
              "感谢到店，了解客户对车型的看法，确认意向级别与下一步计划。",
              at="19:00", outcomes=_CALL_OUTCOMES + ["postponed"]),
        _rule("high_intent_weekly", "高意向客户每周跟进(H/A级)", "lead_graded", 7, "consultant", "call",
              "了解购车进展，邀约试乘试驾或到店洽谈。",
              grades=["H", "A"], repeat_until="lead_closed", repeat_every_days=7, repeat_max=52,
              outcomes=["reached", "no_answer", "booked", "postponed"],
              open={"offset_days": {"min": 1, "max": 7}}),
        _rule("medium_intent_fortnightly", "一般意向客户每两周跟进(B级)", "lead_graded", 14, "consultant", "call",
              "了解购车进展，介绍优惠活动。",
              grades=["B"], repeat_until="lead_closed", repeat_every_days=14, repeat_max=26,
              outcomes=["reached", "no_answer", "booked", "postponed"],
              open={"offset_days": {"min": 7, "max": 14}}),
        _rule("test_drive_call", "试驾后回访", "test_drive", 1, "consultant", "call",
              "了解试驾感受，解答疑问。", outcomes=["reached", "no_answer", "booked"]),
        _rule("delivery_first_visit", "交车后首次回访(一周内)", "delivery", 1, "customer_service", "call",
              "了解新车使用感受和满意度，解答用车问题。", outcomes=_CALL_OUTCOMES + ["satisfied"],
              open={"offset_days": {"min": 1, "max": 7}}),
        _rule("delivery_3dc", "交车3日回访(3DC)", "delivery", 3, "customer_service", "call",
              "交车三日关怀：车辆使用是否正常，功能是否会用。", outcomes=_CALL_OUTCOMES + ["satisfied"]),
        _rule("delivery_7dc", "交车7日回访(7DC)", "delivery", 7, "customer_service", "call",
              "交车七日关怀：满意度确认，提醒首保时间和里程。", outcomes=_CALL_OUTCOMES + ["satisfied"]),
        _rule("delivery_15d_care", "客服15天关怀", "delivery", 15, "customer_service", "call",
              "十五天关怀：用车情况、保险及上牌手续是否办妥。", outcomes=_CALL_OUTCOMES + ["satisfied"]),
        _rule("consultant_care", "销售顾问1-3个月回访关怀", "delivery", 30, "consultant", "call",
              "月度关怀：用车感受，请客户转介绍。",
              repeat_until="count", repeat_every_days=30, repeat_max=2, outcomes=_CALL_OUTCOMES),
        _rule("first_maintenance_reminder", "首保提醒(持续到客户进站为止)", "first_maintenance_due", -14,
              "customer_service", "call",
              "{customer_name}{title}您好，您的爱车{plate}将于{due_date}前后到达首保时间或{due_km}公里，请预约进站。",
              repeat_until="came_in", repeat_every_days=7, repeat_max=8,
              outcomes=["reached", "no_answer", "booked", "came_in", "refused"],
              open={"offset_days": {"min": -30, "max": -7}, "message": {"max_length": 300}}),
        _rule("maintenance_reminder", "定期保养提醒(按时间和里程)", "maintenance_due", -14, "customer_service",
              "call",
              "{customer_name}{title}您好，您的爱车{plate}预计{due_date}需要保养(约{due_km}公里)，欢迎预约进站。",
              repeat_until="came_in", repeat_every_days=14, repeat_max=3,
              outcomes=["reached", "no_answer", "booked", "came_in", "refused"],
              open={"offset_days": {"min": -30, "max": -7}, "message": {"max_length": 300}}),
        _rule("service_3dc", "维修保养后3日回访(3DC)", "service_done", 3, "customer_service", "call",
              "按回访问卷回访上次维修保养的满意度，不满意的记录原因。", outcomes=_CALL_OUTCOMES + ["satisfied"]),
        _rule("insurance_reminder", "保险到期提醒", "insurance_expiry", -30, "customer_service", "call",
              "{customer_name}{title}您好，您的爱车{plate}保险将于{insurance_until}到期，我们可以为您办理续保。",
              outcomes=["reached", "no_answer", "booked", "refused"],
              open={"offset_days": {"min": -60, "max": -7}, "message": {"max_length": 300}}),
        _rule("warranty_reminder", "质保到期提醒", "warranty_expiry", -30, "customer_service", "sms",
              "{customer_name}{title}您好，您的爱车{plate}整车质保将于{warranty_until}到期，建议到店做一次全面检查。",
              open={"message": {"max_length": 300}}),
        _rule("birthday_greeting", "生日祝福", "birthday", 0, "customer_service", "sms",
              "{customer_name}{title}，{store_name}全体员工祝您生日快乐，一路平安！",
              open={"message": {"max_length": 300}, "enabled": {}}),
        _rule("holiday_greeting", "节日关怀", "holiday", -1, "customer_service", "wechat",
              "{customer_name}{title}，{holiday_name}快乐！出行前请检查车况，{store_name}祝您旅途平安。",
              open={"message": {"max_length": 300}, "enabled": {}}),
        _rule("at_risk_recovery", "准流失客户回访(半年未进站)", "no_visit", 0, "customer_service", "call",
              "了解客户长时间未进站的原因，邀约免费检测。", months=6,
              outcomes=["reached", "no_answer", "booked", "refused"]),
    ],
}

STARTER_COMPLAINT: dict[str, Any] = {
    "sla": {
        # 维修回访/投诉处理表: to the GM within half a working day; the manager replies within one (handbook 002).
        "report_to_gm_working_days": 0.5,
        "manager_reply_working_days": 1,
        "close_working_days": 5,
    },
    "escalation": [
        {"step": 1, "name": "投诉处理表递交总经理", "to_role": "general_manager", "cc_roles": ["service_manager"],
         "within_working_days": 0.5},
        {"step": 2, "name": "经理调查并回复客户", "to_role": "service_manager", "cc_roles": [],
         "within_working_days": 1},
        {"step": 3, "name": "逾期未结案升级总经理", "to_role": "general_manager", "cc_roles": ["sales_manager"],
         "within_working_days": 5},
    ],
    "open": {"sla.close_working_days": {"min": 3, "max": 10}},
}

STARTER_SURVEY: dict[str, Any] = {
    "questions": [
        {"key": "overall", "text": "您对我们这次的维修保养服务是否满意？", "kind": "yes_no",
         "remark_required_on_no": True},
        {"key": "on_time", "text": "车辆是否在约定的时间交付？", "kind": "yes_no", "remark_required_on_no": True},
        {"key": "explained", "text": "交车时服务顾问是否向您解释了维修项目和费用？", "kind": "yes_no",
         "remark_required_on_no": True},
        {"key": "fixed", "text": "您车辆的问题是否一次修好？", "kind": "yes_no", "remark_required_on_no": True},
        {"key": "clean", "text": "交车时车辆是否清洁？", "kind": "yes_no", "remark_required_on_no": True},
        {"key": "reception", "text": "服务顾问的接待是否热情、专业？", "kind": "yes_no", "remark_required_on_no": True},
        {"key": "recommend", "text": "您是否愿意向亲友推荐本店？", "kind": "yes_no", "remark_required_on_no": True},
        {"key": "score", "text": "请您为上次维修的整体满意度打分(1-5分)", "kind": "rating", "scale": 5,
         "remark_required_below": 3, "satisfied_from": 4},
    ],
    # 回访月报: 总体满意度 is the "overall" question, 对上次维修的满意度 the 1-5 rating of the last repair.
    "figures": {"overall": "overall", "last_repair": "score"},
    # 未接通次日再拨: up to three calls, the next on the following working day.
    "retry": {"max_attempts": 3, "every_working_days": 1},
    "open": {},
}

STARTER_CLASSIFICATION: dict[str, Any] = {
    # Handbook 001: grades A/B/C/D ~20/30/40/10 %; loyal = 2+ paid visits or 3000+ yuan a year (handbook 004);
    # at-risk = no visit for over six months.
    "quota_a": 20, "quota_b": 30, "quota_c": 40, "quota_d": 10,
    "loyal_min_visits": 2, "loyal_min_spend": 3000,
    "at_risk_months": 6, "lost_months": 12,
    "warranty_months": 36, "sanbao_months": 60,
    "open": {"at_risk_months": {"min": 3, "max": 12}},
}

STARTERS: dict[str, dict[str, Any]] = {
    PolicyKind.CADENCE: STARTER_CADENCE,
    PolicyKind.COMPLAINT: STARTER_COMPLAINT,
    PolicyKind.SURVEY: STARTER_SURVEY,
    PolicyKind.CLASSIFICATION: STARTER_CLASSIFICATION,
}


def starter_body(kind: str) -> dict[str, Any]:
    """A fresh copy of the starter template of `kind`."""
    return copy.deepcopy(STARTERS[kind])
