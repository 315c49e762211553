"""公海 (the store's shared pool of customers nobody is working): how customers get there and how a
consultant takes one.

- An approved-defeated prospect is recycled to the pool when the group's cadence policy says
  `pool.recycle_defeated` (crm.services.defeat.lead_defeat_approve calls `pool_recycle_defeated`).
- An open lead with no follow-up for `pool.return_after_days` store days returns its customer to the pool
  (`pool_return_idle`, the nightly job through the one per-store fan-out, in the store's time).
- A consultant claims from the pool up to `pool.daily_claim_limit` customers per store day (`pool_claim`);
  the claimer becomes the owner through the one reassignment rule (customers_move), so the 撞单 rule
  (a customer's owner is their consultant while active) holds from that moment.

A customer is in the pool while `pooled_at` is set and nobody owns them (`consultant_id` NULL): any
assignment (a claim, a manager's 客户转移, an unowned walk-in received by a consultant) takes them out.
Owners (成交客户) never go to the pool: their after-sales care is assigned to named staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from hq.models.policies import PolicyKind
from hq.policy.rules import pool_clean
from hq.selectors import policy_effective
from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.roles import StoreRole

from ..cadence.engine import current_store
from ..models import Customer, Lead
from ..models.choices import Grade, LeadStatus, PoolReason
from ..models.customers import Lifecycle
from ..models.pool import PoolClaim
from .customers import customers_move
from .funnel import lead_create


def pool_policy() -> dict[str, Any]:
    """The store's 公海规则 from its effective cadence policy (read only); the default without one."""
    eff = policy_effective(current_store(), PolicyKind.CADENCE)
    return pool_clean((eff.body if eff is not None else {}).get("pool"))


def pool_customers() -> QuerySet[Customer]:
    """Customers in the pool now, most recently pooled first."""
    return Customer.objects.filter(pooled_at__isnull=False, consultant_id__isnull=True).order_by("-pooled_at", "-pk")


def _to_pool(ids: list[int], reason: str) -> int:
    if not ids:
        return 0
    Lead.objects.filter(customer_id__in=ids, status=LeadStatus.OPEN).update(consultant_id=None)
    return Customer.objects.filter(pk__in=ids).update(consultant_id=None, pooled_at=timezone.now(), pool_reason=reason,
                                                      updated_at=timezone.now())


@transaction.atomic
def pool_recycle_defeated(*, customer_id: int) -> bool:
    """战败回收: a prospect whose last lead was approved defeated goes to the pool (when the policy recycles)."""
    if not pool_policy()["recycle_defeated"]:
        return False
    eligible = Customer.objects.filter(pk=customer_id).exclude(lifecycle=Lifecycle.OWNER).exclude(
        leads__status__in=(LeadStatus.OPEN, LeadStatus.DEFEAT_PENDING))
    return _to_pool(list(eligible.values_list("pk", flat=True)), PoolReason.DEFEATED) == 1


def idle_cutoff(today: Any, days: int) -> datetime:
    """Leads last touched before this instant have had no follow-up for `days` store days: a lead followed
    up on D (store date) returns on D + days."""
    return timezone.make_aware(datetime.combine(today - timedelta(days=days - 1), time.min))


@transaction.atomic
def pool_return_idle() -> int:
    """超期未跟进退回公海: every open lead with no follow-up (nor creation, nor regrade) since the cutoff sends
    its customer to the pool; customers who are owners, or with a lead waiting for defeat approval, stay."""
    cutoff = idle_cutoff(timezone.localdate(), pool_policy()["return_after_days"])
    idle = (Lead.objects.filter(status=LeadStatus.OPEN, customer__consultant_id__isnull=False)
            .annotate(touched=Coalesce("last_followup_at", "graded_at", "created_at"))
            .filter(touched__lt=cutoff).values_list("customer_id", flat=True))
    fresh = (Lead.objects.filter(status=LeadStatus.OPEN)
             .annotate(touched=Coalesce("last_followup_at", "graded_at", "created_at"))
             .filter(touched__gte=cutoff).values_list("customer_id", flat=True))
    ids = list(Customer.objects.filter(pk__in=idle).exclude(pk__in=fresh).exclude(lifecycle=Lifecycle.OWNER)
               .exclude(leads__status=LeadStatus.DEFEAT_PENDING).values_list("pk", flat=True).distinct())
    return _to_pool(ids, PoolReason.IDLE)


@dataclass(frozen=True)
class ClaimsToday:
    used: int
    limit: int

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


def pool_claims_today(user_id: int) -> ClaimsToday:
    """How many the consultant claimed today (store day) and the policy's limit."""
    used = PoolClaim.objects.filter(user_id=user_id, claimed_on=timezone.localdate()).count()
    return ClaimsToday(used, pool_policy()["daily_claim_limit"])


@transaction.atomic
def pool_claim(*, member: StoreMembership, customer_id: int) -> Customer:
    """领取: the consultant takes a customer from the pool and becomes the owner (recorded as a 客户转移);
    a customer with no lead in progress gets a new C-grade lead, due for follow-up by its cadence."""
    if member.role not in (StoreRole.SALES_CONSULTANT, StoreRole.SALES_MANAGER):
        raise DomainError(gettext("只有销售顾问可以从公海领取客户。"))
    # One consultant's claims are counted one at a time (two tabs cannot both take the last one).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [4242, int(member.user_id) % 2**31])
    today = pool_claims_today(member.user_id)
    if today.left <= 0:
        raise DomainError(gettext("今天已领取 %(used)s 位，已达每日领取上限（%(limit)s 位），明天再来领取。")
                          % {"used": today.used, "limit": today.limit})
    customer = Customer.objects.select_for_update().filter(
        Q(pk=customer_id), Q(pooled_at__isnull=False), Q(consultant_id__isnull=True)).first()
    if customer is None:
        raise DomainError(gettext("该客户已不在公海中（可能已被其他顾问领取）。"))
    customers_move(customer_ids=[customer.pk], consultant_id=member.user_id, by_user_id=member.user_id,
                   reason=gettext("公海领取"))
    Customer.objects.filter(pk=customer.pk).update(pooled_at=None, pool_reason="")
    PoolClaim.objects.create(customer=customer, user_id=member.user_id, claimed_on=timezone.localdate())
    if customer.lifecycle == Lifecycle.DEFEATED:  # working them again: a prospect until they buy or are lost
        Customer.objects.filter(pk=customer.pk).update(lifecycle=Lifecycle.PROSPECT)
    customer.refresh_from_db()
    if not customer.leads.filter(status__in=(LeadStatus.OPEN, LeadStatus.DEFEAT_PENDING)).exists():
        lead_create(member=member, customer=customer, grade=Grade.C)
    return customer
