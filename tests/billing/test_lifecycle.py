"""The subscription life cycle end to end: localstripe sends real webhooks to the app served on a port,
a real Celery worker processes them and syncs quantities, and access follows payment."""

from __future__ import annotations

import time
from typing import Any

from django.test import override_settings

from billing import services
from billing.models import BillingAccount, BillingAuditLog, WebhookEvent
from billing.selectors import group_is_read_only
from tenants.access import read_only_reason
from tenants.models import Store, StoreMembership
from tenants.roles import StoreRole
from tenants.services.onboarding import store_set_status
from tests.conftest import client_for, wait_for

from . import stripe_side
from .conftest import new_group_with_admin, new_store


def test_billing_tables_are_in_the_public_schema(db: Any) -> None:
    """(Also makes pytest-django set up the test database when this module runs on its own.)"""
    assert BillingAccount.objects.count() >= 0 and WebhookEvent.objects.count() >= 0


def _account(pk: int) -> BillingAccount:
    return BillingAccount.objects.get(pk=pk)


def _stripe_quantity(account: BillingAccount) -> int:
    return int(stripe_side.subscription(str(account.stripe_subscription_id))["items"]["data"][0]["quantity"])


def test_create_add_remove_fail_grace_read_only_recover_cancel(
    localstripe: str, live_app: Any, celery_worker: Any, committed: None
) -> None:
    from django.conf import settings

    stripe_side.register_webhook("chezhu-tests", f"{live_app.base}/billing/webhook/", settings.STRIPE_WEBHOOK_SECRET)
    group, admin = new_group_with_admin()
    first = new_store(group)
    gm = StoreMembership.objects.create(user=admin, store=first, role=StoreRole.GENERAL_MANAGER).user
    hq = client_for(admin)

    # Create: HQ admin opens the subscription from the billing page; a trial for a new group.
    assert hq.post(f"/hq/billing/open/?group={group.code}", {"plan": "basic:month"}).status_code == 302
    account = BillingAccount.objects.get(group=group)
    assert account.quantity == 1 and account.trial_ends_at is not None

    # Add a store: onboarding queues the sync; the worker raises the quantity in Stripe.
    second = new_store(group)
    wait_for(lambda: _account(account.pk).quantity == 2, what="quantity 2")
    assert _stripe_quantity(account) == 2

    # Remove a store: archiving lowers it again.
    store_set_status(store=second, status=Store.Status.ARCHIVED)
    wait_for(lambda: _account(account.pk).quantity == 1, what="quantity back to 1")
    assert _stripe_quantity(account) == 1

    # The trial converts: the first invoice is paid; Stripe's webhook makes us active.
    customer, sub = str(account.stripe_customer_id), str(account.stripe_subscription_id)
    stripe_side.set_card(customer, stripe_side.GOOD_CARD)
    stripe_side.renew(customer, sub)
    wait_for(lambda: _account(account.pk).status == "active", what="active")
    time.sleep(1.1)  # Stripe timestamps are whole seconds: keep the next events strictly newer

    # Fail payment: the renewal is declined -> past_due -> grace period with a banner, still writable.
    failed_invoice = stripe_side.renew_and_fail(customer, sub)
    assert failed_invoice["status"] == "open"
    wait_for(lambda: _account(account.pk).payment_failed_at is not None, what="payment failure")
    assert _account(account.pk).status == "past_due"
    assert group_is_read_only(group.pk) is False
    page = hq.get(f"/hq/billing/?group={group.code}")
    assert page.context["billing_banner"]["level"] == "warning" and "宽限期至" in page.content.decode()
    store_page = client_for(gm, f"{first.slug}.localhost").get("/")
    assert "扣款失败" in store_page.context["billing_banner"]["text"]
    assert read_only_reason(first) is None

    # Past the grace period: the group's stores are read-only; data is kept.
    with override_settings(BILLING_GRACE_DAYS=0):
        assert group_is_read_only(group.pk) is True
        assert "宽限期" in (read_only_reason(first) or "")
        store_page = client_for(gm, f"{first.slug}.localhost").get("/")
        assert store_page.status_code == 200 and store_page.context["read_only_reason"]
        services.billing_reconcile()
        assert BillingAuditLog.objects.filter(account=account, kind="read_only").count() == 1
    time.sleep(1.1)

    # Recover: a new card pays the open invoice; access comes back at once (even with no grace left).
    stripe_side.set_card(customer, stripe_side.GOOD_CARD)
    stripe_side.retry_invoice(failed_invoice["id"])
    wait_for(lambda: _account(account.pk).payment_failed_at is None, what="recovery")
    with override_settings(BILLING_GRACE_DAYS=0):
        assert group_is_read_only(group.pk) is False
        assert read_only_reason(first) is None
    time.sleep(1.1)

    # Cancel: stores go read-only (data kept); Stripe's deletion event is stored and processed.
    services.subscription_cancel(group=group, at_period_end=False, actor=admin)
    assert _account(account.pk).status == "canceled" and group_is_read_only(group.pk) is True
    wait_for(lambda: WebhookEvent.objects.filter(account=account, type="customer.subscription.deleted")
             .exclude(processed_at=None).exists(), what="deletion event processed")

    # Everything shows in the audit trail on the billing page.
    kinds = set(BillingAuditLog.objects.filter(account=account).values_list("kind", flat=True))
    assert {"opened", "quantity", "payment_failed", "read_only", "payment_recovered", "canceled"} <= kinds
    html = hq.get(f"/hq/billing/?group={group.code}").content.decode()
    for text in ("开通基础版", "计费门店数 1 → 2", "扣款失败", "付款已恢复", "订阅已终止", "¥680.00"):
        assert text in html, text
    assert Store.objects.filter(pk=first.pk).exists()
