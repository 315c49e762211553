"""线索接入: one service for every way a lead arrives (platform/OEM push, 400 hotline entry, file import).

Dedupe (the phone normalised by tenants.validators.normalize_cn_mobile, matched on the main and spare
number of the store's customers and on their open leads), one outcome per lead received, kept with its
reason on a LeadIntake row:
- duplicate — the same phone already sent a lead that is still open within DUPLICATE_WINDOW (7 days) of
  this one: nothing new; the intake points at that lead;
- merged — the customer has an open lead received longer ago: this one joins it (due for follow-up today);
- created — otherwise: a new lead, the customer found or created, routed (the customer's own active
  consultant keeps them; otherwise round-robin among those on duty), with its first-response deadline.
(source, source_lead_id) is idempotent: the same lead pushed again answers as the first time.

The answer names the outcome and the lead only when the sender may see that lead (a manager, or the
consultant it went to): a pusher or importer learns nothing of a colleague's customer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.requests import current_store
from tenants.roles import StoreRole
from tenants.selectors import store_role_members

from ..access import sees_all
from ..models import Customer, Lead, LeadIntake
from ..models.choices import Grade, LeadStatus, Source
from ..models.leads import IntakeOutcome, IntakeVia, LeadSource
from ..pinyin import name_pinyin_keys
from ..validators import clean_mobile
from .routing import RoundRobin
from .sla import lead_clock

DUPLICATE_WINDOW = dt.timedelta(days=7)
MAX_BATCH = 500  # leads per push; a file import goes in chunks of this size inside one transaction
# A platform lead's customer source (the customer file's 客户来源).
CUSTOMER_SOURCE: dict[str, str] = {LeadSource.HOTLINE: Source.PHONE, LeadSource.WALK_IN: Source.WALK_IN,
                   LeadSource.IMPORT: Source.IMPORT}


@dataclass
class IntakeItem:
    source: str
    mobile: str
    source_lead_id: str = ""
    name: str = ""
    campaign: str = ""
    model_of_interest: str = ""
    received_at: dt.datetime | None = None


@dataclass
class IntakeResult:
    index: int
    source_lead_id: str
    status: str  # accepted | already_received | rejected
    errors: dict[str, str] = field(default_factory=dict)
    intake: LeadIntake | None = None
    visible: bool = False

    def answer(self) -> dict[str, Any]:
        """What the sender is told: the outcome and lead only for a lead they may see."""
        out: dict[str, Any] = {"index": self.index, "source_lead_id": self.source_lead_id, "status": self.status}
        if self.errors:
            out["errors"] = self.errors
        if self.intake is not None and self.visible:
            out["outcome"] = self.intake.outcome
            out["lead_id"] = self.intake.lead_id
        return out


def _clean(item: IntakeItem, now: dt.datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    if item.source not in LeadSource.values:
        errors["source"] = gettext("来源取值无效，可选：%(values)s。") % {"values": "、".join(LeadSource.values)}
    try:
        item.mobile = clean_mobile(item.mobile)
    except DomainError as exc:
        errors["mobile"] = exc.message
    item.source_lead_id = (item.source_lead_id or "").strip()
    if len(item.source_lead_id) > 64:
        errors["source_lead_id"] = gettext("来源线索编号不能超过 64 个字符。")
    item.name = (item.name or "").strip()
    if len(item.name) > 50:
        errors["name"] = gettext("客户姓名不能超过 50 个字。")
    item.campaign = (item.campaign or "").strip()[:100]
    item.model_of_interest = (item.model_of_interest or "").strip()[:60]
    if item.received_at is not None and item.received_at > now + dt.timedelta(minutes=5):
        errors["received_at"] = gettext("接收时间不能晚于现在。")
    return errors


def _lock() -> None:
    """One intake at a time per store (turns of the round-robin, dedupe of concurrent pushes)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{getattr(connection, 'schema_name', 'public')}:lead_intake"])


def intake_validate(items: list[IntakeItem]) -> list[dict[str, str]]:
    """Each item's field errors (empty when valid); items are normalised in place."""
    now = timezone.now()
    return [_clean(item, now) for item in items]


@transaction.atomic
def lead_intake_batch(*, member: StoreMembership, items: list[IntakeItem], via: str = IntakeVia.API,
                      now: dt.datetime | None = None) -> list[IntakeResult]:
    """接收线索: validate, deduplicate and route a batch (at most MAX_BATCH per call; one transaction).

    An invalid item is rejected with its field errors and writes nothing; the others are received."""
    if len(items) > MAX_BATCH:
        raise DomainError(gettext("每批最多 %(n)s 条线索。") % {"n": MAX_BATCH}, field="leads")
    now = now or timezone.now()
    errors = intake_validate(items)
    results = [IntakeResult(i, item.source_lead_id, "rejected" if errors[i] else "accepted", errors[i])
               for i, item in enumerate(items)]
    valid = [i for i, e in enumerate(errors) if not e]
    if not valid:
        return results
    _lock()
    store = current_store()
    clock = lead_clock(store)
    show_all = sees_all(member)
    keys = {(items[i].source, items[i].source_lead_id) for i in valid if items[i].source_lead_id}
    known: dict[tuple[str, str], LeadIntake] = {}
    if keys:
        q = Q()
        for source, sid in keys:
            q |= Q(source=source, source_lead_id=sid)
        known = {(x.source, x.source_lead_id): x for x in LeadIntake.objects.filter(q).select_related("lead")}
    mobiles = {items[i].mobile for i in valid}
    customers: dict[str, Customer] = {}
    for c in Customer.objects.filter(Q(mobile__in=mobiles) | Q(mobile2__in=mobiles)).only(
            "pk", "mobile", "mobile2", "consultant_id"):
        customers.setdefault(c.mobile, c)
        if c.mobile2:
            customers.setdefault(c.mobile2, c)
    open_lead: dict[int, Lead] = {}
    for ol in (Lead.objects.filter(customer_id__in={c.pk for c in customers.values()}, status=LeadStatus.OPEN)
               .order_by("customer_id", "-created_at")):
        open_lead.setdefault(ol.customer_id, ol)
    # When each open lead last heard from its customer (its latest intake, else its own receipt).
    heard: dict[int, dt.datetime] = {ol.pk: ol.received_at or ol.created_at for ol in open_lead.values()}
    for lead_id, last in (LeadIntake.objects.filter(lead_id__in=heard).order_by().values_list("lead_id", "received_at")):
        heard[lead_id] = max(heard[lead_id], last)
    sales = set(store_role_members(store.pk).get(StoreRole.SALES_CONSULTANT, [])) | set(
        store_role_members(store.pk).get(StoreRole.SALES_MANAGER, []))
    turns = RoundRobin(clock, now)
    new_customers: list[Customer] = []
    new_leads: list[Lead] = []
    adopted: dict[int, list[int]] = {}
    intakes: list[tuple[int, LeadIntake]] = []
    today = timezone.localdate(now)
    for i in valid:
        item, result = items[i], results[i]
        key = (item.source, item.source_lead_id)
        if item.source_lead_id and key in known:
            result.status, result.intake = "already_received", known[key]
            continue
        received = item.received_at or now
        customer = customers.get(item.mobile)
        lead = open_lead.get(customer.pk or id(customer)) if customer is not None else None
        last = heard.get(lead.pk or id(lead), received) if lead is not None else received
        if lead is not None and abs(received - last) <= DUPLICATE_WINDOW:
            outcome, reason = IntakeOutcome.DUPLICATE, gettext("同一手机号 7 天内已有进行中的线索。")
        elif lead is not None:
            outcome, reason = IntakeOutcome.MERGED, gettext("客户已有进行中的线索，已并入该线索。")
            if lead.next_followup_on is None or lead.next_followup_on > today:
                lead.next_followup_on = today
                Lead.objects.filter(pk=lead.pk).update(next_followup_on=today)
        else:
            if customer is None:
                customer = Customer(name=item.name or gettext("未留名客户"), mobile=item.mobile,
                                    source=CUSTOMER_SOURCE.get(item.source, Source.ONLINE))
                customer.name_pinyin, customer.name_initials = name_pinyin_keys(customer.name)
                customers[item.mobile] = customer
                new_customers.append(customer)
                reason = gettext("新客户，新建线索。")
            else:
                reason = gettext("老客户没有进行中的线索，新建线索。")
            owner = customer.consultant_id if customer.consultant_id in sales else None
            consultant = owner or turns.take(item.source)
            due = clock.first_response_due(received)
            lead = Lead(customer=customer, consultant_id=consultant, grade=Grade.C,
                        model_of_interest=item.model_of_interest, next_followup_on=today, graded_at=now,
                        created_at=now, source=item.source, campaign=item.campaign,
                        source_lead_id=item.source_lead_id, received_at=received,
                        assigned_at=now if consultant else None, first_response_due_at=due,
                        reassign_due_at=clock.reassign_due(received) if consultant else None)
            if customer.consultant_id is None and consultant is not None:
                customer.consultant_id = consultant
                if customer.pk:
                    adopted.setdefault(consultant, []).append(customer.pk)
            new_leads.append(lead)
            outcome = IntakeOutcome.CREATED
        assert customer is not None and lead is not None
        intake = LeadIntake(source=item.source, source_lead_id=item.source_lead_id, campaign=item.campaign,
                            received_at=received, mobile=item.mobile, name=item.name[:50],
                            model_of_interest=item.model_of_interest, via=via, outcome=outcome, reason=reason,
                            by_user_id=member.user_id, created_at=now)
        intake.lead = lead
        intakes.append((i, intake))
        result.intake = intake
        if item.source_lead_id:
            known[key] = intake
        # Later items of this batch with the same phone see this lead as open and just heard from.
        open_lead[customer.pk or id(customer)] = lead
        heard[lead.pk or id(lead)] = max(heard.get(lead.pk or id(lead), received), received)
    Customer.objects.bulk_create(new_customers, batch_size=1000)
    for lead in new_leads:
        lead.customer_id = lead.customer.pk
    Lead.objects.bulk_create(new_leads, batch_size=1000)
    for consultant, pks in adopted.items():  # an unowned customer of a new lead now belongs to its consultant
        Customer.objects.filter(pk__in=pks, consultant_id__isnull=True).update(consultant_id=consultant)
    for _, intake in intakes:
        intake.lead_id = intake.lead.pk
    LeadIntake.objects.bulk_create([x for _, x in intakes], batch_size=1000)
    turns.save()
    for i, intake in intakes:
        results[i].visible = show_all or intake.lead.consultant_id == member.user_id
    for r in results:
        if r.status == "already_received" and r.intake is not None:
            r.visible = show_all or r.intake.lead.consultant_id == member.user_id
    return results


def lead_receive(*, member: StoreMembership, item: IntakeItem, via: str = IntakeVia.MANUAL) -> IntakeResult:
    """One lead (400 hotline entry at reception): the same service; a field error raises DomainError."""
    result = lead_intake_batch(member=member, items=[item], via=via)[0]
    if result.errors:
        field_name, message = next(iter(result.errors.items()))
        raise DomainError(message, field=field_name)
    return result
