"""The one check that an id naming staff (consultant_id, owner_id, negligence_staff_id, …) is an active
member of THIS store with a role that fits — for services (forms reach them) and for the API
(`StoreStaffField`, like PostHog's TeamScopedPrimaryKeyRelatedField).

The store is the one the request or task runs in (`connection.tenant`); outside a store nothing
passes (fail safe). The answer is the same for an id that does not exist, belongs to another store
or group, or to a member who left: the error never tells whether the id exists elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from rest_framework import serializers

from .errors import DomainError
from .models import StoreMembership
from .roles import StoreRole

SALES = (StoreRole.SALES_CONSULTANT, StoreRole.SALES_MANAGER)


def _current_store_id() -> int | None:
    tenant = getattr(connection, "tenant", None)
    pk = getattr(tenant, "pk", None)
    return int(pk) if pk and getattr(tenant, "schema_name", "public") != "public" else None


def store_staff_member(user_id: Any, *, roles: Iterable[str] | None = None) -> StoreMembership | None:
    """The active membership of `user_id` in the current store (role among `roles` if given), or None."""
    store_id = _current_store_id()
    try:
        uid = int(user_id)
    except (TypeError, ValueError):
        return None
    if store_id is None or uid <= 0:
        return None
    qs = StoreMembership.objects.filter(store_id=store_id, user_id=uid, is_active=True)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs.first()


def store_staff_check(user_id: int | None, *, field: str, roles: Iterable[str] | None = None,
                      message: str | None = None) -> None:
    """Raise a DomainError at `field` unless `user_id` (None passes) is active staff of this store."""
    if user_id is None:
        return
    if store_staff_member(user_id, roles=roles) is None:
        raise DomainError(message or _("所选员工不是本店在职员工。"), field=field)


class StoreStaffField(serializers.IntegerField):
    """An API field holding a staff user id: valid only for an active member of the request's store
    (with one of `roles`); the error is the same whether the id exists elsewhere or not at all."""

    def __init__(self, *, roles: Iterable[str] | None = None, **kwargs: Any) -> None:
        self.roles = tuple(roles) if roles is not None else None
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        value = super().to_internal_value(data)
        if store_staff_member(value, roles=self.roles) is None:
            raise serializers.ValidationError(_("所选员工不是本店在职员工。"))
        return int(value)
