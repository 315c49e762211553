"""订阅: open a group's subscription with a trial, keep its per-store quantity right, change plan, cancel."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tenants.models import DealerGroup, User

from .. import gateway
from ..errors import BillingNotOpened, SubscriptionClosed
from ..models import BillingAccount, BillingAuditLog
from ..plans import plan_get
from ..selectors import CLOSED_STATUSES, expected_quantity
from .mirror import audit, cn_date, mirror_subscription


def _locked_account(group_id: int) -> BillingAccount:
    account = BillingAccount.objects.select_for_update().filter(group_id=group_id).first()
    if account is None or not account.stripe_subscription_id:
        raise BillingNotOpened(gettext("集团尚未开通订阅。"))
    if account.status in CLOSED_STATUSES:
        raise SubscriptionClosed(gettext("订阅已终止，请重新开通后再操作。"))
    return account


@transaction.atomic
def billing_account_open(
    *, group: DealerGroup, plan_code: str, interval: str, email: str = "", actor: User | None = None
) -> BillingAccount:
    """Make the group a Stripe customer and start its per-store subscription (with a trial the first time)."""
    price = plan_get(plan_code, interval)
    account, _ = BillingAccount.objects.select_for_update().get_or_create(group=group)
    if account.stripe_subscription_id and account.status not in CLOSED_STATUSES:
        raise SubscriptionClosed(gettext("集团已开通订阅，无需重复开通。"))
    if not account.stripe_customer_id:
        customer = gateway.customer_create(name=group.name, email=email, group_id=group.pk,
                                           idempotency_key=f"chezhu-group-{group.pk}-customer")
        account.stripe_customer_id = customer["id"]
    gateway.plan_ensure(price)
    first_time = account.trial_ends_at is None
    trial_days = settings.BILLING_TRIAL_DAYS if first_time else 0
    sub = gateway.subscription_create(
        customer_id=str(account.stripe_customer_id), plan_id=price.stripe_plan_id,
        quantity=expected_quantity(group.pk), trial_days=trial_days, group_id=group.pk,
    )
    account.payment_failed_at = None
    account.lapse_recorded = False
    account.status = ""
    if trial_days:
        account.trial_ends_at = timezone.now() + timedelta(days=trial_days)
    mirror_subscription(account, sub, actor=actor)
    args = {"plan": price.name, "interval": price.interval_label, "stores": account.quantity}
    if trial_days and account.trial_ends_at:
        text = gettext("开通%(plan)s（%(interval)s），计费门店 %(stores)s 家，免费试用至 %(date)s。") % {
            **args, "date": cn_date(account.trial_ends_at)}
    else:
        text = gettext("开通%(plan)s（%(interval)s），计费门店 %(stores)s 家。") % args
    audit(account, BillingAuditLog.Kind.OPENED, text, actor=actor)
    return account


@transaction.atomic
def subscription_sync_quantity(*, group_id: int, actor: User | None = None) -> BillingAccount | None:
    """Set the subscription quantity to the group's billable stores (prorated). No subscription: nothing to do."""
    account = BillingAccount.objects.select_for_update().filter(group_id=group_id).first()
    if account is None or not account.stripe_subscription_id or account.status in CLOSED_STATUSES:
        return account
    want = expected_quantity(group_id)
    if account.quantity == want:
        return account
    old = account.quantity
    sub = gateway.subscription_update_item(
        subscription_id=account.stripe_subscription_id, item_id=account.stripe_item_id, quantity=want
    )
    mirror_subscription(account, sub, actor=actor)
    audit(account, BillingAuditLog.Kind.QUANTITY, gettext("计费门店数 %(old)s → %(new)s，差额按天折算。") % {"old": old, "new": want},
          actor=actor, data={"from": old, "to": want})
    return account


@transaction.atomic
def subscription_change_plan(
    *, group: DealerGroup, plan_code: str, interval: str, actor: User | None = None
) -> BillingAccount:
    """Move the group to another plan or billing interval; Stripe prorates the difference."""
    price = plan_get(plan_code, interval)
    account = _locked_account(group.pk)
    if (account.plan_code, account.interval) == (price.code, price.interval):
        return account
    old = f"{account.plan_code}/{account.interval}"
    gateway.plan_ensure(price)
    sub = gateway.subscription_update_item(
        subscription_id=str(account.stripe_subscription_id), item_id=account.stripe_item_id,
        quantity=expected_quantity(group.pk), plan_id=price.stripe_plan_id,
    )
    mirror_subscription(account, sub, actor=actor)
    audit(account, BillingAuditLog.Kind.PLAN, gettext("套餐更换为%(plan)s（%(interval)s），差额按天折算。") % {
              "plan": price.name, "interval": price.interval_label},
          actor=actor, data={"from": old, "to": f"{price.code}/{price.interval}"})
    return account


@transaction.atomic
def subscription_cancel(*, group: DealerGroup, at_period_end: bool = True, actor: User | None = None) -> BillingAccount:
    """Cancel the subscription, at the end of the paid period (default) or now. Store data is kept."""
    account = _locked_account(group.pk)
    sub = gateway.subscription_cancel(subscription_id=str(account.stripe_subscription_id), at_period_end=at_period_end)
    mirror_subscription(account, sub, actor=actor)
    if at_period_end and account.status not in CLOSED_STATUSES:
        text = (gettext("已申请在本期结束时（%(date)s）取消订阅。") % {"date": cn_date(account.current_period_end)}
                if account.current_period_end else gettext("已申请在本期结束时取消订阅。"))
        audit(account, BillingAuditLog.Kind.CANCELED, text, actor=actor)
    return account


def payment_method_update_url(*, group: DealerGroup, return_url: str) -> str:
    """A Stripe customer-portal link where the group's admin updates the card."""
    account = BillingAccount.objects.filter(group=group).first()
    if account is None or not account.stripe_customer_id:
        raise BillingNotOpened(gettext("集团尚未开通订阅。"))
    return gateway.portal_session_create(customer_id=account.stripe_customer_id, return_url=return_url)
