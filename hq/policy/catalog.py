"""The words a policy template may use: triggers, channels, assignees, outcomes, message fields.

Every label is the Chinese term the handbooks use (handbooks 000-004); the UI and the diff show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from tenants.roles import StoreRole

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Trigger:
    label: StrOrPromise
    # "after": the task falls N days after the event; "before": N days around a due date (negative = ahead).
    direction: str
    min_offset: int
    max_offset: int
    # Assumed events per customer per year, for the task upper bound (hq.policy.rules.tasks_per_year).
    per_year: int


TRIGGERS: dict[str, Trigger] = {
    "reception": Trigger(_("到店接待"), "after", 0, 60, 6),
    "lead_graded": Trigger(_("线索定级"), "after", 0, 90, 1),
    "test_drive": Trigger(_("试乘试驾"), "after", 0, 30, 2),
    "delivery": Trigger(_("交车"), "after", 0, 365, 1),
    "service_done": Trigger(_("维修保养完工"), "after", 0, 60, 4),
    "first_maintenance_due": Trigger(_("首保到期"), "before", -90, 60, 1),
    "maintenance_due": Trigger(_("定期保养到期(时间或里程)"), "before", -90, 60, 2),
    "insurance_expiry": Trigger(_("保险到期"), "before", -90, 30, 1),
    "warranty_expiry": Trigger(_("质保到期"), "before", -180, 30, 1),
    "birthday": Trigger(_("客户生日"), "before", -7, 0, 1),
    "holiday": Trigger(_("节假日"), "before", -7, 0, 7),
    "no_visit": Trigger(_("连续未进站"), "after", 0, 30, 1),
}

CHANNELS: dict[str, StrOrPromise] = {"call": _("电话"), "sms": _("短信"), "wechat": _("微信"), "email": _("电子邮件")}
MESSAGE_CHANNELS = {"sms", "wechat", "email"}

ASSIGNEES: dict[str, StrOrPromise] = {
    "consultant": _("客户的销售顾问"),
    "advisor": _("客户的服务顾问"),
    **{role.value: str(role.label) for role in StoreRole},
}

GRADES: dict[str, StrOrPromise] = {"H": _("H级(7天内)"), "A": _("A级(15天内)"), "B": _("B级(30天内)"), "C": _("C级(90天内)")}
VALUE_CLASSES: dict[str, StrOrPromise] = {"A": _("A类"), "B": _("B类"), "C": _("C类"), "D": _("D类")}

REPEAT_UNTIL: dict[str, StrOrPromise] = {
    "": _("不重复"),
    "count": _("按次数重复"),
    "lead_closed": _("直到线索结案(成交/战败)"),
    "came_in": _("直到客户进站为止"),
}

OUTCOMES: dict[str, StrOrPromise] = {
    "reached": _("已联系上"),
    "no_answer": _("未接通"),
    "wrong_number": _("号码错误"),
    "refused": _("客户拒绝回访"),
    "booked": _("已预约进站"),
    "came_in": _("客户已进站"),
    "satisfied": _("客户满意"),
    "complaint": _("发现抱怨/投诉"),
    "postponed": _("延期"),
    "sent": _("消息已发送"),
}

# The fields a message template may name, e.g. "{customer_name}您好，您的爱车{plate}…".
MESSAGE_FIELDS: dict[str, StrOrPromise] = {
    "customer_name": _("客户姓名"),
    "title": _("称呼(先生/女士)"),
    "plate": _("车牌号"),
    "brand": _("品牌"),
    "model": _("车型"),
    "store_name": _("门店名称"),
    "store_phone": _("门店电话"),
    "consultant_name": _("销售顾问姓名"),
    "advisor_name": _("服务顾问姓名"),
    "due_date": _("到期日期"),
    "due_km": _("保养里程(km)"),
    "insurance_until": _("保险到期日"),
    "warranty_until": _("质保到期日"),
    "holiday_name": _("节日名称"),
}

# China's statutory holidays (chinese-calendar's English names → the Chinese term).
HOLIDAYS: dict[str, str] = {
    "New Year's Day": "元旦",  # zh-data: holiday names stored in policy documents
    "Spring Festival": "春节",  # zh-data: holiday names stored in policy documents
    "Tomb-sweeping Day": "清明节",  # zh-data: holiday names stored in policy documents
    "Labour Day": "劳动节",  # zh-data: holiday names stored in policy documents
    "Dragon Boat Festival": "端午节",  # zh-data: holiday names stored in policy documents
    "Mid-autumn Festival": "中秋节",  # zh-data: holiday names stored in policy documents
    "National Day": "国庆节",  # zh-data: holiday names stored in policy documents
}
HOLIDAY_NAMES = list(HOLIDAYS.values())

# A cadence that would create more tasks than this per customer per year is refused at publish.
MAX_TASKS_PER_CUSTOMER_YEAR = 150
MAX_RULES = 60
MAX_REPEATS = 60

RULE_FIELD_LABELS: dict[str, StrOrPromise] = {
    "name": _("规则名称"),
    "trigger": _("触发事件"),
    "offset_days": _("偏移天数"),
    "months": _("未进站月数"),
    "at": _("时间"),
    "assignee": _("执行人"),
    "channel": _("方式"),
    "message": _("话术/消息模板"),
    "repeat_until": _("重复"),
    "repeat_every_days": _("重复间隔(天)"),
    "repeat_max": _("最多重复次数"),
    "grades": _("意向级别"),
    "value_classes": _("价值等级"),
    "marketing": _("营销类消息"),
    "outcomes": _("需记录的结果"),
    "enabled": _("启用"),
    "open": _("门店可调整"),
}

FIELD_LABELS: dict[str, StrOrPromise] = {
    # cadence
    "maintenance.first_days": _("首保间隔(天)"),
    "maintenance.first_km": _("首保里程(km)"),
    "maintenance.interval_days": _("定期保养间隔(天)"),
    "maintenance.interval_km": _("定期保养间隔里程(km)"),
    "quiet_hours.start": _("免打扰开始"),
    "quiet_hours.end": _("免打扰结束"),
    "messages_per_week": _("每位客户每周最多消息数"),
    "holidays": _("节日关怀的节日"),
    # complaint
    "sla.report_to_gm_working_days": _("抱怨记录递交总经理时限(工作日)"),
    "sla.manager_reply_working_days": _("经理回复客户时限(工作日)"),
    "sla.close_working_days": _("投诉结案时限(工作日)"),
    # survey
    "retry.max_attempts": _("未接通最多拨打次数"),
    "retry.every_working_days": _("未接通重拨间隔(工作日)"),
    # classification
    "quota_a": _("A类比例%"),
    "quota_b": _("B类比例%"),
    "quota_c": _("C类比例%"),
    "quota_d": _("D类比例%"),
    "loyal_min_visits": _("忠诚客户年回站次数"),
    "loyal_min_spend": _("忠诚客户年消费(元)"),
    "at_risk_months": _("准流失：未进站月数"),
    "lost_months": _("流失：未进站月数"),
    "warranty_months": _("保修期(月)"),
    "sanbao_months": _("三包期限(月)"),
}
