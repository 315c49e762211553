"""The first-response sweep runs through the one fan-out in a real Celery worker: a lead past its
deadline in store A is escalated there once, and nothing is written in store B.

No `db` fixture: the worker sees only committed data, so this test commits its own and removes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from crm.models import Customer, Lead
from crm.models.aftersales import Notification
from tests.conftest import wait_for
from tests.world import World

MOBILE = "13977770100"


def _forget(world: World) -> None:
    for store in (world.store_a, world.store_b):
        with tenant_context(store):
            Customer.objects.filter(mobile=MOBILE).delete()
            Notification.objects.filter(kind="lead_sla").delete()


@pytest.fixture
def committed(world: World, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        _forget(world)
        try:
            yield
        finally:
            _forget(world)


def test_the_worker_escalates_a_late_lead_in_its_own_store(world: World, celery_worker: Any,
                                                           committed: None) -> None:
    from config.celery import app

    long_ago = timezone.now() - dt.timedelta(days=3)
    with tenant_context(world.store_a):
        customer = Customer.objects.create(name="超时客户", mobile=MOBILE, consultant_id=world.user("a.sales_consultant").pk)
        lead = Lead.objects.create(customer=customer, consultant_id=customer.consultant_id, source="autohome",
                                   source_lead_id="LATE-1", received_at=long_ago, first_response_due_at=long_ago,
                                   reassign_due_at=None, claimed_at=long_ago)
    app.send_task("leads.sla_fanout")

    def escalated() -> Lead | None:
        with tenant_context(world.store_a):
            found = Lead.objects.get(pk=lead.pk)
            return found if found.escalated_at is not None else None

    wait_for(escalated, timeout=60, what="the sweep to escalate the late lead")
    with tenant_context(world.store_a):
        notices = list(Notification.objects.filter(kind="lead_sla").values_list("recipient_id", "title"))
    assert notices == [(world.user("a.sales_manager").pk, "线索超时未联系：超时客户")]
    with tenant_context(world.store_b):
        assert not Notification.objects.filter(kind="lead_sla").exists()
