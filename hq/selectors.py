"""Reads of HQ tables. Public tables are always read through the group first (fail closed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from tenants.errors import DomainError
from tenants.models import DealerGroup, Store

from .calendar import WorkCalendar
from .models import (
    CalendarDay,
    CalendarYear,
    PolicyChangeNotice,
    PolicyKind,
    PolicyTemplate,
    PolicyVersion,
    StorePolicyAdoption,
)
from .policy.overrides import OpenField, effective_body, open_fields


@dataclass(frozen=True)
class TemplateSummary:
    kind: str
    label: str
    template: PolicyTemplate | None
    published: PolicyVersion | None
    draft: PolicyVersion | None
    stores_total: int
    stores_current: int


def policy_versions_for_group(group: DealerGroup, kind: str) -> QuerySet[PolicyVersion]:
    """版本历史: newest first."""
    return (PolicyVersion.objects.filter(template__group=group, template__kind=kind)
            .select_related("template", "created_by", "published_by").order_by("-number"))


def policy_version_for_group(group: DealerGroup, version_id: int) -> PolicyVersion | None:
    """A version of this group's templates; None for another group's (the caller answers 404)."""
    return (PolicyVersion.objects.select_related("template", "template__group")
            .filter(template__group=group, pk=version_id).first())


def policy_published_latest(group: DealerGroup, kind: str) -> PolicyVersion | None:
    return (PolicyVersion.objects.filter(template__group=group, template__kind=kind,
                                         status=PolicyVersion.Status.PUBLISHED).order_by("-number").first())


def policy_draft(group: DealerGroup, kind: str) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(template__group=group, template__kind=kind,
                                        status=PolicyVersion.Status.DRAFT).first()


def policy_previous_published(version: PolicyVersion) -> PolicyVersion | None:
    """The published version a draft (or a published version) is compared with."""
    return (PolicyVersion.objects.filter(template_id=version.template_id, status=PolicyVersion.Status.PUBLISHED,
                                         number__lt=version.number).order_by("-number").first())


def policy_template_summaries(group: DealerGroup) -> list[TemplateSummary]:
    """模板列表: each kind with its published version, open draft and how many stores run it."""
    stores_total = Store.objects.filter(group=group).exclude(status=Store.Status.ARCHIVED).count()
    templates = {t.kind: t for t in PolicyTemplate.objects.filter(group=group)}
    out = []
    for kind, label in PolicyKind.choices:
        published = policy_published_latest(group, kind)
        current = 0
        if published is not None:
            current = StorePolicyAdoption.objects.filter(group=group, kind=kind, version=published).exclude(
                store__status=Store.Status.ARCHIVED).count()
        out.append(TemplateSummary(kind, str(label), templates.get(kind), published, policy_draft(group, kind),
                                   stores_total, current))
    return out


@dataclass(frozen=True)
class AdoptionRow:
    store: Store
    adoption: StorePolicyAdoption | None
    is_current: bool


def policy_adoptions_for_group(group: DealerGroup, kind: str) -> list[AdoptionRow]:
    """门店执行情况: per store (not archived), which version is in force and since when."""
    latest = policy_published_latest(group, kind)
    adoptions = {a.store_id: a for a in StorePolicyAdoption.objects.filter(group=group, kind=kind)
                 .select_related("version")}
    rows = []
    for store in Store.objects.filter(group=group).exclude(status=Store.Status.ARCHIVED).order_by("name"):
        a = adoptions.get(store.pk)
        rows.append(AdoptionRow(store, a, a is not None and latest is not None and a.version_id == latest.pk))
    return rows


@dataclass(frozen=True)
class EffectivePolicy:
    """执行中的政策: the version in force at a store, its overrides and the result."""

    kind: str
    version: PolicyVersion
    adoption: StorePolicyAdoption
    overrides: dict[str, Any]
    body: dict[str, Any]
    open: dict[str, OpenField]


def policy_effective(store: Store, kind: str) -> EffectivePolicy | None:
    """The store's effective policy of `kind` = adopted template version + allowed overrides."""
    adoption = (StorePolicyAdoption.objects.select_related("version")
                .filter(group_id=store.group_id, store=store, kind=kind).first())
    if adoption is None:
        return None
    body = adoption.version.body
    return EffectivePolicy(kind, adoption.version, adoption, dict(adoption.overrides),
                           effective_body(body, adoption.overrides), open_fields(kind, body))


class PolicyNotAdopted(DomainError):
    """The store has no adoption of a policy kind: HQ has not published one, or its fan-out has not
    reached the store yet. Reading never adopts (adoption happens at onboarding and on publication)."""


def policy_required(store: Store, kind: str) -> EffectivePolicy:
    """The store's effective policy of `kind`, read only; PolicyNotAdopted (a clear message) if none."""
    policy = policy_effective(store, kind)
    if policy is None:
        label = PolicyKind(kind).label if kind in PolicyKind.values else kind
        raise PolicyNotAdopted(gettext("本店尚未采用集团的「%(label)s」模板：集团总部发布后会自动下发到本店；"
                                       "如已发布仍未下发，请联系集团总部。") % {"label": label})
    return policy
def policy_notices_for_store(store: Store, *, days: int = 30) -> list[PolicyChangeNotice]:
    """政策变更通知 of the last `days` days for this store's managers, newest first."""
    since = timezone.now() - dt.timedelta(days=days)
    return list(PolicyChangeNotice.objects.filter(store=store, created_at__gte=since)
                .select_related("version").order_by("-created_at")[:20])


def work_calendar_for_group(group_id: int) -> WorkCalendar:
    """The group's calendar: HQ corrections over chinese-calendar over weekends."""
    cal = WorkCalendar()
    for day, is_working, name in CalendarDay.objects.filter(group_id=group_id).values_list(
            "day", "is_working", "name"):
        cal.corrections[day] = is_working
        if name:
            cal.names[day] = name
    cal.entered_years = set(CalendarYear.objects.filter(group_id=group_id).values_list("year", flat=True))
    return cal


def calendar_years_to_check(today: dt.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return [today.year, today.year + 1]


def calendar_days_for_group(group: DealerGroup, year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(group=group, day__year=year).order_by("day")
