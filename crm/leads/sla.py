"""首次响应时限: the group's deadline (cadence policy body `leads`) in working minutes on the store's hours
and its group's calendar, in the store's zone — and what counts as a first response by a person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hq.calendar import WorkCalendar, add_working_time, working_time_between
from hq.errors import PolicyInvalid
from hq.models import PolicyKind
from hq.policy.rules import LEADS_DEFAULT, leads_clean
from hq.selectors import policy_effective, work_calendar_for_group
from tenants.models import Store

from ..models.choices import Channel, ContactOutcome


def is_human_contact(channel: str, outcome: str) -> bool:
    """The one rule: a call in which the customer was talked to, or a visit. An automatic SMS (the outbox)
    is no FollowUp at all; a call not answered, a wrong number or a note with no conversation is not it."""
    return channel == Channel.VISIT or (channel == Channel.PHONE and outcome == ContactOutcome.TALKED)


@dataclass(frozen=True)
class LeadClock:
    """One store's lead deadlines: the policy's minutes and the working-time arithmetic on its hours."""

    store: Store
    calendar: WorkCalendar
    first_response_minutes: int
    reassign_after_minutes: int

    def after(self, start: dt.datetime, minutes: int) -> dt.datetime:
        return add_working_time(start, hours=minutes / 60, working_hours=self.store.working_hours,
                                calendar=self.calendar, tz=self.store.zone)

    def first_response_due(self, received_at: dt.datetime) -> dt.datetime:
        return self.after(received_at, self.first_response_minutes)

    def reassign_due(self, since: dt.datetime) -> dt.datetime:
        return self.after(since, self.reassign_after_minutes)

    def minutes_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Whole working minutes from `start` to `end` (negative when overdue), rounded down."""
        value = working_time_between(start, end, working_hours=self.store.working_hours,
                                     calendar=self.calendar, tz=self.store.zone).total_seconds() / 60
        return int(value // 1) if value >= 0 else -int(-value // 1)


def lead_policy(store: Store) -> dict[str, int]:
    """The store's `leads` settings from its effective cadence policy; the default when none is set."""
    policy = policy_effective(store, PolicyKind.CADENCE)
    raw = policy.body.get("leads") if policy is not None else None
    try:
        return leads_clean(raw)
    except PolicyInvalid:
        return dict(LEADS_DEFAULT)


def lead_clock(store: Store) -> LeadClock:
    settings = lead_policy(store)
    return LeadClock(store, work_calendar_for_group(store.group_id), settings["first_response_minutes"],
                     settings["reassign_after_minutes"])
