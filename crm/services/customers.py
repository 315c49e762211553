"""Writes to customers: 建档, 修改, 转移 (reassignment is a manager action and is recorded)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.requests import current_store
from tenants.roles import Perm, StoreRole, role_allows
from tenants.staff import SALES, store_staff_check

from ..access import sees_all
from ..consent import consent_record
from ..errors import DuplicateMobile
from ..models import AccessAction, Customer, CustomerAssignment, Lead, SavedView
from ..models.choices import AgeCohort, Channel, Gender, LeadStatus, Occupation, Region, Source
from ..pinyin import name_pinyin_keys
from ..privacy import Origin, access_record, changed_fields
from ..validators import clean_mobile, not_in_future

_CHOICES: dict[str, Any] = {
    "gender": Gender, "region": Region, "occupation": Occupation, "age_cohort": AgeCohort, "source": Source,
}
_LABELS = {"gender": gettext_lazy("性别"), "region": gettext_lazy("所在区域"), "occupation": gettext_lazy("职业"),
           "age_cohort": gettext_lazy("年龄段"), "source": gettext_lazy("客户来源")}
EDITABLE = (
    "name", "mobile", "mobile2", "wechat", "gender", "birthday", "region", "occupation", "age_cohort", "source",
    "may_call", "call_time", "call_number", "channels", "tags", "notes", "email", "email_consent",
)


def _store_id() -> int:
    return current_store().pk


def consultant_check(consultant_id: int | None) -> None:
    """The owning consultant must be active sales staff of this store (tenants.staff decides)."""
    store_staff_check(consultant_id, field="consultant_id", roles=SALES,
                      message=_("所选销售顾问不是本店在职销售人员。"))


def mobile_check(mobile: str, *, field: str, exclude_pk: int | None = None,
                 member: StoreMembership | None = None) -> None:
    """A mobile number belongs to one customer of the store (main or spare number).

    The error names and links the existing customer only when `member` may see them (issue 15)."""
    qs = Customer.objects.filter(Q(mobile=mobile) | Q(mobile2=mobile))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    existing = qs.only("pk", "name", "consultant_id").first()
    if existing is not None:
        visible = member is None or sees_all(member) or existing.consultant_id == member.user_id
        raise DuplicateMobile(customer_id=existing.pk if visible else None,
                              customer_name=existing.name if visible else "", field=field)


def email_clean(value: str | None) -> str:
    """电子邮箱: optional; stored trimmed with the domain in lower case, refused when malformed."""
    email = (value or "").strip()
    if not email:
        return ""
    if len(email) > 254:
        raise DomainError(_("电子邮箱不能超过 254 个字符。"), field="email")
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("电子邮箱格式不正确，例如 zhang.san@example.com。"), field="email") from None
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _clean(data: dict[str, Any], *, exclude_pk: int | None,
           member: StoreMembership | None = None) -> dict[str, Any]:
    out = dict(data)
    if "name" in out:
        out["name"] = (out["name"] or "").strip()
        if not out["name"]:
            raise DomainError(_("请填写客户姓名。"), field="name")
        if len(out["name"]) > 50:
            raise DomainError(_("客户姓名不能超过 50 个字。"), field="name")
        out["name_pinyin"], out["name_initials"] = name_pinyin_keys(out["name"])
    for key in ("mobile", "mobile2", "call_number"):
        if key in out:
            out[key] = clean_mobile(out[key] or "", field=key, required=key == "mobile")
    if out.get("mobile2") and out.get("mobile2") == out.get("mobile"):
        out["mobile2"] = ""
    for key in ("mobile", "mobile2"):
        if out.get(key):
            mobile_check(out[key], field=key, exclude_pk=exclude_pk, member=member)
    for key, enum in _CHOICES.items():
        if out.get(key) and out[key] not in enum.values:
            raise DomainError(_("%(label)s取值无效。") % {"label": _LABELS[key]}, field=key)
    if "channels" in out:
        bad = [c for c in out["channels"] or [] if c not in Channel.values]
        if bad:
            raise DomainError(_("联系方式取值无效。"), field="channels")
    if "email" in out:
        out["email"] = email_clean(out["email"])
    if "email_consent" in out:
        out["email_consent"] = bool(out["email_consent"])
        if out["email_consent"] and "email" in out and not out["email"]:
            raise DomainError(_("请先填写电子邮箱，再勾选同意接收邮件。"), field="email")
    if "email" in out and not out["email"]:
        out["email_consent"] = False  # no address, nothing to consent to
    if "tags" in out:
        out["tags"] = sorted({t.strip()[:20] for t in out["tags"] or [] if t and t.strip()})
    birthday = out.get("birthday")
    if isinstance(birthday, date):
        not_in_future(birthday, field="birthday", label=_("生日"))
    return out


@transaction.atomic
def customer_create(
    *, member: StoreMembership, name: str, mobile: str, consultant_id: int | None = None,
    origin: Origin | None = None, **fields: Any
) -> Customer:
    """客户建档. A consultant always owns what they create; managers may name the owner.

    Recorded in the access log (个人信息访问记录) with the fields given."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise DomainError(_("未知字段：%(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if not sees_all(member) or consultant_id is None:
        consultant_id = member.user_id if member.role in (StoreRole.SALES_CONSULTANT, StoreRole.SALES_MANAGER) \
            else consultant_id
    consultant_check(consultant_id)
    data = _clean({"name": name, "mobile": mobile, **fields}, exclude_pk=None, member=member)
    customer = Customer.objects.create(consultant_id=consultant_id, **data)
    access_record(member=member, action=AccessAction.CREATE, customer_ids=[customer.pk], origin=origin,
                  fields=[k for k in EDITABLE if data.get(k) not in (None, "", [], False)])
    if customer.email_consent:  # a grant is recorded with who took it (the consent ledger, crm.consent)
        consent_record(customer=customer, channel="email", purpose="notification", granted=True, source="form",
                       recorded_by_id=member.user_id)
    return customer


@transaction.atomic
def customer_update(*, member: StoreMembership, customer: Customer, origin: Origin | None = None,
                    **fields: Any) -> Customer:
    """修改客户资料. The owner changes only through customer_reassign.

    The fields whose value changed are recorded in the access log (their names, not their values)."""
    if customer.anonymised_at is not None:
        raise DomainError(_("该客户已匿名化，不能修改资料。"))
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise DomainError(_("不能修改字段：%(fields)s") % {"fields": ", ".join(sorted(unknown))})
    data = _clean(fields, exclude_pk=customer.pk, member=member)
    before = {key: getattr(customer, key) for key in data}
    consent_before = {"email_consent": customer.email_consent, "may_call": customer.may_call}
    for key, value in data.items():
        setattr(customer, key, value)
    customer.save(update_fields=[*data.keys(), "updated_at"])
    changed = [k for k in changed_fields(before, data) if k in EDITABLE]
    if changed:
        access_record(member=member, action=AccessAction.CHANGE, customer_ids=[customer.pk], fields=changed,
                      origin=origin)
    # A changed consent on the form is an entry in the ledger (who, when, from the customer file).
    for flag, (channel, purpose) in {"email_consent": ("email", "notification"),
                                     "may_call": ("call", "return_visit")}.items():
        if flag in data and data[flag] != consent_before[flag]:
            consent_record(customer=customer, channel=channel, purpose=purpose, granted=bool(data[flag]),
                           source="form", recorded_by_id=member.user_id)
    return customer


@transaction.atomic
def customer_reassign(
    *, member: StoreMembership, customer: Customer, consultant_id: int, reason: str = ""
) -> Customer:
    """客户转移: a manager hands the customer (and their open leads) to a named colleague."""
    if not role_allows(member.role, Perm.REASSIGN_CUSTOMERS):
        raise DomainError(_("只有经理可以转移客户。"))
    if customer.consultant_id == consultant_id:
        raise DomainError(_("客户已归属该销售顾问。"), field="consultant_id")
    customers_move(customer_ids=[customer.pk], consultant_id=consultant_id, by_user_id=member.user_id, reason=reason)
    customer.refresh_from_db(fields=["consultant_id", "updated_at"])
    return customer


@transaction.atomic
def customers_move(*, customer_ids: list[int], consultant_id: int, by_user_id: int, reason: str = "") -> int:
    """The one reassignment rule (single 客户转移 and 离职交接 alike): the new owner is active sales staff
    of the store; each customer's move is recorded (CustomerAssignment) and their open leads follow.
    Customers already owned by `consultant_id` are left alone. Returns how many customers moved."""
    consultant_check(consultant_id)
    moving = list(Customer.objects.select_for_update().filter(pk__in=customer_ids)
                  .exclude(consultant_id=consultant_id).values_list("pk", "consultant_id"))
    if not moving:
        return 0
    CustomerAssignment.objects.bulk_create([
        CustomerAssignment(customer_id=pk, from_consultant_id=old, to_consultant_id=consultant_id,
                           by_user_id=by_user_id, reason=reason.strip()[:200])
        for pk, old in moving
    ])
    ids = [pk for pk, _ in moving]
    Lead.objects.filter(customer_id__in=ids, status__in=(LeadStatus.OPEN, LeadStatus.DEFEAT_PENDING)).update(
        consultant_id=consultant_id)
    Customer.objects.filter(pk__in=ids).update(consultant_id=consultant_id, updated_at=timezone.now())
    return len(ids)


def saved_view_save(*, member: StoreMembership, name: str, query: str) -> SavedView:
    """保存常用筛选: the member's named customer-list filter (the same name again replaces its query)."""
    saved, _created = SavedView.objects.update_or_create(user_id=member.user_id, name=name.strip()[:40],
                                                         defaults={"query": query[:500]})
    return saved
