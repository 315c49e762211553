"""线索收件箱 and 首次响应 figures (reads only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from tenants.db import percent
from tenants.models import StoreMembership
from tenants.requests import current_store

from ..access import sees_all
from ..models import ConsultantDuty, Lead
from ..models.choices import LeadStatus
from ..models.leads import LeadSource
from .sla import LeadClock, lead_clock

INBOX_LIMIT = 50  # the most urgent first; a consultant works the top of the list (the page says how many more)


def awaiting_first_contact() -> QuerySet[Lead]:
    """Open leads received through intake and not yet contacted by a person (the partial index)."""
    return Lead.objects.filter(status=LeadStatus.OPEN, first_contact_at__isnull=True,
                               first_response_due_at__isnull=False)


SOURCE_LABELS = dict(LeadSource.choices)


@dataclass(frozen=True)
class InboxRow:
    lead: Lead
    minutes_left: int  # working minutes to the first-response deadline; negative = overdue by that much

    @property
    def source_label(self) -> str:
        """The source's name (a dict lookup: get_source_display rebuilds the choices on every call)."""
        return str(SOURCE_LABELS.get(self.lead.source, self.lead.source))

    @property
    def overdue(self) -> bool:
        return self.minutes_left < 0

    @property
    def overdue_minutes(self) -> int:
        return max(0, -self.minutes_left)


def inbox_rows(*, member: StoreMembership, unclaimed_only: bool = False, now: dt.datetime | None = None,
               limit: int = INBOX_LIMIT, clock: LeadClock | None = None) -> list[InboxRow]:
    """My leads waiting for a first contact (a consultant), or the store's unclaimed ones (a manager),
    most urgent first, with the working time left."""
    now = now or timezone.now()
    qs = awaiting_first_contact()
    if unclaimed_only and sees_all(member):
        # The store's unclaimed leads span every consultant: their 50 rows first, then their customers by
        # key (a join here hashes the whole customer table before the sort).
        qs = qs.filter(claimed_at__isnull=True).prefetch_related("customer")
    else:  # one consultant's rows come off the awaiting index in order: the join costs 50 key lookups
        qs = qs.filter(consultant_id=member.user_id).select_related("customer")
    clock = clock or lead_clock(current_store())
    rows = list(qs.order_by("first_response_due_at", "pk")[:limit])
    return [InboxRow(lead, clock.minutes_between(now, lead.first_response_due_at or now)) for lead in rows]


def on_duty(member: StoreMembership) -> bool:
    duty = ConsultantDuty.objects.filter(consultant_id=member.user_id).first()
    return duty is None or duty.on_duty


def first_response_stats(start: dt.datetime, end: dt.datetime, *, now: dt.datetime | None = None
                         ) -> list[dict[str, Any]]:
    """Per source (and all sources, source ""), of leads received in [start, end): received, contacted,
    median working minutes to the first human contact, and the share contacted within the deadline
    (of those contacted or already past it)."""
    now = now or timezone.now()
    rows: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT source, GROUPING(source), count(*),
                   count(first_contact_at),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_minutes),
                   count(*) FILTER (WHERE first_contact_at <= first_response_due_at),
                   count(*) FILTER (WHERE first_contact_at IS NOT NULL OR first_response_due_at <= %s)
            FROM crm_lead WHERE received_at >= %s AND received_at < %s
            GROUP BY ROLLUP (source)
            """,
            [now, start, end],
        )
        for src, total_row, received, contacted, median, within, judged in cursor.fetchall():
            key = "__all__" if total_row else src
            rows[key] = {
                "source": src or "", "received": received, "contacted": contacted,
                "median_minutes": None if median is None else round(float(median), 1),
                "within": within, "within_pct": percent(within, judged)}
    out = []
    labels = dict(LeadSource.choices)
    for code in [*LeadSource.values, *sorted(k for k in rows if k not in LeadSource.values and k != "__all__")]:
        if code in rows:
            out.append({**rows[code], "label": labels.get(code, code)})
    if "__all__" in rows:
        out.append({**rows["__all__"], "source": "", "label": ""})
    return out


def my_waiting_count(member: StoreMembership) -> int:
    """How many of my leads wait for a first contact (the inbox lists the INBOX_LIMIT most urgent)."""
    return awaiting_first_contact().filter(consultant_id=member.user_id).count()


def unclaimed_count() -> int:
    return awaiting_first_contact().filter(Q(claimed_at__isnull=True)).count()
