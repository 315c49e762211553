"""The sales funnel (handbook 000/004): 接待, 意向级别, 跟进, 试驾, 成交 and 战败."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.roles import StoreRole

from ..cadence.tasks import cadence_after_event
from ..leads.contact import first_contact_record
from ..leads.hooks import lead_status_notify
from ..models import Customer, FollowUp, Lead, Reception, TestDrive, Vehicle
from ..models.aftersales import Notification
from ..models.choices import (
    GRADE_FOLLOWUP_DAYS,
    Channel,
    ContactOutcome,
    Grade,
    LeadStatus,
    Source,
)
from ..models.customers import Lifecycle
from ..models.funnel import TestDriveStatus
from ..models.leads import LeadSource
from ..notifications import notify
from ..templatetags.crm_format import wan
from ..validators import clean_mobile, parse_money
from .customers import customer_create
from .vehicles import vehicle_create


def _grade(grade: str) -> str:
    if grade not in Grade.values:
        raise DomainError(gettext("意向级别只能是 H、A、B、C。"), field="grade")
    return grade


def _not_future_dt(value: datetime | None, *, field: str, label: str) -> None:
    if value is not None and value > timezone.now() + timedelta(minutes=5):
        raise DomainError(gettext("%(label)s不能晚于现在。") % {"label": label}, field=field)


def _open(lead: Lead) -> None:
    if lead.status != LeadStatus.OPEN:
        raise DomainError(gettext("该线索已%(status)s，不能再修改。") % {"status": lead.get_status_display()})


@transaction.atomic
def lead_create(*, member: StoreMembership, customer: Customer, grade: str = Grade.C,
                model_of_interest: str = "", source: str = "") -> Lead:
    """新线索: due for its first follow-up by the grade's cadence. `source` is where it came from (a
    walk-in at reception is 到店; pushed and imported leads come through crm.leads.intake)."""
    grade = _grade(grade)
    created = Lead.objects.create(
        customer=customer, consultant_id=customer.consultant_id or member.user_id, grade=grade, source=source,
        model_of_interest=model_of_interest.strip()[:60], is_key=grade == Grade.H,
        next_followup_on=timezone.localdate() + timedelta(days=GRADE_FOLLOWUP_DAYS[grade]),
        graded_at=timezone.now(),
    )
    cadence_after_event(customer_id=created.customer_id)  # follow-up tasks appear after the commit
    return created


def _follow_up_owner(*, member: StoreMembership, customer: Customer) -> int:
    """Who follows up a visit (the store's rule, 撞单归原顾问): the customer's own consultant while they are
    active sales staff of this store; otherwise whoever received the visitor."""
    owner = customer.consultant_id
    if owner and owner != member.user_id and StoreMembership.objects.filter(
            store_id=member.store_id, user_id=owner, is_active=True,
            role__in=[StoreRole.SALES_CONSULTANT, StoreRole.SALES_MANAGER]).exists():
        return owner
    return member.user_id


def _notify_clash(*, member: StoreMembership, reception: Reception) -> None:
    """撞单: the owner and the sales managers are told (in-app) who received their customer."""
    managers = StoreMembership.objects.filter(store_id=member.store_id, is_active=True,
                                              role=StoreRole.SALES_MANAGER).values_list("user_id", flat=True)
    recipients = {reception.consultant_id, *managers} - {member.user_id}
    receiver = getattr(member.user, "name", "") or ""
    title = (gettext("撞单：客户「%(customer)s」由%(receiver)s接待")
             % {"customer": reception.customer.name, "receiver": receiver})[:120]
    body = gettext("到店 %(when)s，后续由原销售顾问跟进，今晚请完成回访。") % {
        "when": f"{timezone.localtime(reception.arrived_at):%m-%d %H:%M}"}
    notify([Notification(recipient_id=uid, kind="clash", title=title, body=body) for uid in sorted(recipients)])


@transaction.atomic
def reception_create(
    *, member: StoreMembership, mobile: str, name: str = "", grade: str = Grade.C, source: str = Source.WALK_IN,
    models_of_interest: str = "", visitors: int = 1, budget: str = "", needs: str = "", concerns: str = "",
    arrived_at: datetime | None = None,
) -> Reception:
    """接待登记: a phone number is enough; a new visitor becomes a customer, a returning one is found.

    Every reception joins the customer's open lead (or opens one) and is due for a return call tonight
    (handbook 004: 当天接待的客户，不论什么级别，当天晚上必须进行回访).

    撞单 (the visitor already belongs to another consultant): the visit is recorded with the owner as the
    consultant who follows up (evening call, departure SMS signed by them), the receiver in received_by_id;
    the receiver's grade and name are not applied to the owner's file; owner and sales managers are notified.
    `reception.clash` tells the caller to show only "this customer already has a consultant".
    """
    mobile = clean_mobile(mobile)
    grade = _grade(grade)
    if source not in Source.values:
        raise DomainError(gettext("来源取值无效。"), field="source")
    if not 1 <= int(visitors) <= 20:
        raise DomainError(gettext("到店人数应在 1–20 之间。"), field="visitors")
    _not_future_dt(arrived_at, field="arrived_at", label=gettext("到店时间"))
    customer = Customer.objects.filter(mobile=mobile).first() or Customer.objects.filter(mobile2=mobile).first()
    if customer is None:
        customer = customer_create(member=member, name=name.strip() or gettext("未留名客户"), mobile=mobile, source=source)
    follower = _follow_up_owner(member=member, customer=customer)
    clash = follower != member.user_id
    if not clash and customer.consultant_id is None and member.role in (StoreRole.SALES_CONSULTANT,
                                                                         StoreRole.SALES_MANAGER):
        # Unowned (never assigned, or in the 公海 pool): the receiver's, with any lead left open in the pool.
        Customer.objects.filter(pk=customer.pk).update(consultant_id=member.user_id, pooled_at=None, pool_reason="")
        Lead.objects.filter(customer=customer, status=LeadStatus.OPEN, consultant_id__isnull=True).update(
            consultant_id=member.user_id)
        customer.consultant_id = member.user_id
    lead = customer.leads.filter(status=LeadStatus.OPEN).order_by("-created_at").first()
    if lead is None:
        lead = lead_create(member=member, customer=customer, grade=grade, model_of_interest=models_of_interest,
                           source=LeadSource.WALK_IN)
    elif lead.grade != grade and not clash:
        lead_grade(member=member, lead=lead, grade=grade)
    today = timezone.localdate()
    if lead.next_followup_on is None or lead.next_followup_on > today:
        lead.next_followup_on = today
        lead.save(update_fields=["next_followup_on"])
    created = Reception.objects.create(
        customer=customer, lead=lead, consultant_id=follower, received_by_id=member.user_id, clash=clash,
        arrived_at=arrived_at or timezone.now(),
        visitors=visitors, source=source, models_of_interest=models_of_interest.strip()[:100],
        budget=_budget(budget), needs=needs.strip(), concerns=concerns.strip(),
    )
    if clash:
        _notify_clash(member=member, reception=created)
    cadence_after_event(customer_id=created.customer_id)  # follow-up tasks appear after the commit
    return created


def _budget(value: str) -> str:
    """购车预算 is free text (「15-20万」); a single amount is stored as a dealer writes it (23.58万)."""
    text = (value or "").strip()[:30]
    try:
        amount = parse_money(text, field="budget", label=gettext("购车预算"))
    except DomainError:
        return text  # a range or words: kept as typed
    return wan(amount) if amount is not None else ""


@transaction.atomic
def lead_grade(*, member: StoreMembership, lead: Lead, grade: str) -> Lead:
    """调整意向级别; H 级 (7 天内成交) is a key customer (重点客户) for the Monday review.

    A changed grade restarts the intent-grade follow-up cadence from now (graded_at); the engine
    closes the old grade's open follow-ups."""
    _open(lead)
    grade = _grade(grade)
    if grade != lead.grade:
        lead.graded_at = timezone.now()
    lead.grade = grade
    due = timezone.localdate() + timedelta(days=GRADE_FOLLOWUP_DAYS[lead.grade])
    if lead.next_followup_on is None or lead.next_followup_on > due:
        lead.next_followup_on = due
    lead.is_key = lead.is_key or lead.grade == Grade.H
    lead.save(update_fields=["grade", "next_followup_on", "is_key", "graded_at"])
    cadence_after_event(customer_id=lead.customer_id)
    return lead


@transaction.atomic
def lead_set_key(*, member: StoreMembership, lead: Lead, is_key: bool) -> Lead:
    """标记/取消重点客户."""
    _open(lead)
    lead.is_key = is_key
    lead.save(update_fields=["is_key"])
    return lead


@transaction.atomic
def followup_create(
    *, member: StoreMembership, customer: Customer, channel: str, content: str, lead: Lead | None = None,
    feedback: str = "", next_step: str = "", next_on: date | None = None, happened_at: datetime | None = None,
    outcome: str = "",
) -> FollowUp:
    """跟进记录: what was said, what the customer answered, and the next step with its date.

    `outcome` (联系结果) tells whether the customer was reached; the lead's first human contact is stamped
    here (crm.leads.contact) — with no lead named, the customer's open lead awaiting one."""
    if channel not in Channel.values:
        raise DomainError(gettext("请选择跟进方式（电话、短信、微信、到店）。"), field="channel")
    if outcome and outcome not in ContactOutcome.values:
        raise DomainError(gettext("联系结果取值无效。"), field="outcome")
    if not (content or "").strip():
        raise DomainError(gettext("请填写沟通内容。"), field="content")
    _not_future_dt(happened_at, field="happened_at", label=gettext("跟进时间"))
    happened_at = happened_at or timezone.now()
    if next_on is not None and next_on < timezone.localdate():
        raise DomainError(gettext("下次跟进日期不能早于今天。"), field="next_on")
    if lead is not None:
        if lead.customer_id != customer.pk:
            raise DomainError(gettext("线索不属于该客户。"), field="lead")
        _open(lead)
    on_time = lead is None or lead.next_followup_on is None or timezone.localtime(happened_at).date() <= \
        lead.next_followup_on
    followup = FollowUp.objects.create(
        customer=customer, lead=lead, staff_id=member.user_id, channel=channel, content=content.strip(),
        feedback=feedback.strip(), next_step=next_step.strip()[:200], next_on=next_on, happened_at=happened_at,
        on_time=on_time, outcome=outcome,
    )
    awaiting = lead or customer.leads.filter(status=LeadStatus.OPEN, first_contact_at__isnull=True,
                                             first_response_due_at__isnull=False).first()
    if awaiting is not None:
        first_contact_record(lead=awaiting, followup=followup)
    if lead is not None:
        lead.last_followup_at = happened_at
        lead.next_followup_on = next_on
        lead.next_step = followup.next_step
        lead.save(update_fields=["last_followup_at", "next_followup_on", "next_step"])
    return followup


@transaction.atomic
def test_drive_create(
    *, member: StoreMembership, customer: Customer, model: str, lead: Lead | None = None,
    driven_at: datetime | None = None, feedback: str = "", licence_checked: bool = True, book: bool = False,
) -> TestDrive:
    """试乘试驾: recorded after the drive (only with a checked driving licence), or booked (预约试驾) for
    a later time with `book=True` — the licence is then checked when the drive is kept."""
    if not (model or "").strip():
        raise DomainError(gettext("请填写试驾车型。"), field="model")
    if lead is not None and lead.customer_id != customer.pk:
        raise DomainError(gettext("线索不属于该客户。"), field="lead")
    if book:
        if driven_at is None or driven_at <= timezone.now():
            raise DomainError(gettext("预约试驾的时间应晚于现在。"), field="driven_at")
        status = TestDriveStatus.BOOKED
    else:
        if not licence_checked:
            raise DomainError(gettext("试驾前必须核验客户驾驶证。"), field="licence_checked")
        if driven_at is not None and driven_at > timezone.now() + timedelta(minutes=5):
            raise DomainError(gettext("试驾时间不能晚于现在；预约以后的试驾请勾选「预约试驾」。"), field="driven_at")
        status = TestDriveStatus.DONE
    created = TestDrive.objects.create(
        customer=customer, lead=lead, consultant_id=member.user_id, model=model.strip()[:60],
        driven_at=driven_at or timezone.now(), feedback=feedback.strip(), licence_checked=licence_checked and not book,
        status=status,
    )
    if status == TestDriveStatus.DONE:
        cadence_after_event(customer_id=created.customer_id)  # follow-up tasks appear after the commit
    return created


@transaction.atomic
def test_drive_keep(*, member: StoreMembership, drive: TestDrive, licence_checked: bool, feedback: str = "",
                    no_show: bool = False) -> TestDrive:
    """A booked test drive is kept (试驾完成, licence checked, now) or missed (未到店)."""
    if drive.status != TestDriveStatus.BOOKED:
        raise DomainError(gettext("该试驾不是待进行的预约。"))
    if no_show:
        drive.status = TestDriveStatus.NO_SHOW
        drive.save(update_fields=["status"])
        return drive
    if not licence_checked:
        raise DomainError(gettext("试驾前必须核验客户驾驶证。"), field="licence_checked")
    drive.status = TestDriveStatus.DONE
    drive.licence_checked = True
    drive.driven_at = timezone.now()
    drive.feedback = feedback.strip() or drive.feedback
    drive.save(update_fields=["status", "licence_checked", "driven_at", "feedback"])
    cadence_after_event(customer_id=drive.customer_id)  # the kept drive's follow-ups start now
    return drive


@transaction.atomic
def lead_close_deal(
    *, member: StoreMembership, lead: Lead, vin: str, amount: Decimal | str | None = None,
    delivered_on: date | None = None, **vehicle_fields: Any,
) -> Lead:
    """成交: the lead closes with the vehicle delivered; the customer becomes an owner (成交客户)."""
    _open(lead)
    amount = parse_money(amount, field="amount", label=gettext("成交金额"))
    delivered_on = delivered_on or timezone.localdate()
    vehicle = Vehicle.objects.filter(vin=(vin or "").strip().upper()).first()
    if vehicle is None:
        vehicle = vehicle_create(customer=lead.customer, vin=vin, delivered_on=delivered_on,
                                 purchased_on=vehicle_fields.pop("purchased_on", delivered_on), **vehicle_fields)
    elif vehicle.owner_id != lead.customer_id:
        raise DomainError(gettext("该车架号的车辆属于其他客户。"), field="vin")
    lead.status = LeadStatus.DEAL
    lead.deal_vehicle = vehicle
    lead.deal_amount = amount
    lead.closed_at = timezone.now()
    lead.next_followup_on = None
    lead.save()
    Customer.objects.filter(pk=lead.customer_id).update(lifecycle=Lifecycle.OWNER)
    lead_status_notify(lead=lead, event="converted")
    cadence_after_event(customer_id=lead.customer_id)
    return lead


@transaction.atomic
def lead_postpone(*, member: StoreMembership, lead: Lead, next_on: date, note: str = "") -> Lead:
    """延期: a key customer who did not close this week stays open with a new date."""
    _open(lead)
    if next_on < timezone.localdate():
        raise DomainError(gettext("延期后的跟进日期不能早于今天。"), field="next_on")
    lead.next_followup_on = next_on
    lead.next_step = note.strip()[:200] or lead.next_step
    lead.save(update_fields=["next_followup_on", "next_step"])
    return lead
