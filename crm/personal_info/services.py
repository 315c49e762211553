"""个人信息权利请求 (PIPL 个人信息保护法 Art. 44–47) and anonymisation: register a person's request,
answer it (a copy, a correction, a deletion), and anonymise customers — on request or when the retention
period has run out (the nightly job, `retention_run`).

Deletion is anonymisation. The rows statistics are made of stay (a car's repair orders and their count,
the return visits' answers behind the monthly report, complaint states and times behind HQ's figures,
the snapshots already in HQ), but nothing in them can point at the person any more: names, numbers,
addresses, free text and uploaded documents are replaced or deleted (ANONYMISED below, field by field).
Anonymised information is not personal information (PIPL Art. 73(4)), so this answers a deletion
request (Art. 47) without breaking the store's history (repair orders and vehicles are PROTECTed).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.roles import Perm, role_allows

from ..models import (
    Appointment,
    Complaint,
    Customer,
    CustomerAssignment,
    FollowUp,
    FollowUpTask,
    Lead,
    OutboxMessage,
    PersonalInfoRequest,
    Reception,
    ReturnVisit,
    ServiceVisit,
    SurveyAnswer,
    TestDrive,
    Vehicle,
    VehicleDocument,
)
from ..models.aftersales import ComplaintTransition, Notification, ReturnVisitCall
from ..models.appointments import KeyReviewItem
from ..models.cadence import OutboxStatus, TaskStatus
from ..models.personal_info import (
    Anonymisation,
    IdentityCheck,
    RequesterRelation,
    RequestKind,
    RequestStatus,
    RetentionRun,
)
from ..models.privacy import AccessAction
from ..privacy import Origin, access_record
from ..services.customers import customer_update
from ..validators import not_in_future
from .selectors import open_business, request_due_on, retention_candidates, retention_cutoff, retention_years

logger = logging.getLogger(__name__)

# ------------------------------------------------------------------ the access-log call site


def personal_data_accessed(*, member: StoreMembership | None, customer: Customer, action: str,
                           fields: list[str] | tuple[str, ...] = (), origin: Origin | None = None,
                           detail: str = "") -> None:
    """This flow's one call into the access log (crm.privacy.access_record): `action` is "export" (the
    customer's file was downloaded) or "anonymise". A correction goes through customer_update, which
    records its own change. The retention job (no member) is recorded by its Anonymisation rows."""
    if member is None:
        return
    kind = AccessAction.EXPORT if action == "export" else AccessAction.CHANGE
    access_record(member=member, action=kind, customer_ids=[customer.pk], fields=list(fields), origin=origin,
                  detail=detail)


# ------------------------------------------------------------------ what anonymisation replaces

ANONYMISED_MOBILE_PREFIX = "x"  # never a valid mobile (digits only), so it matches no search or import


def anonymised_name() -> str:
    return _("已匿名化客户")


def _customer_values(c: Customer) -> dict[str, Any]:
    """The customer row. Replaced: everything that names or reaches the person. Kept (statistics, and
    nothing that identifies on its own): gender, region (市区/县城/乡镇), occupation and age cohort
    (segment mix), source, lifecycle, consultant (per-consultant figures), the computed value class,
    loyalty, service class, visit and spend figures, last visit, created_at."""
    return {
        "name": anonymised_name(), "name_pinyin": "", "name_initials": "",
        "mobile": f"{ANONYMISED_MOBILE_PREFIX}{c.pk:010d}"[:11], "mobile2": "", "wechat": "", "email": "",
        "birthday": None, "call_time": "", "call_number": "", "notes": "", "tags": [],
        "may_call": False, "email_consent": False, "channels": [],
    }


@dataclass(frozen=True)
class Scrub:
    """One table's personal columns and what they become; rows are those whose `lookup` is the customer."""

    model: Any
    lookup: str
    values: dict[str, Any]
    kept: str  # what stays, and why (read by people, and listed on the GM's page)


ANONYMISED: tuple[Scrub, ...] = (
    # 一车一档: the car stays (its repair orders, mileage and maintenance figures count), but the plate and
    # the VIN (which registration records tie to a person) are replaced; a placeholder keeps VIN unique.
    Scrub(Vehicle, "owner", {"plate": ""}, "brand, model, trim, colour, usage, dates, mileage"),
    Scrub(ServiceVisit, "customer", {"notes": ""}, "order number, type, date, km, amount, advisor"),
    Scrub(Lead, "customer", {"next_step": "", "close_note": ""},
          "grade, model, status, deal amount, defeat reason and competitor (funnel and defeat figures)"),
    Scrub(Reception, "customer", {"needs": "", "concerns": ""}, "time, visitors, source, models, budget"),
    Scrub(FollowUp, "customer", {"content": "", "feedback": "", "next_step": ""},
          "channel, staff, time, on time (supervision figures)"),
    Scrub(TestDrive, "customer", {"feedback": ""}, "model, time, status"),
    Scrub(FollowUpTask, "customer", {"call_window": "", "message": "", "outcome_note": ""},
          "rule, dates, status, outcome (on-time and overdue figures)"),
    Scrub(OutboxMessage, "customer", {"to": "", "body": "", "last_error": ""}, "channel, status, times"),
    Scrub(ReturnVisit, "customer", {"number": "", "person_name": "", "remark": ""},
          "rule, dates, status, attempts, satisfied (the monthly return-visit report)"),
    Scrub(ReturnVisitCall, "visit__customer", {"note": ""}, "outcome, time"),
    Scrub(SurveyAnswer, "visit__customer", {"remark": ""}, "question, answer, rating (per-question satisfaction)"),
    Scrub(Complaint, "customer", {"description": "", "expected_resolution": "", "contact_name": "",
                                  "contact_phone": "", "cause_detail": "", "solution": "", "carried_out_note": ""},
          "channel, stage, model, state, times, cause category, responsible party, satisfaction"),
    Scrub(ComplaintTransition, "complaint__customer", {"note": ""}, "states and times"),
    Scrub(Notification, "complaint__customer", {"body": ""}, "title (complaint code), recipients"),
    # A notice's WeCom message to staff copies its text (a complaint's description).
    Scrub(OutboxMessage, "notification__complaint__customer", {"body": "", "params": {}},
          "staff recipient, status, times (the WeCom message of a complaint notice)"),
    Scrub(Appointment, "customer", {"note": ""}, "kind, time, status"),
    Scrub(CustomerAssignment, "customer", {"reason": ""}, "who handed over to whom, when"),
    Scrub(KeyReviewItem, "lead__customer", {"reason": ""}, "week, outcome"),
    Scrub(PersonalInfoRequest, "customer", {"identity_note": "", "details": ""},
          "kind, dates, status, identity check method (the record that the request was answered)"),
)


def _label(model: Any, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def anonymised_fields_table() -> list[dict[str, Any]]:
    """What anonymisation clears, table by table, for the GM's page (the customer row first)."""
    rows = [{"table": str(Customer._meta.verbose_name), "fields": [
        _label(Customer, k) for k in _customer_values(Customer(pk=0))
        if not k.startswith("name_")], "kept": "gender, region, occupation, age cohort, source, lifecycle, "
                                               "consultant, value class, loyalty, visit and spend figures"}]
    rows.insert(1, {"table": str(Vehicle._meta.verbose_name), "fields": [_label(Vehicle, k) for k in ("plate", "vin")], "kept": ANONYMISED[0].kept})
    rows += [{"table": str(s.model._meta.verbose_name), "fields": [_label(s.model, k) for k in s.values], "kept": s.kept} for s in ANONYMISED[1:]]
    rows.append({"table": str(VehicleDocument._meta.verbose_name), "fields": [_("记录与文件全部删除")], "kept": ""})
    return rows


@dataclass(frozen=True)
class AnonymiseResult:
    anonymisation: Anonymisation
    files: list[str]


def _anonymise(customer: Customer, *, reason: str, by_user_id: int | None,
               request: PersonalInfoRequest | None) -> AnonymiseResult:
    """The one anonymisation (inside the caller's transaction): replace, delete the documents' rows, record.
    The files go after the commit (a rollback leaves them)."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.anonymised_at is not None:
        raise DomainError(_("该客户已匿名化。"))
    now = timezone.now()
    cleared: list[str] = []
    rows = 0
    values = _customer_values(customer)
    Customer.objects.filter(pk=customer.pk).update(**values, anonymised_at=now, updated_at=now)
    cleared += [f"crm_customer.{k}" for k in values]
    rows += 1
    for scrub in ANONYMISED:
        n = scrub.model.objects.filter(**{scrub.lookup: customer}).update(**scrub.values)
        rows += n
        cleared += [f"{scrub.model._meta.db_table}.{k}" for k in scrub.values]
    for v in Vehicle.objects.filter(owner=customer).only("pk"):
        placeholder = f"ANON{v.pk:013d}"[-17:]
        Vehicle.objects.filter(pk=v.pk).update(vin=placeholder, vin_tail=placeholder[-6:])
    cleared += ["crm_vehicle.vin", "crm_vehicle.vin_tail"]
    # Work that would reach the person is closed: open calls skipped, pending messages cancelled.
    FollowUpTask.objects.filter(customer=customer, status=TaskStatus.OPEN).update(
        status=TaskStatus.SKIPPED, skip_reason=_("客户个人信息已匿名化"))
    OutboxMessage.objects.filter(customer=customer, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.CANCELLED)
    PersonalInfoRequest.objects.filter(customer=customer).update(requester_name=anonymised_name())
    cleared.append("crm_personalinforequest.requester_name")
    documents = list(VehicleDocument.objects.filter(vehicle__owner=customer))
    files = [d.file_path for d in documents if d.file_path]
    VehicleDocument.objects.filter(pk__in=[d.pk for d in documents]).delete()
    record = Anonymisation.objects.create(customer=customer, request=request, by_user_id=by_user_id,
                                          reason=reason[:300], fields=cleared, rows=rows + len(documents),
                                          files_deleted=len(files), at=now)
    transaction.on_commit(lambda: _delete_files(files))
    return AnonymiseResult(record, files)


def _delete_files(paths: list[str]) -> None:
    """After the commit: the uploaded documents' files (a rollback keeps them with their rows)."""
    for path in paths:
        default_storage.delete(path)


def _reason(reason: str, *, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise DomainError(_("请填写原因。"), field=field)
    if len(text) > 300:
        raise DomainError(_("原因不能超过 300 个字。"), field=field)
    return text


def _gm(member: StoreMembership) -> None:
    if not role_allows(member.role, Perm.PERSONAL_INFO_REQUESTS):
        raise DomainError(_("只有总经理可以处理个人信息权利请求。"))


def _open(request: PersonalInfoRequest, kind: str | None = None) -> None:
    if request.status != RequestStatus.OPEN:
        raise DomainError(_("该请求已办结。"))
    if kind is not None and request.kind != kind:
        raise DomainError(_("请求类型不符。"))


# ------------------------------------------------------------------ requests


@transaction.atomic
def request_register(*, member: StoreMembership, customer: Customer, kind: str, requester_name: str,
                     requester_relation: str = RequesterRelation.SELF, identity_check: str,
                     identity_note: str = "", details: str, received_on: dt.date) -> PersonalInfoRequest:
    """登记个人信息权利请求: who asked, how their identity was checked, what they asked, the day it came in;
    the deadline is the 15th working day after (crm.personal_info.selectors.request_due_on)."""
    _gm(member)
    if customer.anonymised_at is not None:
        raise DomainError(_("该客户已匿名化，本店不再持有其个人信息。"))
    if kind not in RequestKind.values:
        raise DomainError(_("请选择请求类型。"), field="kind")
    name = (requester_name or "").strip()
    if not name:
        raise DomainError(_("请填写请求人姓名。"), field="requester_name")
    if requester_relation not in RequesterRelation.values:
        raise DomainError(_("请选择与客户的关系。"), field="requester_relation")
    if identity_check not in IdentityCheck.values:
        raise DomainError(_("请选择身份核验方式。"), field="identity_check")
    text = (details or "").strip()
    if not text:
        raise DomainError(_("请填写请求内容（客户要求查阅、更正或删除什么，理由是什么）。"), field="details")
    not_in_future(received_on, field="received_on", label=_("收到日期"))
    return PersonalInfoRequest.objects.create(
        customer=customer, kind=kind, requester_name=name[:50], requester_relation=requester_relation,
        identity_check=identity_check, identity_note=(identity_note or "").strip()[:200], details=text,
        received_on=received_on, due_on=request_due_on(received_on), registered_by_id=member.user_id)


def _close(request: PersonalInfoRequest, *, member: StoreMembership, status: str, outcome: str) -> None:
    request.status = status
    request.outcome = outcome
    request.closed_by_id = member.user_id
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "outcome", "closed_by_id", "closed_at"])


@transaction.atomic
def request_answer_access(*, member: StoreMembership, request: PersonalInfoRequest,
                          outcome: str) -> PersonalInfoRequest:
    """查阅/复制 办结: the copy (the customer's file) was handed over; how, in `outcome`."""
    _gm(member)
    _open(request, RequestKind.ACCESS)
    _close(request, member=member, status=RequestStatus.DONE, outcome=_reason(outcome, field="outcome"))
    return request


@transaction.atomic
def request_correct(*, member: StoreMembership, request: PersonalInfoRequest, reason: str,
                    origin: Origin | None = None, **fields: Any) -> PersonalInfoRequest:
    """更正/补充: the fields change through the one customer edit service (its checks: a valid and unused
    mobile, …); the request records which fields changed, and is closed. Nothing is written on an error."""
    _gm(member)
    _open(request, RequestKind.CORRECTION)
    why = _reason(reason)
    customer = Customer.objects.select_for_update().get(pk=request.customer_id)
    before = {k: getattr(customer, k) for k in fields}
    customer_update(member=member, customer=customer, origin=origin, **fields)  # records the change
    changed = [k for k in fields if getattr(customer, k) != before[k]]
    if not changed:
        raise DomainError(_("没有修改任何内容。"))
    labels = "、".join(_label(Customer, k) for k in changed)
    _close(request, member=member, status=RequestStatus.DONE,
           outcome=_("已更正：%(fields)s。%(reason)s") % {"fields": labels, "reason": why})
    return request


@transaction.atomic
def request_refuse(*, member: StoreMembership, request: PersonalInfoRequest, reason: str) -> PersonalInfoRequest:
    """拒绝: e.g. identity could not be confirmed, or a law requires the store to keep the data (Art. 47
    last paragraph); the reason is required and is what the person is told."""
    _gm(member)
    _open(request)
    _close(request, member=member, status=RequestStatus.REFUSED, outcome=_reason(reason))
    return request


@transaction.atomic
def request_delete(*, member: StoreMembership, request: PersonalInfoRequest, reason: str,
                   origin: Origin | None = None) -> Anonymisation:
    """删除 (Art. 47): anonymise the customer (see the module docstring) and close the request, in one
    transaction. Refused while business is open (an unclosed complaint, an open lead, a booked
    appointment): the customer must be answered first, and then nothing can be half-done."""
    _gm(member)
    _open(request, RequestKind.DELETION)
    why = _reason(reason)
    blocking = open_business(request.customer, except_request=request)
    if blocking:
        raise DomainError(" ".join(blocking))
    result = _anonymise(request.customer, reason=why, by_user_id=member.user_id, request=request)
    request.refresh_from_db()
    _close(request, member=member, status=RequestStatus.DONE,
           outcome=_("已删除（匿名化）：%(reason)s") % {"reason": why})
    personal_data_accessed(member=member, customer=request.customer, action="anonymise", origin=origin,
                           fields=["anonymised"], detail=_("匿名化（请求 #%(no)s）") % {"no": request.pk})
    return result.anonymisation


# ------------------------------------------------------------------ retention


def retention_run(*, today: dt.date | None = None) -> RetentionRun:
    """保存期限到期处理 (nightly, per store): anonymise every customer past the retention period with no
    open business (crm.personal_info.selectors.retention_candidates), and report the counts on the
    RetentionRun row. Once per store day: a finished run of the day is returned as it is; an unfinished
    one (a killed worker) carries on. Each customer is anonymised in its own transaction, so one failure
    undoes nothing already done, and a customer who got open business meanwhile is skipped."""
    today = today or timezone.localdate()
    years = retention_years()
    run, _created = RetentionRun.objects.get_or_create(
        run_on=today, defaults={"retention_years": years, "cutoff": retention_cutoff(today, years)})
    if run.finished_at is not None:
        return run
    ids = list(retention_candidates(today=today, years=run.retention_years).values_list("pk", flat=True))
    run.candidates = run.anonymised + run.skipped + len(ids)
    # At most PERSONAL_INFO_RETENTION_BATCH a night (about 0.5 s each at 20,000 customers, benchmarks/
    # personal_info_bench.py), so a run ends well inside the task's time limit; the rest go the next nights.
    ids = ids[:max(0, settings.PERSONAL_INFO_RETENTION_BATCH - run.anonymised - run.skipped)]
    reason = _("保存期限届满：最近一次联系距今超过 %(years)s 年，且无进行中的业务。") % {"years": run.retention_years}
    for customer in Customer.objects.filter(pk__in=ids).order_by("pk"):
        with transaction.atomic():
            if open_business(customer):
                run.skipped += 1
                continue
            _anonymise(customer, reason=reason, by_user_id=None, request=None)
        run.anonymised += 1
        RetentionRun.objects.filter(pk=run.pk).update(anonymised=run.anonymised, candidates=run.candidates)
    run.finished_at = timezone.now()
    run.save(update_fields=["candidates", "anonymised", "skipped", "finished_at"])
    logger.info("retention run %s: %s past %s years, %s anonymised, %s skipped (open business)",
                run.run_on, run.candidates, run.retention_years, run.anonymised, run.skipped)
    return run
