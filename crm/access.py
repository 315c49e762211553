"""Who sees what in the store CRM: consultants their own customers and leads, managers everything.

Every page and API endpoint loads a customer or lead through these helpers; "not yours" and
"does not exist" are the same 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from tenants.models import StoreMembership
from tenants.roles import Perm, StoreRole, role_allows
from tenants.selectors import store_members

from .models import Customer, Lead, Vehicle


def sees_all(member: StoreMembership) -> bool:
    """Managers and customer service see the store; so do service staff, who serve every car that comes in."""
    return role_allows(member.role, Perm.VIEW_ALL_CUSTOMERS) or role_allows(member.role, Perm.SERVICE_ORDERS)


def customers_for_member(member: StoreMembership) -> QuerySet[Customer]:
    """The customers this staff member may see: all of them, or only their own."""
    qs = Customer.objects.all()
    return qs if sees_all(member) else qs.filter(consultant_id=member.user_id)


def leads_for_member(member: StoreMembership) -> QuerySet[Lead]:
    qs = Lead.objects.all()
    return qs if sees_all(member) else qs.filter(consultant_id=member.user_id)


def get_customer_for_member(member: StoreMembership, pk: int | str) -> Customer:
    """The one way to open a customer: 404 for "not yours" and "does not exist" alike."""
    try:
        return customers_for_member(member).get(pk=int(pk))
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("页面不存在")) from None


def get_lead_for_member(member: StoreMembership, pk: int | str) -> Lead:
    try:
        return leads_for_member(member).select_related("customer").get(pk=int(pk))
    except (Lead.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("页面不存在")) from None


def store_staff(store_id: int, *, roles: tuple[str, ...] | None = None) -> list[StoreMembership]:
    """Active staff of this store (public schema), for consultant pickers and name lookups."""
    return store_members(store_id, roles=roles)


def consultants(store_id: int) -> list[StoreMembership]:
    return store_staff(store_id, roles=(StoreRole.SALES_CONSULTANT, StoreRole.SALES_MANAGER))


def staff_names(store_id: int) -> dict[int, str]:
    """user id → name for every staff member of the store, in one query."""
    return {m.user_id: m.user.name for m in store_staff(store_id)}


def vehicles_for_member(member: StoreMembership) -> QuerySet[Vehicle]:
    """The cars this staff member may see: those whose current owner they may see (one rule, not two)."""
    return Vehicle.objects.filter(owner__in=customers_for_member(member))


def get_vehicle_for_member(member: StoreMembership, pk: int | str) -> Vehicle:
    """The one way to open a car's file (一车一档): 404 for "not yours" and "does not exist" alike."""
    try:
        return vehicles_for_member(member).select_related("owner").get(pk=int(pk))
    except (Vehicle.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("页面不存在")) from None
