"""线索分配: round-robin among the sales consultants on duty, per-source rules, and a manager's choice.

On duty = active sales consultant of the store, with the 在岗 flag on (default on), and now inside their
schedule (their own weekly hours, or the store's: 顾问排班, crm.leads.schedule). When nobody is on duty now (the
store is closed), those with the flag on take turns all the same: the deadline counts from the next
opening. When nobody has the flag on, the lead stays unassigned for the sales manager (待分配).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hq.calendar import store_spans
from tenants.roles import StoreRole
from tenants.selectors import store_role_members

from ..models import ConsultantDuty, LeadRoutingRule
from .sla import LeadClock


def at_work(schedule: dict[str, list[str]] | None, clock: LeadClock, now: dt.datetime) -> bool:
    """Whether a consultant with this 排班 ({} = the store's hours) is at work at `now` (store time).

    The weekly hours alone decide it: the group's calendar (holidays, weekends, 调休) moves deadlines, not
    who is on the floor — a consultant scheduled for Saturdays takes Saturday's leads, though their
    first-response clock only starts at the next working time."""
    local = now.astimezone(clock.store.zone)
    hours = schedule or clock.store.working_hours or None
    return any(a <= local.time() < b for a, b in store_spans(hours, local.date()))


class RoundRobin:
    """Turns for one intake batch: each source's candidates in order of who was assigned longest ago.

    `take(source)` names the next consultant (None = nobody), `save()` writes the turns back. The caller
    holds the store's intake lock, so two batches never hand out the same turn."""

    def __init__(self, clock: LeadClock, now: dt.datetime | None = None) -> None:
        self.now = now or timezone.now()
        self.clock = clock
        consultants = store_role_members(clock.store.pk).get(StoreRole.SALES_CONSULTANT, [])
        self.duties = {d.consultant_id: d for d in ConsultantDuty.objects.select_for_update()
                       .filter(consultant_id__in=consultants)}
        flagged = [c for c in consultants if c not in self.duties or self.duties[c].on_duty]
        present = [c for c in flagged if at_work(self.duties[c].schedule if c in self.duties else None, clock,
                                                 self.now)]
        self.pool = present or flagged
        self.rules = {r.source: [int(c) for c in r.consultant_ids] for r in LeadRoutingRule.objects.all()}
        epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        self.last = {c: (self.duties[c].last_assigned_at if c in self.duties else None) or epoch
                     for c in consultants}
        self.serial = 0
        self.touched: set[int] = set()

    def candidates(self, source: str, exclude: int | None = None) -> list[int]:
        pool = self.pool
        if source in self.rules:
            pool = [c for c in pool if c in self.rules[source]] or pool
        return [c for c in pool if c != exclude]

    def take(self, source: str, *, exclude: int | None = None) -> int | None:
        pool = self.candidates(source, exclude)
        if not pool:
            return None
        chosen = min(pool, key=lambda c: (self.last[c], c))
        self.serial += 1
        # Strictly increasing within the batch, so the order of turns survives the write.
        self.last[chosen] = self.now + dt.timedelta(microseconds=self.serial)
        self.touched.add(chosen)
        return chosen

    def save(self) -> None:
        for c in self.touched:
            ConsultantDuty.objects.update_or_create(consultant_id=c, defaults={"last_assigned_at": self.last[c]})
