"""Reads of the public schema: memberships, stores for a user, stores of a group."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import DealerGroup, GroupMembership, Store, StoreMembership, User


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
