"""The words a policy template may use: triggers, channels, assignees, outcomes, message fields.

Every label is the Chinese term the handbooks use (handbooks 000-004); the UI and the diff show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop

from tenants.roles import StoreRole


@dataclass(frozen=True)
class Trigger:
    label: str
    # "after": the task falls N days after the event; "before": N days around a due date (negative = ahead).
    direction: str
    min_offset: int
    max_offset: int
    # Assumed events per customer per year, for the task upper bound (hq.policy.rules.tasks_per_year).
    per_year: int


TRIGGERS: dict[str, Trigger] = {
    "reception": Trigger("到店接待", "after", 0, 60, 6),
    "lead_graded": Trigger("线索定级", "after", 0, 90, 1),
    "test_drive": Trigger("试乘试驾", "after", 0, 30, 2),
    "delivery": Trigger("交车", "after", 0, 365, 1),
    "service_done": Trigger("维修保养完工", "after", 0, 60, 4),
    "first_maintenance_due": Trigger("首保到期", "before", -90, 60, 1),
    "maintenance_due": Trigger("定期保养到期(时间或里程)", "before", -90, 60, 2),
    "insurance_expiry": Trigger("保险到期", "before", -90, 30, 1),
    "warranty_expiry": Trigger("质保到期", "before", -180, 30, 1),
    "birthday": Trigger("客户生日", "before", -7, 0, 1),
    "holiday": Trigger("节假日", "before", -7, 0, 7),
    "no_visit": Trigger("连续未进站", "after", 0, 30, 1),
}

CHANNELS: dict[str, str] = {"call": "电话", "sms": "短信", "wechat": "微信", "email": "电子邮件"}
MESSAGE_CHANNELS = {"sms", "wechat", "email"}

ASSIGNEES: dict[str, str] = {
    "consultant": "客户的销售顾问",
    "advisor": "客户的服务顾问",
    **{role.value: str(role.label) for role in StoreRole},
}

GRADES: dict[str, str] = {"H": "H级(7天内)", "A": "A级(15天内)", "B": "B级(30天内)", "C": "C级(90天内)"}
VALUE_CLASSES: dict[str, str] = {"A": "A类", "B": "B类", "C": "C类", "D": "D类"}

REPEAT_UNTIL: dict[str, str] = {
    "": "不重复",
    "count": "按次数重复",
    "lead_closed": "直到线索结案(成交/战败)",
    "came_in": "直到客户进站为止",
}

OUTCOMES: dict[str, str] = {
    "reached": "已联系上",
    "no_answer": "未接通",
    "wrong_number": "号码错误",
    "refused": "客户拒绝回访",
    "booked": "已预约进站",
    "came_in": "客户已进站",
    "satisfied": "客户满意",
    "complaint": "发现抱怨/投诉",
    "postponed": "延期",
    "sent": "消息已发送",
}

# The fields a message template may name, e.g. "{customer_name}您好，您的爱车{plate}…".
MESSAGE_FIELDS: dict[str, str] = {
    "customer_name": "客户姓名",
    "title": "称呼(先生/女士)",
    "plate": "车牌号",
    "brand": "品牌",
    "model": "车型",
    "store_name": "门店名称",
    "store_phone": "门店电话",
    "consultant_name": "销售顾问姓名",
    "advisor_name": "服务顾问姓名",
    "due_date": "到期日期",
    "due_km": "保养里程(km)",
    "insurance_until": "保险到期日",
    "warranty_until": "质保到期日",
    "holiday_name": "节日名称",
}

# China's statutory holidays (chinese-calendar's English names → the Chinese term).
HOLIDAYS: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}
HOLIDAY_NAMES = list(HOLIDAYS.values())

# A cadence that would create more tasks than this per customer per year is refused at publish.
MAX_TASKS_PER_CUSTOMER_YEAR = 150
MAX_RULES = 60
MAX_REPEATS = 60

RULE_FIELD_LABELS: dict[str, str] = {
    "name": "规则名称",
    "trigger": "触发事件",
    "offset_days": "偏移天数",
    "months": "未进站月数",
    "at": "时间",
    "assignee": "执行人",
    "channel": "方式",
    "message": "话术/消息模板",
    "repeat_until": "重复",
    "repeat_every_days": "重复间隔(天)",
    "repeat_max": "最多重复次数",
    "grades": "意向级别",
    "value_classes": "价值等级",
    "marketing": "营销类消息",
    "outcomes": "需记录的结果",
    "enabled": "启用",
    "open": "门店可调整",
}

FIELD_LABELS: dict[str, str] = {
    # cadence
    "maintenance.first_days": "首保间隔(天)",
    "maintenance.first_km": "首保里程(km)",
    "maintenance.interval_days": "定期保养间隔(天)",
    "maintenance.interval_km": "定期保养间隔里程(km)",
    "quiet_hours.start": "免打扰开始",
    "quiet_hours.end": "免打扰结束",
    "messages_per_week": gettext_noop("每位客户每周最多消息数"),
    "holidays": "节日关怀的节日",
    # complaint
    "sla.report_to_gm_working_days": "抱怨记录递交总经理时限(工作日)",
    "sla.manager_reply_working_days": "经理回复客户时限(工作日)",
    "sla.close_working_days": "投诉结案时限(工作日)",
    # survey
    "retry.max_attempts": "未接通最多拨打次数",
    "retry.every_working_days": "未接通重拨间隔(工作日)",
    # classification
    "quota_a": "A类比例%",
    "quota_b": "B类比例%",
    "quota_c": "C类比例%",
    "quota_d": "D类比例%",
    "loyal_min_visits": "忠诚客户年回站次数",
    "loyal_min_spend": "忠诚客户年消费(元)",
    "at_risk_months": "准流失：未进站月数",
    "lost_months": "流失：未进站月数",
    "warranty_months": "保修期(月)",
    "sanbao_months": "三包期限(月)",
}
