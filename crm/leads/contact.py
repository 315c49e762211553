"""首次联系: the first human contact of a lead, recorded when the follow-up is logged (crm.services.funnel)."""

from __future__ import annotations

from tenants.requests import current_store

from ..models import FollowUp, Lead
from .hooks import lead_status_notify
from .sla import is_human_contact, lead_clock


def first_contact_record(*, lead: Lead, followup: FollowUp) -> bool:
    """If `followup` is the lead's first human contact, stamp it (time, who, working minutes since
    receipt) and tell the source. Returns whether it was."""
    if lead.first_contact_at is not None or not is_human_contact(followup.channel, followup.outcome):
        return False
    lead.first_contact_at = followup.happened_at
    lead.first_contact_by_id = followup.staff_id
    if lead.received_at is not None:
        clock = lead_clock(current_store())
        lead.first_response_minutes = max(0, clock.minutes_between(lead.received_at, followup.happened_at))
    if lead.claimed_at is None:
        lead.claimed_at = followup.happened_at
    Lead.objects.filter(pk=lead.pk).update(first_contact_at=lead.first_contact_at,
                                           first_contact_by_id=lead.first_contact_by_id,
                                           first_response_minutes=lead.first_response_minutes,
                                           claimed_at=lead.claimed_at)
    lead_status_notify(lead=lead, event="contacted")
    return True
