"""订阅: opening with a trial, per-store quantity, plan changes, bad plans, nightly drift (against localstripe)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from billing import services
from billing.errors import UnknownPlan
from billing.models import BillingAccount, BillingAuditLog
from billing.selectors import billable_store_count, group_is_read_only
from billing.templatetags.billing_tags import unix_date, yuan
from tenants.models import Store
from tenants.services.onboarding import store_set_status
from tests.conftest import client_for

from . import stripe_side
from .conftest import new_group_with_admin, new_store


def test_money_and_dates_read_the_chinese_way() -> None:
    assert yuan(128000) == "¥1,280.00"
    assert yuan(-2000) == "-¥20.00"
    assert yuan(None) == "—"
    noon = datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert unix_date(int(noon.timestamp())) == "2026年11月23日"


def test_a_new_group_gets_a_trial_priced_per_billable_store(localstripe: str, world: Any, db: Any) -> None:
    group, admin = new_group_with_admin()
    new_store(group)
    new_store(group)
    account = services.billing_account_open(group=group, plan_code="basic", interval="month", actor=admin)
    assert account.stripe_customer_id and account.stripe_subscription_id
    assert account.quantity == 2 and account.plan_code == "basic" and account.interval == "month"
    assert account.trial_ends_at is not None
    sub = stripe_side.subscription(account.stripe_subscription_id)
    assert sub["items"]["data"][0]["quantity"] == 2
    assert sub["items"]["data"][0]["plan"]["amount"] == 68000
    line = BillingAuditLog.objects.get(account=account, kind=BillingAuditLog.Kind.OPENED)
    assert "免费试用至" in line.message and line.actor == admin
    assert group_is_read_only(group.pk) is False


def test_it_refuses_an_unknown_plan_without_touching_stripe(localstripe: str, world: Any, db: Any) -> None:
    group, admin = new_group_with_admin()
    with pytest.raises(UnknownPlan) as err:
        services.billing_account_open(group=group, plan_code="platinum", interval="month", actor=admin)
    assert "未知的套餐" in err.value.message
    assert not BillingAccount.objects.filter(group=group).exclude(stripe_customer_id=None).exists()


def test_suspended_stores_are_billed_and_archived_ones_are_not(localstripe: str, world: Any, db: Any) -> None:
    group, _ = new_group_with_admin()
    a, b, c = new_store(group), new_store(group), new_store(group)
    account = services.billing_account_open(group=group, plan_code="basic", interval="year")
    assert account.quantity == 3
    Store.objects.filter(pk=b.pk).update(status=Store.Status.SUSPENDED)
    Store.objects.filter(pk=c.pk).update(status=Store.Status.ARCHIVED)
    assert billable_store_count(group.pk) == 2
    synced = services.subscription_sync_quantity(group_id=group.pk)
    assert synced is not None and synced.quantity == 2
    sub = stripe_side.subscription(str(synced.stripe_subscription_id))
    assert sub["items"]["data"][0]["quantity"] == 2
    assert BillingAuditLog.objects.filter(account=account, kind="quantity", message__contains="3 → 2").exists()
    _ = a


def test_the_quantity_never_drops_below_one_seat(localstripe: str, world: Any, db: Any) -> None:
    group, _ = new_group_with_admin()
    account = services.billing_account_open(group=group, plan_code="basic", interval="month")
    assert account.quantity == 1


def test_a_group_without_subscription_is_left_alone_by_sync(world: Any, db: Any) -> None:
    assert services.subscription_sync_quantity(group_id=world.group_y.pk) is None


def test_an_admin_changes_plan_through_the_page(localstripe: str, world: Any, db: Any) -> None:
    group, admin = new_group_with_admin()
    new_store(group)
    services.billing_account_open(group=group, plan_code="basic", interval="month")
    client = client_for(admin)
    response = client.post(f"/hq/billing/plan/?group={group.code}", {"plan": "professional:month"})
    assert response.status_code == 302
    account = BillingAccount.objects.get(group=group)
    assert account.plan_code == "professional"
    sub = stripe_side.subscription(str(account.stripe_subscription_id))
    assert sub["items"]["data"][0]["plan"]["id"] == "chezhu_professional_month"
    page = client.get(f"/hq/billing/?group={group.code}").content.decode()
    assert "专业版" in page and "套餐更换为专业版" in page
    assert "¥1,280.00" in page  # catalogue price per store


def test_an_unknown_plan_through_the_api_is_a_400_with_a_reason(localstripe: str, world: Any, db: Any) -> None:
    group, admin = new_group_with_admin()
    services.billing_account_open(group=group, plan_code="basic", interval="month")
    response = client_for(admin).post(f"/api/hq/billing/plan/?group={group.code}",
                                      {"plan": "gold", "interval": "month"}, content_type="application/json")
    assert response.status_code == 400
    assert "未知的套餐" in response.json()["detail"]
    assert BillingAccount.objects.get(group=group).plan_code == "basic"


def test_the_api_reports_the_billing_state(localstripe: str, world: Any, db: Any) -> None:
    group, admin = new_group_with_admin()
    new_store(group)
    services.billing_account_open(group=group, plan_code="professional", interval="year")
    body = client_for(admin).get(f"/api/hq/billing/?group={group.code}").json()
    assert body["opened"] and body["plan"] == "professional" and body["interval"] == "year"
    assert body["quantity"] == 1 and body["billable_stores"] == 1
    assert body["stores_read_only"] is False and body["in_grace"] is False


def test_the_nightly_reconcile_reports_and_fixes_drift(localstripe: str, world: Any, db: Any) -> None:
    group, _ = new_group_with_admin()
    new_store(group)
    new_store(group)
    account = services.billing_account_open(group=group, plan_code="basic", interval="month")
    stripe_side.force_quantity(str(account.stripe_subscription_id), account.stripe_item_id, 7)
    report = [line for line in services.billing_reconcile() if line.group_id == group.pk]
    assert len(report) == 1 and report[0].stripe_quantity == 7 and report[0].expected == 2 and report[0].fixed
    sub = stripe_side.subscription(str(account.stripe_subscription_id))
    assert sub["items"]["data"][0]["quantity"] == 2
    drift = BillingAuditLog.objects.get(account=account, kind=BillingAuditLog.Kind.DRIFT)
    assert "Stripe 计费 7 家，实际 2 家" in drift.message
    assert [line for line in services.billing_reconcile() if line.group_id == group.pk] == []


def test_archiving_through_the_service_queues_a_sync(localstripe: str, world: Any, db: Any,
                                                       django_capture_on_commit_callbacks: Any) -> None:
    group, _ = new_group_with_admin()
    store = new_store(group)
    with django_capture_on_commit_callbacks() as callbacks:
        store_set_status(store=store, status=Store.Status.ARCHIVED)
    assert len(callbacks) == 1


def test_the_beat_schedule_runs_the_reconcile_nightly() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["billing-reconcile-nightly"]
    assert entry["task"] == "billing.reconcile"
    from config.celery import app

    app.loader.import_default_modules()  # what a worker/beat does at start (autodiscovery)
    assert "billing.reconcile" in app.tasks
