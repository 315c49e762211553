"""客户合并: two records of one person become one (a sales manager's or the GM's decision).

Everything that points at the merged-away customer — vehicles (with their documents), ownership history,
leads, receptions, follow-ups, test drives, tasks and outbox messages, service visits, appointments,
return visits, complaints, assignments, pool claims — moves to the survivor in one transaction; the
person's fields (contact details, the return-call consent, e-mail consent, the owning consultant) are taken
from whichever record the manager chose, field by field; a CustomerMerge row keeps who, when, which two,
the choices and a copy of the merged record. Relations are found from the model graph, so a table that
points at Customer later moves without a change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.roles import Perm, role_allows

from ..cadence.tasks import cadence_after_event
from ..models import Customer, FollowUpTask, Lead, ReturnVisit
from ..models.cadence import TaskStatus
from ..models.choices import LeadStatus
from ..models.customers import Lifecycle
from ..models.pool import CustomerMerge
from ..pinyin import name_pinyin_keys

SURVIVOR, OTHER = "survivor", "other"
# The person's fields a manager chooses between (the rest — computed classes, dates — follow the data).
MERGE_FIELDS: dict[str, Any] = {
    "name": gettext_lazy("姓名"), "mobile": gettext_lazy("手机号"), "mobile2": gettext_lazy("备用手机号"),
    "wechat": gettext_lazy("微信号"), "gender": gettext_lazy("性别"), "birthday": gettext_lazy("生日"),
    "region": gettext_lazy("所在区域"), "occupation": gettext_lazy("职业"), "age_cohort": gettext_lazy("年龄段"),
    "consultant_id": gettext_lazy("销售顾问"), "may_call": gettext_lazy("同意回访"),
    "call_time": gettext_lazy("方便回访时段"), "call_number": gettext_lazy("回访号码"),
    "email": gettext_lazy("电子邮箱"), "email_consent": gettext_lazy("同意接收邮件"),
    "channels": gettext_lazy("允许的联系方式"), "notes": gettext_lazy("备注"),
}
_OPEN_TASK = (TaskStatus.OPEN, TaskStatus.OVERDUE, TaskStatus.SKIPPED)
_OPEN_VISIT = ("due", "retry")


def _relations() -> list[models.ForeignKey[Any, Any]]:
    """Every foreign key in the store CRM that points at Customer."""
    return [rel.field for rel in Customer._meta.related_objects
            if isinstance(rel.field, models.ForeignKey) and rel.related_model is not CustomerMerge]


def _count_moving(other: Customer) -> dict[str, int]:
    out: dict[str, int] = {}
    for fk in _relations():
        n = fk.model._default_manager.filter(**{fk.name: other}).count()
        if n:
            key = f"{fk.model._meta.model_name}.{fk.name}"
            out[key] = out.get(key, 0) + n
    return out


def _colliding(model: type[models.Model], survivor: Customer, other: Customer) -> models.QuerySet[Any]:
    """The merged customer's rows on a (rule, day) the survivor already has (unique per customer)."""
    taken = model._default_manager.filter(customer=survivor).values_list("rule_key", "due_date")
    keys = {(k, d) for k, d in taken}
    ids = [pk for pk, k, d in model._default_manager.filter(customer=other).values_list("pk", "rule_key", "due_date")
           if (k, d) in keys]
    return model._default_manager.filter(pk__in=ids)


@dataclass(frozen=True)
class MergeRow:
    field: str
    label: Any
    survivor: Any
    other: Any

    @property
    def differs(self) -> bool:
        return bool(self.survivor != self.other)


@dataclass(frozen=True)
class MergePreview:
    survivor: Customer
    other: Customer
    rows: list[MergeRow]
    moving: dict[str, int]
    dropped_duplicates: int  # the merged customer's open tasks/visits on a day the survivor already has one

    @property
    def moving_labels(self) -> list[tuple[str, int]]:
        """(what, how many) for the page: each moving kind by its model's name (车辆, 销售线索, 跟进任务…)."""
        models_by_key = {f"{fk.model._meta.model_name}.{fk.name}": fk for fk in _relations()}
        out: dict[str, int] = {}
        for key, n in self.moving.items():
            fk = models_by_key.get(key)
            label = str(fk.model._meta.verbose_name) if fk is not None else key
            if fk is not None and fk.name == "previous_owner":
                label = gettext("%(what)s（原车主）") % {"what": label}
            out[label] = out.get(label, 0) + n
        return sorted(out.items())


def customer_merge_check(*, member: StoreMembership, survivor: Customer, other: Customer) -> None:
    if not role_allows(member.role, Perm.SALES_DECISIONS):
        raise DomainError(gettext("只有销售经理或总经理可以合并客户。"))
    if survivor.pk == other.pk:
        raise DomainError(gettext("不能把客户与自己合并，请填写另一位客户的编号。"), field="other")


def customer_merge_preview(*, member: StoreMembership, survivor: Customer, other: Customer) -> MergePreview:
    """What the merge would do (read only): each field side by side, how many records move."""
    customer_merge_check(member=member, survivor=survivor, other=other)
    rows = [MergeRow(f, label, getattr(survivor, f), getattr(other, f)) for f, label in MERGE_FIELDS.items()]
    dropped = (_colliding(FollowUpTask, survivor, other).filter(status__in=_OPEN_TASK).count()
               + _colliding(ReturnVisit, survivor, other).filter(status__in=_OPEN_VISIT).count())
    return MergePreview(survivor, other, rows, _count_moving(other), dropped)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def customer_merge(*, member: StoreMembership, survivor: Customer, other: Customer,
                   choices: dict[str, str]) -> CustomerMerge:
    """合并: `other` goes into `survivor`; `choices[field]` is "other" to keep the merged record's value."""
    customer_merge_check(member=member, survivor=survivor, other=other)
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[survivor.pk, other.pk])}
    survivor, other = locked[survivor.pk], locked[other.pk]
    for model in (FollowUpTask, ReturnVisit):
        clash = _colliding(model, survivor, other)
        still_open = _OPEN_TASK if model is FollowUpTask else _OPEN_VISIT
        if clash.exclude(status__in=still_open).exists():
            raise DomainError(gettext("两位客户在同一天有同一条规则已完成的任务或回访，无法自动合并，请联系管理员。"))
        clash.delete()  # the survivor's own task/visit that day covers it
    snapshot = {f.attname: _jsonable(getattr(other, f.attname)) for f in Customer._meta.concrete_fields}
    moved = _count_moving(other)
    for fk in _relations():
        fk.model._default_manager.filter(**{fk.name: other}).update(**{fk.name: survivor})
    CustomerMerge.objects.filter(survivor=other).update(survivor=survivor)
    kept = {f: (OTHER if choices.get(f) == OTHER else SURVIVOR) for f in MERGE_FIELDS}
    values = {f: getattr(other if kept[f] == OTHER else survivor, f) for f in MERGE_FIELDS}
    if kept["mobile"] == OTHER and not values["mobile2"]:
        values["mobile2"] = survivor.mobile  # the survivor's number stays reachable as the second one
    tags = list(dict.fromkeys([*survivor.tags, *other.tags]))[:50]
    lifecycles = {survivor.lifecycle, other.lifecycle}
    lifecycle = (Lifecycle.OWNER if Lifecycle.OWNER in lifecycles
                 else Lifecycle.DEFEATED if lifecycles == {Lifecycle.DEFEATED} else Lifecycle.PROSPECT)
    other_pk = other.pk
    other.delete()  # nothing points at it any more; frees its mobile for the survivor
    for f, v in values.items():
        setattr(survivor, f, v)
    survivor.tags, survivor.lifecycle = tags, lifecycle
    survivor.name_pinyin, survivor.name_initials = name_pinyin_keys(survivor.name)
    if survivor.consultant_id is not None:
        survivor.pooled_at, survivor.pool_reason = None, ""
        Lead.objects.filter(customer=survivor, status__in=(LeadStatus.OPEN, LeadStatus.DEFEAT_PENDING)).update(
            consultant_id=survivor.consultant_id)
    survivor.updated_at = timezone.now()
    survivor.save()
    record = CustomerMerge.objects.create(
        survivor=survivor, merged_id=other_pk, merged_snapshot=snapshot, field_choices=kept, moved=moved,
        by_user_id=member.user_id)
    cadence_after_event(customer_id=survivor.pk)
    return record
