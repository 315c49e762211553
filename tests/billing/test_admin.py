"""Platform operators see every group's billing state in Django admin.

(The admin's HTML pages currently fail on the base domain for every model: django-tenants' admin
templates read `request.tenant.schema_name` and our StoreMiddleware sets `request.tenant = None` there.
Reported outside billing; here the admin's columns are checked directly.)
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from billing import services
from billing.admin import BillingAccountAdmin
from billing.models import BillingAccount, WebhookEvent

from .conftest import new_group_with_admin, new_store


def test_operators_see_all_groups_billing_state(localstripe: str, world: Any, db: Any) -> None:
    assert isinstance(admin.site._registry[BillingAccount], BillingAccountAdmin)
    assert WebhookEvent in admin.site._registry
    group, _ = new_group_with_admin()
    new_store(group)
    new_store(group)
    account = services.billing_account_open(group=group, plan_code="professional", interval="year")
    model_admin = admin.site._registry[BillingAccount]
    assert isinstance(model_admin, BillingAccountAdmin)
    assert model_admin.billable_stores(account) == 2
    assert model_admin.access(account) == "正常"
    assert {"group", "status", "quantity", "access", "payment_failed_at"} <= set(model_admin.list_display)
