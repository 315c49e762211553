"""Reads for 个人信息权利请求 (PIPL Art. 44–47) and retention: one customer's whole file, the open
requests with their deadlines, the customers whose retention period has run out.

Call inside the store's schema; results are evaluated lists/dicts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import DateField, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Greatest, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hq.calendar import WorkCalendar, add_working_days
from hq.selectors import work_calendar_for_group
from tenants.exports import CellStyle, XlsxBook
from tenants.requests import current_store

from ..access import staff_names
from ..consent import consent_history
from ..models import (
    Appointment,
    Complaint,
    Customer,
    FollowUp,
    Lead,
    PersonalInfoRequest,
    Reception,
    ReturnVisit,
    ServiceVisit,
    TestDrive,
)
from ..models.aftersales import ComplaintState, CorrectiveAction, Notification, StaffNegligence
from ..models.appointments import AppointmentStatus, KeyReviewItem
from ..models.choices import LeadStatus
from ..models.personal_info import Anonymisation, RequestStatus, RetentionRun
from ..services.store_export import store_tables

# 15 个工作日: the time limit regulators hold a personal-information handler to for answering a person's
# request to see, copy, correct or delete their data — 《App违法违规收集使用个人信息行为认定方法》(国信办秘字
# 〔2019〕191号) item 6(3): "承诺时限不超过15个工作日"; GB/T 35273-2020 §8.7 c) says the same. The PIPL
# (Art. 50) itself requires a prompt answer and leaves the figure to these rules.
REQUEST_WORKING_DAYS = 15

# Tables about the store's own staff and internal reviews, not about the person: a copy for the customer
# leaves them out (an employee's negligence record is the employee's personal information).
_NOT_THE_PERSONS = {StaffNegligence, Notification, KeyReviewItem, CorrectiveAction, Anonymisation}
# Columns that are bookkeeping, not information about the person.
_SKIP_COLUMNS = {"name_pinyin", "name_initials", "vin_tail", "allowed_outcomes", "policy_version_id",
                 "policy_version_number", "survey_version_id", "sla_policy_version_id", "classified_at",
                 "task_id", "file_path", "content_type"}


def store_calendar() -> WorkCalendar:
    """The working-day calendar of the store this code runs in (its group's: HQ corrections over the
    national calendar)."""
    return work_calendar_for_group(current_store().group_id)


def request_due_on(received_on: dt.date, calendar: WorkCalendar | None = None) -> dt.date:
    """办理期限: the 15th working day after the day the request was received (see REQUEST_WORKING_DAYS)."""
    return add_working_days(received_on, REQUEST_WORKING_DAYS, calendar or store_calendar())


def working_days_left(due_on: dt.date, *, today: dt.date, calendar: WorkCalendar) -> int:
    """Working days from today (not counted) to the deadline (counted); 0 on the deadline day itself;
    negative once it has passed (the number of working days overdue)."""
    if due_on >= today:
        n, day = 0, today
        while day < due_on:
            day += dt.timedelta(days=1)
            n += calendar.is_working_day(day)
        return n
    n, day = 0, due_on
    while day < today:
        day += dt.timedelta(days=1)
        n += calendar.is_working_day(day)
    return -max(n, 1)


@dataclass(frozen=True)
class RequestRow:
    request: PersonalInfoRequest
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def open_requests() -> list[RequestRow]:
    """处理中的请求, soonest deadline first, with the working days left (negative = 已超期)."""
    calendar, today = store_calendar(), timezone.localdate()
    rows = PersonalInfoRequest.objects.filter(status=RequestStatus.OPEN).select_related("customer")
    return [RequestRow(r, working_days_left(r.due_on, today=today, calendar=calendar))
            for r in rows.order_by("due_on", "pk")]


def closed_requests(limit: int = 50) -> list[PersonalInfoRequest]:
    return list(PersonalInfoRequest.objects.exclude(status=RequestStatus.OPEN).select_related("customer")
                .order_by("-closed_at", "-pk")[:limit])


def get_request(pk: int | str) -> PersonalInfoRequest:
    """One request of this store; 404 (the same answer as "not yours") otherwise."""
    try:
        return PersonalInfoRequest.objects.select_related("customer").get(pk=int(pk))
    except (PersonalInfoRequest.DoesNotExist, ValueError, TypeError):
        raise Http404(_("页面不存在")) from None


# ------------------------------------------------------------------ one customer's file


@dataclass
class Section:
    """One table of the customer's file: a title, column labels and rows of readable values."""

    table: str
    title: str
    headers: list[str]
    rows: list[list[Any]]


def _lookups(model: Any) -> list[str]:
    """Lookup paths from `model` to the customer: its foreign keys to Customer, or one hop through a table
    that has one (a survey answer through its return visit, a mileage reading through its car)."""
    direct = [f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model is Customer]
    if direct:
        return direct
    paths = []
    for f in model._meta.concrete_fields:
        if f.is_relation and f.related_model is not None and f.related_model is not Customer:
            paths += [f"{f.name}__{name}" for name in _direct(f.related_model)]
    return paths


def _direct(model: Any) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model is Customer]


def _readable(obj: Any, field: Any, names: dict[int, str]) -> Any:
    value = getattr(obj, field.attname)
    if value is None or value == "":
        return ""
    if field.choices:
        return getattr(obj, f"get_{field.name}_display")()
    if field.is_relation:
        return str(getattr(obj, field.name))
    if field.attname.endswith("_id") and field.get_internal_type() == "BigIntegerField":
        return names.get(int(value), value)  # a staff member (public-schema user id)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list | dict):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return value


def customer_dossier(customer: Customer) -> list[Section]:
    """Everything the store holds about one customer (个人信息副本, PIPL Art. 45), table by table, as a
    person can read it: the customer's own record first, then every store table that points at them
    (crm.services.store_export.store_tables: the same list the whole-store export writes), minus the
    staff's internal records. Uploaded documents are listed, not copied."""
    names = staff_names(current_store().pk)
    sections = []
    for model, fields in store_tables():
        if model in _NOT_THE_PERSONS:
            continue
        if model is Customer:
            objs = [customer]
        else:
            paths = _lookups(model)
            if not paths:
                continue
            q = Q()
            for path in paths:
                q |= Q(**{path: customer})
            related = [f.name for f in fields if f.is_relation]  # shown by name: one join, not a query per row
            objs = list(model._default_manager.filter(q).select_related(*related).distinct().order_by("pk"))
        if not objs:
            continue
        shown = [f for f in fields if f.attname not in _SKIP_COLUMNS]
        sections.append(Section(
            table=model._meta.db_table, title=str(model._meta.verbose_name),
            headers=[str(f.verbose_name) for f in shown],
            rows=[[_readable(obj, f, names) for f in shown] for obj in objs]))
    return sections


def consent_rows(customer: Customer) -> list[list[Any]]:
    """同意记录: what the customer record holds now (回访, 联系方式, 邮件), then every grant and withdrawal in
    the consent ledger (crm.consent), newest first, with when and how it was recorded."""
    channels = ", ".join(str(c) for c in customer.channels) or _("未限制")
    rows: list[list[Any]] = [
        [_("同意回访"), _("是") if customer.may_call else _("否"), customer.call_time, customer.call_number],
        [_("允许的联系方式"), channels, "", ""],
        [_("同意接收邮件"), _("是") if customer.email_consent else _("否"), customer.email, ""],
    ]
    for event in consent_history(customer):
        rows.append([f"{event.get_channel_display()} · {event.get_purpose_display()}",
                     _("已同意") if event.granted else _("已撤回"),
                     timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M"),
                     " ".join(x for x in (str(event.get_source_display()), event.note, event.wording) if x)])
    return rows


# ------------------------------------------------------------------ retention


def retention_years() -> int:
    """保存年限 (settings.PERSONAL_INFO_RETENTION_YEARS, default 3)."""
    return int(settings.PERSONAL_INFO_RETENTION_YEARS)


def retention_cutoff(today: dt.date, years: int) -> dt.date:
    """The day `years` years before `today` (29 Feb → 28 Feb)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _latest(model: Any, field: str, *, is_datetime: bool) -> Subquery:
    value = TruncDate(field) if is_datetime else field
    return Subquery(model.objects.filter(customer=OuterRef("pk")).order_by().values("customer")
                    .annotate(m=Max(value)).values("m")[:1], output_field=DateField())


def with_last_contact(qs: QuerySet[Customer]) -> QuerySet[Customer]:
    """`last_contact`: the latest day the customer dealt with the store — the record was made, a visit
    to the showroom or the workshop, a follow-up, a test drive, a return visit answered, a complaint
    raised or closed, an appointment, a lead opened or closed (store-zone dates)."""
    return qs.annotate(last_contact=Greatest(
        Cast(TruncDate("created_at"), DateField()), "last_visit_on",
        _latest(FollowUp, "happened_at", is_datetime=True), _latest(Reception, "arrived_at", is_datetime=True),
        _latest(TestDrive, "driven_at", is_datetime=True), _latest(ServiceVisit, "visited_on", is_datetime=False),
        _latest(ReturnVisit, "completed_at", is_datetime=True),
        _latest(Complaint, "reported_at", is_datetime=True), _latest(Complaint, "closed_at", is_datetime=True),
        _latest(Appointment, "starts_at", is_datetime=True), _latest(Lead, "created_at", is_datetime=True),
        _latest(Lead, "closed_at", is_datetime=True), output_field=DateField()))


def open_business_q() -> Q:
    """进行中的业务 that keeps a customer's data: an open lead, a complaint not closed, a booked
    appointment, an open personal-information request."""
    return (Q(Exists(Lead.objects.filter(customer=OuterRef("pk"), status=LeadStatus.OPEN)))
            | Q(Exists(Complaint.objects.filter(customer=OuterRef("pk")).exclude(state=ComplaintState.CLOSED)))
            | Q(Exists(Appointment.objects.filter(customer=OuterRef("pk"), status=AppointmentStatus.BOOKED)))
            | Q(Exists(PersonalInfoRequest.objects.filter(customer=OuterRef("pk"), status=RequestStatus.OPEN))))


def open_business(customer: Customer, *, except_request: PersonalInfoRequest | None = None) -> list[str]:
    """What keeps this customer's data for now, as messages for the GM (empty = nothing)."""
    out = []
    complaints = [c.code for c in Complaint.objects.filter(customer=customer).exclude(state=ComplaintState.CLOSED)]
    if complaints:
        out.append(_("有未结案的投诉（%(codes)s），请先结案再删除。") % {"codes": "、".join(complaints)})
    if Lead.objects.filter(customer=customer, status=LeadStatus.OPEN).exists():
        out.append(_("有跟进中的销售线索，请先结案（成交、战败或延期）再删除。"))
    if Appointment.objects.filter(customer=customer, status=AppointmentStatus.BOOKED).exists():
        out.append(_("有已预约的服务，请先取消或办理到店再删除。"))
    others = PersonalInfoRequest.objects.filter(customer=customer, status=RequestStatus.OPEN)
    if except_request is not None:
        others = others.exclude(pk=except_request.pk)
    if others.exists():
        out.append(_("该客户还有其他处理中的个人信息请求，请先办结。"))
    return out


def retention_candidates(*, today: dt.date | None = None, years: int | None = None) -> QuerySet[Customer]:
    """The retention rule: customers not yet anonymised whose last contact (with_last_contact) is more
    than `years` years (default PERSONAL_INFO_RETENTION_YEARS = 3) before today, and who have no open
    business (open_business_q)."""
    today = today or timezone.localdate()
    cutoff = retention_cutoff(today, years if years is not None else retention_years())
    return past_retention(cutoff).exclude(open_business_q()).order_by("pk")


def past_retention(cutoff: dt.date) -> QuerySet[Customer]:
    """Customers not anonymised whose last contact is before `cutoff`. The record's own dates come first:
    a customer made or in the workshop since the cutoff cannot be past it, and the latest-contact
    subqueries then run only for the rest."""
    since = dt.datetime.combine(cutoff, dt.time.min, tzinfo=timezone.get_current_timezone())
    qs = Customer.objects.filter(anonymised_at__isnull=True, created_at__lt=since).filter(
        Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=cutoff))
    return with_last_contact(qs).filter(last_contact__lt=cutoff)  # type: ignore[misc]


def retention_overview(*, today: dt.date | None = None) -> dict[str, Any]:
    """The GM's dry run: how many customers the next nightly run would anonymise, and how many are past
    the period but held by open business."""
    today = today or timezone.localdate()
    years = retention_years()
    cutoff = retention_cutoff(today, years)
    expired = past_retention(cutoff)
    due = expired.exclude(open_business_q()).count()
    return {"years": years, "cutoff": cutoff, "due": due, "held": expired.count() - due,
            "anonymised_total": Customer.objects.filter(anonymised_at__isnull=False).count(),
            "runs": list(RetentionRun.objects.order_by("-run_on")[:14])}


def customer_file_xlsx(customer: Customer, *, store_name: str) -> bytes:
    """个人信息副本 as an XLSX a person can read (through the one export helper): a cover sheet (store,
    time, the customer, what each sheet holds, consents), then one sheet per table of customer_dossier."""
    sections = customer_dossier(customer)
    book = XlsxBook()
    bold = CellStyle(bold=True)
    cover = book.sheet(_("说明"), widths={"A": 22, "B": 40, "C": 18, "D": 18})
    cover.append([_("个人信息副本")], style=CellStyle(bold=True, size=14))
    cover.append([_("门店"), store_name])
    cover.append([_("客户"), customer.name])
    cover.append([_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    cover.append([_("依据"), _("《个人信息保护法》第四十四、四十五条：个人有权查阅、复制其个人信息。")])
    cover.append([])
    cover.append([_("工作表"), _("内容"), _("记录数")], style=bold)
    for s in sections:
        cover.append([s.title[:31], s.table, len(s.rows)])
    cover.append([])
    cover.append([_("同意记录"), _("状态"), _("时段/地址"), _("号码")], style=bold)
    for row in consent_rows(customer):
        cover.append(row)
    used: set[str] = set()
    for s in sections:
        title = s.title[:31]
        if title in used:
            title = f"{title[:27]}-{len(used)}"
        used.add(title)
        sheet = book.sheet(title)
        sheet.append(s.headers, style=bold)
        for row in s.rows:
            sheet.append(row)
    return book.to_bytes()
