"""What a store does when it adopts a new group version: the classification thresholds the CRM core
reads (客户分类标准) take the effective values, and the complaint SLA deadlines are computed on the
store's working-day calendar (半个工作日 / 一个工作日)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from hq.calendar import add_working_time
from hq.models import PolicyKind
from hq.selectors import policy_effective, work_calendar_for_group

from .engine import current_store

CLASSIFICATION_FIELDS = ("quota_a", "quota_b", "quota_c", "quota_d", "loyal_min_visits", "loyal_min_spend",
                         "at_risk_months", "lost_months", "warranty_months", "sanbao_months")


@transaction.atomic
def classification_policy_sync() -> bool:
    """Copy the store's effective classification policy into the CRM's ClassificationPolicy row."""
    from crm.services.classification import policy_get

    eff = policy_effective(current_store(), PolicyKind.CLASSIFICATION)
    if eff is None:
        return False
    row = policy_get()
    for field in CLASSIFICATION_FIELDS:
        value = eff.body[field]
        setattr(row, field, Decimal(str(value)) if field == "loyal_min_spend" else value)
    row.template_version = f"{eff.version.label}#{eff.version.pk}"
    row.save()
    return True


@dataclass(frozen=True)
class SlaDeadline:
    step: int
    name: str
    to_role: str
    cc_roles: list[str]
    due_at: dt.datetime
    policy_version_id: int
    policy_version_number: int


def complaint_sla_deadlines(*, received_at: dt.datetime) -> list[SlaDeadline]:
    """投诉时限: each escalation step's deadline from when the complaint was recorded, in working time
    on the store's hours and the group's calendar, with the policy version that set it."""
    store = current_store()
    eff = policy_effective(store, PolicyKind.COMPLAINT)
    if eff is None:
        return []
    cal = work_calendar_for_group(store.group_id)
    return [
        SlaDeadline(s["step"], s["name"], s["to_role"], list(s["cc_roles"]),
                    add_working_time(received_at, days=float(s["within_working_days"]),
                                     working_hours=store.working_hours, calendar=cal),
                    eff.version.pk, eff.version.number)
        for s in eff.body["escalation"]
    ]
