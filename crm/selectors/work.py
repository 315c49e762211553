"""The daily pages: a consultant's today (今日待办), the lead board, supervision (handbook 000), home."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hq.selectors import policy_notices_for_store
from tenants.models import StoreMembership
from tenants.roles import Perm, role_allows

from ..access import consultants, customers_for_member, leads_for_member, sees_all
from ..aftersales.selectors import actions_list, complaint_list, visit_queue
from ..cadence.selectors import task_queue_for
from ..models import FollowUp, Lead, Reception, ServiceVisit
from ..models.choices import Grade, LeadStatus
from ..nav import entry_perm, may_open
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
    """跟进督查 (handbook 000): per consultant the follow-ups made, on-time rate, overdue work (the one rule of
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


# ------------------------------------------------------------------ 工作台: each role's own work

def _card(key: str, title: Any, url_name: str, count: int, items: list[dict[str, Any]], *,
          empty: Any, member: StoreMembership, query: str = "") -> dict[str, Any] | None:
    """One card of the home page; its "all" link only when the role may open that page (crm.nav)."""
    found = entry_perm(url_name) if url_name else None
    url = found[0] + query if found and may_open(member, url_name) else ""
    return {"key": key, "title": title, "url": url, "count": count, "items": items, "empty": empty}


def _service_orders(member: StoreMembership, today: Any) -> dict[str, Any] | None:
    """维修工单: the last week's repair orders — the advisor's own, all of them for the service manager."""
    qs = ServiceVisit.objects.filter(visited_on__gte=today - timedelta(days=6)).select_related("customer", "vehicle")
    if member.role == "service_advisor":
        qs = qs.filter(advisor_id=member.user_id)
    items = [{"label": f"{v.vehicle.plate or v.vehicle.vin_tail} · {v.customer.name}",
              "sub": f"{v.get_kind_display()} · {v.visited_on:%m-%d}", "url": reverse("crm:customer_detail", kwargs={"pk": v.customer_id})}
             for v in qs.order_by("-visited_on", "-id")[:8]]
    # No repair-order list page yet: each order opens its customer's 360° page (一车一档).
    return _card("service_orders", _("维修工单（近7天）"), "", qs.count(), items,
                 empty=_("近7天没有维修工单"), member=member)


def _appointments(member: StoreMembership) -> dict[str, Any] | None:
    """SLOT (sales-floor branch): 服务预约 — today's service appointments go here once that page exists;
    until then the card says so and links nowhere (crm.nav leaves a missing URL out)."""
    return _card("appointments", _("今日服务预约"), "crm:appointments", 0, [],
                 empty=_("预约功能上线后，今日预约到店的客户会显示在这里。"), member=member)


def _my_tasks(member: StoreMembership, today: Any) -> dict[str, Any] | None:
    tasks = list(task_queue_for(member.user_id, today)[:200])
    open_ = [t for t in tasks if t.status in ("open", "overdue")]
    items = [{"label": f"{t.customer.name} · {t.rule_name}", "sub": f"{t.due_date:%m-%d}",
              "url": reverse("cadence:tasks")} for t in open_[:8]]
    return _card("tasks", _("今日任务"), "cadence:tasks", len(open_), items, empty=_("今天没有待办任务"),
                 member=member)


def _return_visits(member: StoreMembership, today: Any) -> dict[str, Any] | None:
    qs = visit_queue(day=today)
    # visit_queue annotates each visit with its open call's day (call_on) and the customer's window.
    items = [{"label": f"{v.customer.name} · {v.rule_name}",
              "sub": getattr(v, "call_window", "") or f"{getattr(v, 'call_on', v.due_date):%m-%d}",
              "url": reverse("aftersales:visit", kwargs={"pk": v.pk})} for v in qs[:8]]
    return _card("visits", _("今日回访电话"), "aftersales:visits", qs.count(), items, empty=_("今天没有待回访"),
                 member=member)


def _complaints(member: StoreMembership) -> dict[str, Any] | None:
    qs = complaint_list(member=member, state="open").exclude(state="draft")
    items = [{"label": f"TS{c.pk:06d} · {c.customer.name}", "sub": c.get_state_display(),
              "url": reverse("aftersales:complaint_detail", kwargs={"pk": c.pk}), "alert": c.escalated} for c in qs[:8]]
    return _card("complaints", _("待处理投诉"), "aftersales:complaints", qs.count(), items,
                 empty=_("没有未结案的投诉"), member=member, query="?state=open")


def _approvals(member: StoreMembership, today: Any) -> dict[str, Any] | None:
    qs = actions_list(status="proposed", today=today)
    items = [{"label": a.description[:40], "sub": f"{a.get_kind_display()} · {a.deadline or ''}",
              "url": reverse("aftersales:gm")} for a in qs[:8]]
    return _card("approvals", _("待审批整改措施"), "aftersales:gm", qs.count(), items, empty=_("没有待审批的措施"),
                 member=member)


def _due_leads(member: StoreMembership, today: Any) -> dict[str, Any] | None:
    mine = _open_leads(member).filter(consultant_id=member.user_id, next_followup_on=today)
    items = [{"label": f"{lead.customer.name} · " + gettext("%(grade)s级") % {"grade": lead.grade}, "sub": lead.model_of_interest,
              "url": reverse("crm:customer_detail", kwargs={"pk": lead.customer_id})} for lead in mine.order_by("grade")[:8]]
    return _card("due", _("今日应跟进"), "crm:today", mine.count(), items, empty=_("今天没有到期的跟进"),
                 member=member)


def _lead_grades(member: StoreMembership) -> dict[str, Any] | None:
    counts = dict(_open_leads(member).values_list("grade").annotate(n=Count("pk")).order_by())
    items = [{"label": gettext("%(grade)s级") % {"grade": g}, "sub": str(counts.get(g, 0)), "url": reverse("crm:lead_board")} for g in Grade.values]
    return _card("leads", _("线索（按意向级别）"), "crm:lead_board", sum(counts.values()), items,
                 empty=_("暂无跟进中线索"), member=member)


def _team(member: StoreMembership, today: Any) -> dict[str, Any] | None:
    staff = consultants(member.store_id)
    ids = [m.user_id for m in staff]
    behind = overdue_counts(today=today, user_ids=ids)
    open_ = dict(Lead.objects.filter(status=LeadStatus.OPEN, consultant_id__in=ids).values_list("consultant_id")
                 .annotate(n=Count("pk")).order_by())
    items = [{"label": m.user.name, "sub": f"{open_.get(m.user_id, 0)} / {behind.get(m.user_id, 0)}",
              "url": "/supervision/", "alert": bool(behind.get(m.user_id))} for m in staff[:12]]
    return _card("team", _("团队（跟进中 / 逾期）"), "crm:supervision", sum(behind.values()), items,
                 empty=_("门店还没有销售顾问"), member=member)


def role_home(*, member: StoreMembership) -> list[dict[str, Any]]:
    """工作台: the cards of this role's own work, most pressing first (handbook 000 duties per role).

    客服: today's return-visit calls, complaints, tasks · 服务顾问/服务经理: repair orders, appointments
    (slot), complaints for the manager · 总经理: approvals and complaints · 销售顾问: today and leads ·
    销售经理: supervision of the team and the leads."""
    today = timezone.localdate()
    role = member.role
    cards: list[dict[str, Any] | None]
    if role == "customer_service":
        cards = [_return_visits(member, today), _complaints(member), _my_tasks(member, today)]
    elif role == "service_advisor":
        cards = [_service_orders(member, today), _appointments(member), _my_tasks(member, today)]
    elif role == "service_manager":
        cards = [_service_orders(member, today), _appointments(member), _complaints(member),
                 _return_visits(member, today)]
    elif role == "general_manager":
        cards = [_approvals(member, today), _complaints(member), _team(member, today)]
    elif role == "sales_manager":
        cards = [_team(member, today), _lead_grades(member), _due_leads(member, today)]
    else:
        cards = [_due_leads(member, today), _lead_grades(member), _my_tasks(member, today)]
    return [c for c in cards if c is not None]


def policy_notices_for(*, member: StoreMembership) -> list[Any]:
    """政策变更通知 for the store's managers (those who supervise): what HQ's new versions changed,
    for the last 30 days; nobody else is shown them."""
    if not role_allows(member.role, Perm.SUPERVISE):
        return []
    return policy_notices_for_store(member.store)
