"""Reads of the public schema: memberships, stores for a user, stores of a group."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import AccountEvent, DealerGroup, GroupMembership, Invitation, Store, StoreMembership, User
from .roles import StoreRole


def stores_for_user(user: User) -> list[Store]:
    """Stores the user works in (not archived), for the store switcher."""
    return [
        m.store
        for m in StoreMembership.objects.select_related("store")
        .filter(user=user, is_active=True)
        .exclude(store__status=Store.Status.ARCHIVED)
        .order_by("store__name")
    ]


def groups_for_user(user: User) -> list[GroupMembership]:
    return list(GroupMembership.objects.select_related("group").filter(user=user).order_by("group__name"))


def store_list_for_group(group: DealerGroup, *, include_archived: bool = True) -> QuerySet[Store]:
    """A group's stores; always filtered by group first (public tables fail closed)."""
    qs = Store.objects.filter(group=group).order_by("name")
    if not include_archived:
        qs = qs.exclude(status=Store.Status.ARCHIVED)
    return qs


def store_for_group(group: DealerGroup, store_id: int) -> Store | None:
    return Store.objects.filter(group=group, pk=store_id).first()


def store_members(store_id: int, *, roles: tuple[str, ...] | None = None,
                  include_inactive: bool = False) -> list[StoreMembership]:
    """The one "role → members" read: a store's members (active unless asked), optionally of some roles."""
    qs = StoreMembership.objects.filter(store_id=store_id).select_related("user")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if roles:
        qs = qs.filter(role__in=roles)
    return list(qs.order_by("-is_active", "user__name"))


def store_invitations(store: Store) -> QuerySet[Invitation]:
    """Invitations of a store not yet accepted (open, expired or revoked), newest first."""
    return store.invitations.filter(accepted_at__isnull=True).order_by("-created_at")


def account_events_for_store(store: Store, *, limit: int = 100) -> list[AccountEvent]:
    """账号事件 of one store, newest first (the GM's page)."""
    return list(AccountEvent.objects.filter(store=store).select_related("actor", "subject")
                .order_by("-created_at", "-pk")[:limit])


def account_events_for_group(group: DealerGroup, *, limit: int = 200) -> list[AccountEvent]:
    """账号事件 of every store of the group and of HQ itself, newest first (the HQ admin's page)."""
    return list(AccountEvent.objects.filter(group=group).select_related("actor", "subject", "store")
                .order_by("-created_at", "-pk")[:limit])


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    url: str


def first_day_checklist(*, store: Store, customers: int) -> list[ChecklistItem]:
    """Working hours confirmed, staff invited, customers imported, the group's policy in force.

    `customers` is the store's customer count (the caller reads it from the store CRM: tenants does
    not import crm). The policy item reads the store's adoptions through the reverse relation.
    """
    staff_invited = (store.invitations.exclude(role=StoreRole.GENERAL_MANAGER).exists()
                     or store.memberships.exclude(role=StoreRole.GENERAL_MANAGER).exists())
    return [
        ChecklistItem("hours", str(_("确认营业时间（所有时限按营业时间计算）")), store.hours_confirmed_at is not None,
                      reverse("store:hours")),
        ChecklistItem("staff", str(_("邀请员工")), staff_invited, reverse("store:staff")),
        ChecklistItem("customers", str(_("导入客户")), customers > 0, reverse("crm:import")),
        ChecklistItem("policy", str(_("集团政策已生效")), store.policy_adoptions.exists(),
                      reverse("cadence:policy")),
    ]


def store_role_members(store_id: int) -> dict[str, list[int]]:
    """The one "role → members" map: role → user ids of the store's active members, by user id."""
    out: dict[str, list[int]] = {}
    for role, user_id in (StoreMembership.objects.filter(store_id=store_id, is_active=True)
                          .order_by("user_id").values_list("role", "user_id")):
        out.setdefault(role, []).append(user_id)
    return out


def store_wecom_userids(store_id: int, user_ids: list[int]) -> dict[int, str]:
    """企业微信账号 of the store's active members among `user_ids` that have one (user id → WeCom userid)."""
    return dict(StoreMembership.objects.filter(store_id=store_id, user_id__in=user_ids, is_active=True)
                .exclude(wecom_userid="").values_list("user_id", "wecom_userid"))
