"""门店开通: an HQ admin onboards a store; its schema, domain and first manager arrive together."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from .. import hooks
from ..errors import Conflict, DomainError
from ..models import AccountEvent, DealerGroup, Domain, Invitation, Store, User
from ..roles import StoreRole
from ..validators import clean_cn_mobile, format_cn_mobile, validate_store_slug
from .events import account_event_record
from .schema_clone import clone_template_into
from .staff import INVITATION_TTL, invitation_send

DEFAULT_WORKING_HOURS = {d: ["08:30", "18:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@dataclass(frozen=True)
class OnboardResult:
    store: Store
    invitation: Invitation | None
    created: bool


def store_domain(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"


def schema_name_for(slug: str) -> str:
    return "s_" + slug.replace("-", "_")


def store_url(store: Store) -> str:
    return f"{settings.SITE_SCHEME}://{store_domain(store.slug)}{settings.SITE_PORT}/"


def _validate(*, name: str, slug: str, city: str, gm_name: str, gm_mobile: str, gm_email: str) -> str:
    if not name.strip():
        raise DomainError(gettext("请填写门店名称。"), field="name")
    if not city.strip():
        raise DomainError(gettext("请填写门店所在城市。"), field="city")
    try:
        validate_store_slug(slug)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="slug") from exc
    if not gm_name.strip():
        raise DomainError(gettext("请填写首位总经理的姓名。"), field="gm_name")
    mobile = clean_cn_mobile(gm_mobile, field="gm_mobile")
    if not mobile and not gm_email:
        raise DomainError(gettext("请填写总经理的手机号或电子邮箱，用于发送邀请。"), field="gm_mobile")
    return mobile


def store_onboard(
    *,
    group: DealerGroup,
    name: str,
    slug: str,
    city: str,
    gm_name: str,
    gm_mobile: str = "",
    gm_email: str = "",
    brands: list[str] | None = None,
    address: str = "",
    working_hours: dict[str, list[str]] | None = None,
    invited_by: User | None = None,
    onboarding_key: str | None = None,
) -> OnboardResult:
    """Create a store: row, schema (cloned from the template), domain and the GM's invitation.

    All of it commits together or not at all. The same `onboarding_key` returns the store the
    first request created, so a double-clicked form or a retried API call makes one store.
    """
    slug = (slug or "").strip().lower()
    mobile = _validate(name=name, slug=slug, city=city, gm_name=gm_name, gm_mobile=gm_mobile, gm_email=gm_email)
    if onboarding_key:
        existing = Store.objects.filter(onboarding_key=onboarding_key).first()
        if existing is not None:
            return _replay(existing, group)
    if Store.objects.filter(slug=slug).exists():
        raise Conflict(gettext("门店标识“%(slug)s”已被使用，请换一个。") % {"slug": slug}, field="slug")
    try:
        with transaction.atomic():
            store = Store.objects.create(
                schema_name=schema_name_for(slug),
                group=group,
                name=name.strip(),
                slug=slug,
                city=city.strip(),
                address=address.strip(),
                brands=[b.strip() for b in (brands or []) if b.strip()],
                working_hours=working_hours or DEFAULT_WORKING_HOURS,
                onboarding_key=onboarding_key or None,
            )
            clone_template_into(store.schema_name)
            Domain.objects.create(domain=store_domain(slug), tenant=store, is_primary=True)
            invitation = Invitation.objects.create(
                store=store,
                role=StoreRole.GENERAL_MANAGER,
                name=gm_name.strip(),
                mobile=mobile,
                email=gm_email.strip(),
                invited_by=invited_by,
                expires_at=timezone.now() + INVITATION_TTL,
            )
            account_event_record(kind=AccountEvent.Kind.INVITATION_SENT, store=store, actor=invited_by,
                                 detail={"mobile": format_cn_mobile(mobile), "name": invitation.name,
                                         "role": invitation.role})
            invitation_send(invitation)
            # The group's policies in force apply from the first minute (same transaction: all or nothing).
            hooks.run("store_onboarded", store=store)
            transaction.on_commit(lambda: _after_onboard(store.group_id))
    except IntegrityError as exc:
        # Lost a race with an identical request, or with another store taking the slug.
        if onboarding_key:
            existing = Store.objects.filter(onboarding_key=onboarding_key).first()
            if existing is not None:
                return _replay(existing, group)
        raise Conflict(gettext("门店标识“%(slug)s”已被使用，请换一个。") % {"slug": slug}, field="slug") from exc
    return OnboardResult(store=store, invitation=invitation, created=True)


def _replay(store: Store, group: DealerGroup) -> OnboardResult:
    if store.group_id != group.id:
        raise Conflict(gettext("该请求编号已被使用。"), field="onboarding_key")
    invitation = store.invitations.filter(role=StoreRole.GENERAL_MANAGER).order_by("created_at").first()
    return OnboardResult(store=store, invitation=invitation, created=False)


def _after_onboard(group_id: int) -> None:
    hooks.run("billable_stores_changed", group_id=group_id)  # billing: the subscription's quantity


@transaction.atomic
def store_set_status(*, store: Store, status: str, actor: User | None = None) -> Store:
    """Suspend (read-only), reactivate or archive a store. Archiving keeps its data."""
    if status not in Store.Status.values:
        raise DomainError(gettext("未知的门店状态：%(status)s") % {"status": status}, field="status")
    store.status = status
    store.save(update_fields=["status"])
    transaction.on_commit(lambda: _after_onboard(store.group_id))
    return store
