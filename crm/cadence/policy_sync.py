"""The complaint SLA deadlines of the store's effective complaint policy, computed on the store's
working-day calendar (半个工作日 / 一个工作日). (Adopting a classification version is
crm.services.classification.classification_policy_sync.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hq.calendar import add_working_time
from hq.models import PolicyKind
from hq.selectors import policy_effective, work_calendar_for_group

from .engine import current_store


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
