"""Customer reads: the filtered list and the 360° file; the one search box lives in .search."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from crm.aftersales.selectors import customer_planned_calls, customer_return_visit_events
from crm.models import Complaint, OutboxMessage
from tenants.errors import DomainError
from tenants.models import StoreMembership

from ..access import customers_for_member, get_customer_for_member, staff_names
from ..models import (
    Customer,
    CustomerAssignment,
    FollowUp,
    Lead,
    Reception,
    ServiceVisit,
    TestDrive,
    VehicleOwnership,
)
from ..models.choices import LeadStatus
from ..validators import clean_mobile
from .search import customer_search


@dataclass
class CustomerFilters:
    """客户列表筛选: every field optional; `from_query` reads them from a GET query."""

    value_class: str = ""
    loyalty: str = ""
    lifecycle: str = ""
    grade: str = ""
    consultant: int | None = None
    no_visit_months: int | None = None
    visited_since: date | None = None
    tags: list[str] = field(default_factory=list)
    q: str = ""

    @classmethod
    def from_query(cls, query: Any) -> CustomerFilters:
        def _int(key: str) -> int | None:
            value = (query.get(key) or "").strip()
            return int(value) if value.isdigit() else None

        since = None
        try:
            since = date.fromisoformat(query.get("visited_since") or "")
        except ValueError:
            pass
        tags = [t for t in re.split(r"[,，\s]+", query.get("tags") or "") if t]
        return cls(
            value_class=(query.get("value_class") or "")[:1], loyalty=(query.get("loyalty") or "")[:10],
            lifecycle=(query.get("lifecycle") or "")[:10], grade=(query.get("grade") or "")[:1],
            consultant=_int("consultant"), no_visit_months=_int("no_visit_months"), visited_since=since,
            tags=tags[:5], q=(query.get("q") or "").strip()[:40],
        )


def customer_list(*, member: StoreMembership, filters: CustomerFilters) -> QuerySet[Customer]:
    """客户列表: the customers this member may see, filtered; newest first."""
    qs = customers_for_member(member)
    if filters.value_class:
        qs = qs.filter(value_class=filters.value_class)
    if filters.loyalty:
        qs = qs.filter(loyalty=filters.loyalty)
    if filters.lifecycle:
        qs = qs.filter(lifecycle=filters.lifecycle)
    if filters.consultant:
        qs = qs.filter(consultant_id=filters.consultant)
    if filters.grade:
        qs = qs.filter(Exists(Lead.objects.filter(customer=OuterRef("pk"), status=LeadStatus.OPEN,
                                                  grade=filters.grade)))
    if filters.no_visit_months:
        cut = timezone.localdate() - timedelta(days=round(filters.no_visit_months * 30.44))
        qs = qs.filter(Q(last_visit_on__lt=cut) | Q(last_visit_on__isnull=True, lifecycle="owner"))
    if filters.visited_since:
        qs = qs.filter(last_visit_on__gte=filters.visited_since)
    if filters.tags:
        qs = qs.filter(tags__contains=filters.tags)
    if filters.q:
        ids = [r["customer_id"] for r in customer_search(member=member, q=filters.q, limit=200)]
        qs = qs.filter(pk__in=ids)
    return qs.order_by("-created_at", "-pk")


def customer_360(*, member: StoreMembership, pk: int | str, store_id: int) -> dict[str, Any]:
    """客户360°/一车一档: the customer, their vehicles, open leads and one merged timeline."""
    customer = get_customer_for_member(member, pk)
    vehicles = list(customer.vehicles.order_by("-delivered_on", "-pk"))
    leads = list(customer.leads.order_by("-created_at")[:20])
    names = staff_names(store_id)
    events: list[dict[str, Any]] = []
    for r in Reception.objects.filter(customer=customer).order_by("-arrived_at")[:50]:
        events.append({"at": r.arrived_at, "kind": gettext("接待"), "icon": "door-open", "staff": names.get(r.consultant_id),
                       "text": "；".join(x for x in (gettext("%(n)s人到店") % {"n": r.visitors}, r.models_of_interest and
                                                    gettext("关注 %(models)s") % {"models": r.models_of_interest},
                                                    r.budget and gettext("预算 %(budget)s") % {"budget": r.budget},
                                                    r.needs, r.concerns) if x)})
    for f in FollowUp.objects.filter(customer=customer).order_by("-happened_at")[:50]:
        events.append({"at": f.happened_at, "kind": gettext("跟进·%(channel)s") % {"channel": f.get_channel_display()}, "icon": "chat-dots",
                       "staff": names.get(f.staff_id),
                       "text": "；".join(x for x in (f.content, f.feedback and gettext("反馈：%(text)s") % {"text": f.feedback},
                                                    f.next_step and gettext("下一步：%(text)s") % {"text": f.next_step}) if x)})
    for t in TestDrive.objects.filter(customer=customer).order_by("-driven_at")[:20]:
        events.append({"at": t.driven_at, "kind": gettext("试乘试驾"), "icon": "speedometer2",
                       "staff": names.get(t.consultant_id), "text": f"{t.model} {t.feedback}".strip()})
    for lead in leads:
        if lead.closed_at and lead.status == LeadStatus.DEAL:
            events.append({"at": lead.closed_at, "kind": gettext("成交"), "icon": "trophy", "staff": names.get(lead.consultant_id or 0),
                           "text": gettext("%(model)s 成交") % {"model": lead.model_of_interest} + (f"，¥{lead.deal_amount:,.2f}" if lead.deal_amount
                                                                     else "")})
        elif lead.closed_at and lead.status == LeadStatus.DEFEATED:
            events.append({"at": lead.closed_at, "kind": gettext("战败"), "icon": "x-octagon",
                           "staff": names.get(lead.consultant_id or 0),
                           "text": f"{lead.get_defeat_reason_display()} {lead.competitor_brand} "
                                   f"{lead.competitor_model} {lead.close_note}".strip()})
    for s in ServiceVisit.objects.filter(customer=customer).select_related("vehicle").order_by("-visited_on")[:50]:
        events.append({"at": s.visited_on, "kind": gettext("维修·%(kind)s") % {"kind": s.get_kind_display()}, "icon": "tools",
                       "staff": names.get(s.advisor_id or 0), "amount": s.amount,
                       "text": f"{s.vehicle} {s.km or '-'} km" + ("" if s.may_call else gettext("（不同意回访）"))})
    transfers = VehicleOwnership.objects.filter(
        Q(customer=customer, previous_owner__isnull=False) | Q(previous_owner=customer),
    ).select_related("vehicle", "customer", "previous_owner").order_by("-started_on", "-pk")[:20]
    for o in transfers:
        incoming = o.customer_id == customer.pk
        other = o.previous_owner if incoming else o.customer
        car = " ".join(x for x in (str(o.vehicle), o.vehicle.brand, o.vehicle.model) if x)
        who = other.name if other is not None else "?"
        events.append({"at": o.started_on, "kind": gettext("过户转入") if incoming else gettext("过户转出"), "icon": "key",
                       "staff": names.get(o.by_user_id or 0),
                       "text": (gettext("%(car)s 由原车主 %(who)s 过户至本客户") if incoming
                                 else gettext("%(car)s 过户给新车主 %(who)s")) % {"car": car, "who": who}})
    for a in CustomerAssignment.objects.filter(customer=customer)[:20]:
        events.append({"at": a.created_at, "kind": gettext("客户转移"), "icon": "arrow-left-right",
                       "staff": names.get(a.by_user_id),
                       "text": f"{names.get(a.from_consultant_id or 0, gettext('无'))} → {names.get(a.to_consultant_id, '?')} "
                               f"{a.reason}".strip()})

    for m in OutboxMessage.objects.filter(customer=customer).order_by("-created_at")[:50]:
        events.append({"at": m.sent_at or m.created_at, "kind": gettext("消息·%(channel)s") % {"channel": m.channel.upper()}, "icon": "envelope",
                       "staff": None, "text": f"{m.body}（{m.get_status_display()}）"})
    for c in Complaint.objects.filter(customer=customer).exclude(state="draft").order_by("-reported_at")[:20]:
        events.append({"at": c.reported_at, "kind": gettext("投诉·%(state)s") % {"state": c.get_state_display()}, "icon": "exclamation-diamond",
                       "staff": None, "text": c.description[:120]})

    events.extend(customer_return_visit_events(customer.pk, names))  # 回访 calls with their answers
    events.sort(key=lambda e: _sort_key(e["at"]), reverse=True)
    return {"customer": customer, "vehicles": vehicles, "leads": leads, "timeline": events, "names": names,
            "consultant_name": names.get(customer.consultant_id or 0, ""),
            "planned_calls": customer_planned_calls(customer.pk), "today": timezone.localdate()}


def _sort_key(value: Any) -> Any:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return timezone.make_aware(datetime(value.year, value.month, value.day, 12))
    return value


def transfer_target(*, member: StoreMembership, mobile: str = "", customer_id: int | None = None) -> Customer:
    """过户的新车主: picked from search (id) or typed as a phone, among the customers this member may see.

    "Not yours" and "no such customer" give the same message; a malformed phone says so.
    """
    visible = customers_for_member(member)
    if customer_id is not None:
        found = visible.filter(pk=customer_id).first()
        if found is None:
            raise DomainError(gettext("未找到该客户，或您无权为其办理过户。"), field="to_mobile")
        return found
    if not mobile.strip():
        raise DomainError(gettext("请填写新车主的手机号，或搜索后选择新车主。"), field="to_mobile")
    number = clean_mobile(mobile, field="to_mobile")
    found = visible.filter(Q(mobile=number) | Q(mobile2=number)).order_by("pk").first()
    if found is None:
        raise DomainError(gettext("未找到手机号为 %(mobile)s 的客户（或您无权查看该客户）。新车主需先建档。")
                          % {"mobile": number}, field="to_mobile")
    return found
