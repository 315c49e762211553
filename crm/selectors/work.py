"""The daily pages: a consultant's today (今日待办), the lead board, supervision (seed 000), home."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from tenants.models import StoreMembership

from ..access import consultants, customers_for_member, leads_for_member, sees_all
from ..models import FollowUp, Lead, Reception
from ..models.choices import Grade, LeadStatus
from .overdue import overdue_counts, overdue_leads, overdue_tasks


def _open_leads(member: StoreMembership) -> Any:
    return leads_for_member(member).filter(status=LeadStatus.OPEN).select_related("customer")


def today_data(*, member: StoreMembership) -> dict[str, Any]:
    """今日待办: follow-ups due today, overdue work (crm.selectors.overdue: leads and cadence tasks),
    key customers, and today's visitors to call tonight."""
    today = timezone.localdate()
    mine = _open_leads(member).filter(consultant_id=member.user_id)
    start = timezone.make_aware(datetime(today.year, today.month, today.day))
    late_leads = overdue_leads(today=today).filter(pk__in=mine.values("pk")).select_related("customer")
    late_tasks = overdue_tasks(today=today).filter(assignee_id=member.user_id).select_related("customer")
    return {
        "due": list(mine.filter(next_followup_on=today).order_by("grade")[:100]),
        "overdue": list(late_leads.order_by("next_followup_on")[:100]),
        "overdue_tasks": list(late_tasks.order_by("due_date", "id")[:100]),
        "overdue_count": late_leads.count() + late_tasks.count(),
        "key": list(mine.filter(is_key=True).order_by("next_followup_on")[:100]),
        "no_next": list(mine.filter(next_followup_on__isnull=True).order_by("-created_at")[:50]),
        "received": list(Reception.objects.filter(consultant_id=member.user_id, arrived_at__gte=start)
                         .select_related("customer").order_by("-arrived_at")[:100]),
        "today": today,
    }


def lead_board(*, member: StoreMembership, per_grade: int = 50) -> list[dict[str, Any]]:
    """线索看板: open leads in columns H/A/B/C with counts; the most urgent first in each."""
    leads = _open_leads(member)
    counts = dict(leads.values_list("grade").annotate(n=Count("pk")).order_by())
    rows: dict[str, list[Lead]] = {g: [] for g in Grade.values}
    # One query: the first `per_grade` per column via a window would be tidier; four small indexed ones are clear.
    for grade in Grade.values:
        rows[grade] = list(leads.filter(grade=grade).order_by("next_followup_on", "-created_at")[:per_grade])
    return [{"grade": g, "label": Grade(g).label, "count": counts.get(g, 0), "leads": rows[g]} for g in Grade.values]


def supervision_data(*, member: StoreMembership, store_id: int, days: int = 7) -> dict[str, Any]:
    """跟进督查 (seed 000): per consultant the follow-ups made, on-time rate, overdue work (the one rule of
    crm.selectors.overdue: leads and cadence tasks) and incomplete leads."""
    today = timezone.localdate()
    since = timezone.now() - timedelta(days=days)
    staff = consultants(store_id)
    ids = [m.user_id for m in staff]
    made = dict(FollowUp.objects.filter(staff_id__in=ids, happened_at__gte=since).values_list("staff_id")
                .annotate(n=Count("pk")).order_by())
    late = dict(FollowUp.objects.filter(staff_id__in=ids, happened_at__gte=since, on_time=False)
                .values_list("staff_id").annotate(n=Count("pk")).order_by())
    lead_stats = {
        row["consultant_id"]: row for row in Lead.objects.filter(status=LeadStatus.OPEN, consultant_id__in=ids)
        .values("consultant_id").annotate(
            open=Count("pk"), no_next=Count("pk", filter=Q(next_followup_on__isnull=True)),
            key=Count("pk", filter=Q(is_key=True)),
        ).order_by()
    }
    behind = overdue_counts(today=today, user_ids=ids)
    rows = []
    for m in staff:
        stats = lead_stats.get(m.user_id, {})
        n = made.get(m.user_id, 0)
        rows.append({
            "member": m, "followups": n, "on_time_rate": (100 * (n - late.get(m.user_id, 0)) // n) if n else None,
            "open": stats.get("open", 0), "overdue": behind.get(m.user_id, 0), "no_next": stats.get("no_next", 0),
            "key": stats.get("key", 0),
        })
    open_leads = Lead.objects.filter(status=LeadStatus.OPEN).select_related("customer")
    return {
        "rows": rows, "days": days,
        "overdue": list(overdue_leads(today=today).select_related("customer").order_by("next_followup_on")[:50]),
        "overdue_tasks": list(overdue_tasks(today=today).filter(assignee_id__in=ids).select_related("customer")
                              .order_by("due_date", "id")[:50]),
        "no_next": list(open_leads.filter(next_followup_on__isnull=True).order_by("created_at")[:50]),
        "names": {m.user_id: m.user.name for m in staff},
    }


def store_home_summary(*, member: StoreMembership) -> dict[str, Any]:
    """工作台 figures for the store home page, scoped to what this member may see."""
    today = timezone.localdate()
    start = timezone.make_aware(datetime(today.year, today.month, today.day))
    leads = leads_for_member(member).filter(status=LeadStatus.OPEN).aggregate(
        open=Count("pk"), due=Count("pk", filter=Q(next_followup_on=today)),
        key=Count("pk", filter=Q(is_key=True)),
    )
    # 逾期 by the one rule (crm.selectors.overdue): the whole store for those who see it, else one's own.
    late = overdue_counts(today=today)
    leads["overdue"] = sum(late.values()) if sees_all(member) else late.get(member.user_id, 0)
    return {
        "customers": customers_for_member(member).count(),
        "receptions_today": Reception.objects.filter(arrived_at__gte=start).count(),
        **leads,
    }
