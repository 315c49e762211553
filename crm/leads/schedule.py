"""顾问排班: each sales consultant's 在岗 flag and weekly hours, which routing (crm.leads.routing) reads.

The hours have the store's shape ({"mon": ["09:00", "18:00"], "sat": ["09:00", "12:00", "13:00", "18:00"],
a day left out = 休息) and are checked by the store's one rule (tenants.services.store_settings); {} means
"the store's hours". Set by the sales manager or the general manager; a consultant reads their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from hq.calendar import WEEKDAYS, store_spans
from tenants.errors import DomainError
from tenants.models import Store, StoreMembership
from tenants.roles import Perm, StoreRole, role_allows
from tenants.services.store_settings import working_hours_clean
from tenants.staff import store_staff_check

from ..models import ConsultantDuty


def may_edit_schedules(member: StoreMembership) -> bool:
    """销售经理 and 总经理 set the consultants' 排班 (the same people who decide the sales floor)."""
    return role_allows(member.role, Perm.SALES_DECISIONS)


@transaction.atomic
def consultant_schedule_set(*, member: StoreMembership, consultant_id: int, on_duty: bool,
                            hours: dict[str, list[str] | None] | None) -> ConsultantDuty:
    """Set a consultant's 在岗 flag and weekly hours (None or {} = the store's hours); all of it or nothing.

    The round-robin's memory (last_assigned_at) is kept, so a new schedule does not reorder the turns."""
    if not may_edit_schedules(member):
        raise DomainError(gettext("只有销售经理或总经理可以修改排班。"))
    store_staff_check(consultant_id, field="consultant_id", roles=[StoreRole.SALES_CONSULTANT],
                      message=gettext("所选销售顾问不是本店在职销售顾问。"))
    schedule = working_hours_clean(hours or {})
    if hours and not schedule:
        raise DomainError(gettext("请至少排一天班，或选择“同门店营业时间”；不接线索请取消“在岗”。"))
    duty, _ = ConsultantDuty.objects.update_or_create(consultant_id=consultant_id,
                                                      defaults={"on_duty": on_duty, "schedule": schedule})
    return duty


@dataclass(frozen=True)
class ScheduleDay:
    day: str
    spans: list[tuple[dt.time, dt.time]]  # empty = 休息


@dataclass(frozen=True)
class ScheduleRow:
    consultant_id: int
    name: str
    on_duty: bool
    same_as_store: bool
    days: list[ScheduleDay]


def _week(hours: dict[str, list[str]] | None, monday: dt.date) -> list[ScheduleDay]:
    return [ScheduleDay(day, store_spans(hours or None, monday + dt.timedelta(days=i)))
            for i, day in enumerate(WEEKDAYS)]


def schedule_rows(*, store: Store, members: list[StoreMembership], today: dt.date) -> list[ScheduleRow]:
    """The week grid: for each consultant in `members`, the flag and each weekday's effective hours
    (their own, or the store's when they follow it), in one query."""
    duties = {d.consultant_id: d for d in ConsultantDuty.objects.filter(consultant_id__in=[m.user_id for m in members])}
    monday = today - dt.timedelta(days=today.weekday())
    rows = []
    for m in members:
        duty = duties.get(m.user_id)
        own = duty.schedule if duty is not None else {}
        rows.append(ScheduleRow(m.user_id, m.user.name, duty is None or duty.on_duty, not own,
                                _week(own or store.working_hours, monday)))
    return rows


def schedule_of(consultant_id: int) -> tuple[bool, dict[str, list[str]]]:
    """(在岗, own weekly hours — {} = the store's) of one consultant; the defaults when never set."""
    duty = ConsultantDuty.objects.filter(consultant_id=consultant_id).first()
    return (True, {}) if duty is None else (duty.on_duty, dict(duty.schedule or {}))
