"""HQ (public schema): versioned group policy templates, their adoption by stores, the work calendar."""

from .calendar import CalendarDay, CalendarYear
from .messaging import (
    ReviewStatus,
    SmsAccount,
    SmsDailyVolume,
    SmsSendRef,
    SmsSignature,
    SmsTemplate,
    WeComAccount,
)
from .policies import PolicyChangeNotice, PolicyKind, PolicyTemplate, PolicyVersion, StorePolicyAdoption
from .snapshots import MetricSnapshot, PeriodKind, SnapshotRun

__all__ = [
    "CalendarDay", "CalendarYear", "PolicyChangeNotice", "PolicyKind", "PolicyTemplate", "PolicyVersion", "StorePolicyAdoption",
    "MetricSnapshot", "PeriodKind", "SnapshotRun", "ReviewStatus", "SmsAccount", "SmsDailyVolume", "SmsSendRef",
    "SmsSignature", "SmsTemplate", "WeComAccount",
]
