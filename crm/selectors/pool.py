"""Reads for 战败审核 (the sales manager's queue) and 公海 (the shared pool page)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q

from ..models import Customer, FollowUp, Lead
from ..models.choices import PoolReason
from ..models.pool import DefeatDecision, DefeatReview


@dataclass
class DefeatQueueRow:
    review: DefeatReview
    lead: Lead
    contacts: list[FollowUp] = field(default_factory=list)  # the lead's follow-ups, newest first
    contact_count: int = 0
    human_contacts: int = 0  # phone calls and visits: a conversation, not only a message
    receptions: int = 0
    returned_before: int = 0  # earlier submissions of this lead that were sent back


HUMAN_CHANNELS = ("phone", "visit")


def defeat_queue(*, limit: int = 100) -> list[DefeatQueueRow]:
    """战败待审, oldest first, each with the lead's contact history so the manager sees whether there was
    real contact before the lead was given up."""
    reviews = list(DefeatReview.objects.filter(decision=DefeatDecision.PENDING)
                   .select_related("lead__customer").order_by("submitted_at", "pk")[:limit])
    lead_ids = [r.lead_id for r in reviews]
    followups: dict[int, list[FollowUp]] = {}
    for f in FollowUp.objects.filter(lead_id__in=lead_ids).order_by("-happened_at", "-pk"):
        followups.setdefault(f.lead_id or 0, []).append(f)
    counts = {row["pk"]: row for row in Lead.objects.filter(pk__in=lead_ids).values("pk").annotate(
        n_receptions=Count("receptions", distinct=True),
        returned=Count("defeat_reviews", filter=Q(defeat_reviews__decision=DefeatDecision.RETURNED), distinct=True))}
    rows = []
    for r in reviews:
        contacts = followups.get(r.lead_id, [])
        rows.append(DefeatQueueRow(
            review=r, lead=r.lead, contacts=contacts[:10], contact_count=len(contacts),
            human_contacts=sum(1 for f in contacts if f.channel in HUMAN_CHANNELS),
            receptions=counts.get(r.lead_id, {}).get("n_receptions", 0),
            returned_before=counts.get(r.lead_id, {}).get("returned", 0)))
    return rows


def recent_defeat_decisions(*, limit: int = 20) -> list[DefeatReview]:
    """The latest approved or returned reviews (below the queue)."""
    return list(DefeatReview.objects.exclude(decision=DefeatDecision.PENDING)
                .select_related("lead__customer").order_by("-decided_at", "-pk")[:limit])


def pool_list(*, reason: str = "", grade: str = "", q: str = "", limit: int = 200) -> list[Customer]:
    """公海 customers, newest in the pool first, filtered by why they are there, the grade of their last lead
    and a name or model typed; each with `lead_list` (newest lead first: its grade and model) and
    `last_contact_at`."""
    qs = Customer.objects.filter(pooled_at__isnull=False, consultant_id__isnull=True)
    if reason in PoolReason.values:
        qs = qs.filter(pool_reason=reason)
    if grade:
        qs = qs.filter(leads__grade=grade).distinct()
    if q.strip():
        text = q.strip()[:30]
        qs = qs.filter(Q(name__icontains=text) | Q(leads__model_of_interest__icontains=text)).distinct()
    qs = qs.annotate(last_contact_at=Max("followups__happened_at")).prefetch_related(
        Prefetch("leads", queryset=Lead.objects.order_by("-created_at"), to_attr="lead_list"))
    return list(qs.order_by("-pooled_at", "-pk")[:limit])


def pool_size() -> int:
    return Customer.objects.filter(pooled_at__isnull=False, consultant_id__isnull=True).count()


__all__ = ["DefeatQueueRow", "defeat_queue", "pool_list", "pool_size", "recent_defeat_decisions"]
