"""Policy template services: bootstrap, draft, edit, publish, adopt in stores, store overrides."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from tenants.errors import DomainError, NotFound
from tenants.models import DealerGroup, Store, User

from ..errors import PolicyNotEditable
from ..models import PolicyChangeNotice, PolicyKind, PolicyTemplate, PolicyVersion, StorePolicyAdoption
from ..policy.diff import policy_diff
from ..policy.overrides import overrides_clean, overrides_split
from ..policy.rules import policy_body_clean, tasks_per_year
from ..policy.starter import starter_body
from ..tasks import policy_fanout
from .messaging import sms_templates_check

log = logging.getLogger(__name__)


def _enqueue_fanout(version_id: int) -> None:
    policy_fanout.delay(version_id)


def _fanout_later(version_id: int) -> Callable[[], None]:
    return lambda: _enqueue_fanout(version_id)


@transaction.atomic
def group_policy_bootstrap(*, group: DealerGroup, actor: User | None = None) -> list[PolicyVersion]:
    """起始模板: give a new group a published v1 of every kind, built from the handbooks.

    Idempotent: a kind that already has a version is left alone. Existing stores adopt v1.
    """
    created = []
    for kind in PolicyKind.values:
        template, _ = PolicyTemplate.objects.get_or_create(group=group, kind=kind)
        if template.versions.exists():
            continue
        body = policy_body_clean(kind, starter_body(kind))
        now = timezone.now()
        version = PolicyVersion.objects.create(
            template=template, number=1, status=PolicyVersion.Status.PUBLISHED, body=body,
            note=gettext("起始模板(依据集团客户跟进管理办法与售后回访手册)"), created_by=actor, published_by=actor,
            published_at=now, created_at=now, updated_at=now,
            tasks_per_customer_year=tasks_per_year(body) if kind == PolicyKind.CADENCE else None,
        )
        created.append(version)
        transaction.on_commit(_fanout_later(version.pk))
    return created


@transaction.atomic
def policy_draft_start(*, group: DealerGroup, kind: str, actor: User | None = None) -> PolicyVersion:
    """起草新版本: the open draft, or a new one copied from the latest published version."""
    template, _ = PolicyTemplate.objects.get_or_create(group=group, kind=kind)
    PolicyTemplate.objects.select_for_update().filter(pk=template.pk).first()
    draft = template.versions.filter(status=PolicyVersion.Status.DRAFT).first()
    if draft is not None:
        return draft
    latest = template.versions.filter(status=PolicyVersion.Status.PUBLISHED).order_by("-number").first()
    body = latest.body if latest is not None else starter_body(kind)
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return PolicyVersion.objects.create(template=template, number=number, body=body, created_by=actor)


@transaction.atomic
def policy_draft_update(*, version: PolicyVersion, body: Any, note: str = "", actor: User | None = None
                        ) -> PolicyVersion:
    """修改草稿. A published version never changes: PolicyNotEditable. Bad content: PolicyInvalid."""
    locked = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_published:
        raise PolicyNotEditable(gettext("%(version)s 已发布，已发布的版本不能修改；请起草新版本。") % {"version": locked.label})
    locked.body = policy_body_clean(locked.template.kind, body, for_publish=False)
    locked.note = (note or "").strip()[:200]
    locked.updated_at = timezone.now()
    locked.save(update_fields=["body", "note", "updated_at"])
    return locked


def in_force(today: dt.date | None = None) -> Q:
    """Published versions whose effective date has come (or that took effect at publication)."""
    day = today or timezone.localdate()
    return Q(status=PolicyVersion.Status.PUBLISHED) & (Q(effective_on__isnull=True) | Q(effective_on__lte=day))


@transaction.atomic
def policy_version_publish(*, version: PolicyVersion, actor: User | None = None,
                           effective_on: dt.date | None = None) -> PolicyVersion:
    """发布: validate (including the task bound), freeze, and adopt it in every store (Celery fan-out).

    With a 生效日期 after today the stores adopt it on that day in the store's time (the hourly
    `policy_scheduled_adoptions_run`); today or none = at once."""
    locked = PolicyVersion.objects.select_for_update().select_related("template").get(pk=version.pk)
    if locked.is_published:
        raise PolicyNotEditable(gettext("%(version)s 已经发布过了。") % {"version": locked.label})
    today = timezone.localdate()
    if effective_on is not None and effective_on < today:
        raise DomainError(gettext("生效日期不能早于今天。"), field="effective_on")
    if effective_on is not None and effective_on > today + dt.timedelta(days=366):
        raise DomainError(gettext("生效日期不能晚于一年以后。"), field="effective_on")
    locked.effective_on = effective_on if effective_on is not None and effective_on > today else None
    kind = locked.template.kind
    body = policy_body_clean(kind, locked.body, for_publish=True)
    if kind == PolicyKind.CADENCE:
        sms_templates_check(locked.template.group, body)  # with a live SMS vendor: approved templates only
    now = timezone.now()
    locked.body = body
    locked.status = PolicyVersion.Status.PUBLISHED
    locked.published_at = now
    locked.published_by = actor
    locked.updated_at = now
    locked.tasks_per_customer_year = tasks_per_year(body) if kind == PolicyKind.CADENCE else None
    locked.save()
    if locked.effective_on is None:
        transaction.on_commit(lambda: _enqueue_fanout(locked.pk))
    log.info("policy %s %s published by %s, effective %s", kind, locked.label, getattr(actor, "pk", None),
             locked.effective_on or "now")
    return locked


def policy_scheduled_adoptions_run(*, today: dt.date | None = None) -> list[int]:
    """定时生效: fan out every published version whose effective date has come and that some store of
    its group has not adopted yet. Idempotent (adoption ignores a version a store already has or has
    passed); run hourly so a missed run catches up. Returns the version ids fanned out."""
    day = today or timezone.localdate()
    due = list(PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED, effective_on__isnull=False,
                                            effective_on__lte=day).select_related("template"))
    fanned = []
    for version in due:
        behind = (Store.objects.filter(group_id=version.template.group_id).exclude(status=Store.Status.ARCHIVED)
                  .exclude(policy_adoptions__kind=version.template.kind,
                           policy_adoptions__version__number__gte=version.number))
        if behind.exists():
            _enqueue_fanout(version.pk)
            fanned.append(version.pk)
    return fanned


@transaction.atomic
def store_policy_adopt(*, store_id: int, version_id: int) -> StorePolicyAdoption | None:
    """门店采用新版本. Idempotent: adopting the same or an older version again changes nothing.

    The store's overrides that the new version still allows are kept; the others are set aside
    in `dropped_overrides` so the store manager sees what changed.
    """
    version = PolicyVersion.objects.select_related("template").filter(in_force(), pk=version_id).first()
    store = Store.objects.filter(pk=store_id).first()
    if version is None or store is None or store.group_id != version.template.group_id:
        return None
    kind = version.template.kind
    adoption = (StorePolicyAdoption.objects.select_for_update().select_related("version")
                .filter(store=store, kind=kind).first())
    if adoption is None:
        adoption, created = StorePolicyAdoption.objects.get_or_create(
            store=store, kind=kind, defaults={"group_id": store.group_id, "version": version})
        if created:
            return adoption
        adoption = StorePolicyAdoption.objects.select_for_update().select_related("version").get(pk=adoption.pk)
    if adoption.version.number >= version.number:
        return adoption
    kept, dropped = overrides_split(kind, version.body, adoption.overrides)
    previous = adoption.version
    adoption.version = version
    adoption.adopted_at = timezone.now()
    adoption.overrides = kept
    adoption.dropped_overrides = dropped
    adoption.save(update_fields=["version", "adopted_at", "overrides", "dropped_overrides"])
    # 变更通知 for the store's managers: what changed from the version they had (hq.policy.diff).
    PolicyChangeNotice.objects.get_or_create(store=store, version=version, defaults={
        "kind": kind, "from_number": previous.number, "dropped_overrides": dropped,
        "rows": _stored_diff(kind, previous.body, version.body)})
    return adoption


def _stored_diff(kind: str, old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """The diff kept in a change notice is written in the site's language (zh-hans), whoever published."""
    with translation.override(settings.LANGUAGE_CODE):
        return [asdict(r) for r in policy_diff(kind, old, new)]


def store_policy_adopt_current(*, store: Store) -> list[StorePolicyAdoption]:
    """A newly onboarded store adopts every version its group has in force."""
    out = []
    for kind in PolicyKind.values:
        latest = (PolicyVersion.objects.filter(in_force(), template__group_id=store.group_id, template__kind=kind)
                  .order_by("-number").first())
        if latest is not None:
            adoption = store_policy_adopt(store_id=store.pk, version_id=latest.pk)
            if adoption is not None:
                out.append(adoption)
    return out


@transaction.atomic
def store_policy_override_set(*, store: Store, kind: str, overrides: dict[str, Any], actor: User | None = None
                              ) -> StorePolicyAdoption:
    """门店调整: set the store's overrides (replacing the previous ones), only within the open fields."""
    adoption = (StorePolicyAdoption.objects.select_for_update().select_related("version")
                .filter(store=store, kind=kind).first())
    if adoption is None:
        raise NotFound(gettext("本门店还没有采用该类政策模板。"))
    adoption.overrides = overrides_clean(kind, adoption.version.body, overrides)
    adoption.dropped_overrides = {}
    adoption.overrides_updated_at = timezone.now()
    adoption.overrides_updated_by = actor
    adoption.save(update_fields=["overrides", "dropped_overrides", "overrides_updated_at", "overrides_updated_by"])
    return adoption
