"""The demo's pushed leads: every state a new user should find, through the services, relative to the clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django_tenants.utils import tenant_context

from crm.demo_leads import PLAN, demo_leads_push
from crm.leads.selectors import inbox_rows
from crm.models import Customer, Lead, LeadIntake
from crm.models.aftersales import Notification
from crm.models.choices import LeadStatus, PoolReason
from crm.models.pool import DefeatReview

from .conftest import MONDAY_10

WEDNESDAY_15 = MONDAY_10 + dt.timedelta(days=2, hours=5)


def test_the_demo_store_has_new_overdue_contacted_defeated_and_pooled_leads(world: Any, member: Any,
                                                                            ab_at_a: Any) -> None:
    with tenant_context(world.store_a), time_machine.travel(WEDNESDAY_15, tick=False):
        assert demo_leads_push(store=world.store_a, number=0) == len(PLAN) == 14
        assert LeadIntake.objects.count() == 15 and LeadIntake.objects.filter(outcome="duplicate").count() == 1
        assert Lead.objects.filter(received_at__isnull=False).count() == 14
        # Five new ones wait in the consultants' inboxes; the three received 70 h or more ago and never
        # reached (one call unanswered) are past their deadline, escalated and moved to the other consultant.
        waiting = [r for m in (member("a.sales_consultant"), ab_at_a) for r in inbox_rows(member=m)]
        assert len(waiting) == 8 and sum(r.overdue for r in waiting) == 3
        late = Lead.objects.filter(escalated_at__isnull=False)
        assert late.count() == 3 and all(x.reassigned_count == 1 for x in late)
        assert Notification.objects.filter(recipient_id=world.user("a.sales_manager").pk, kind="lead_sla").count() == 3
        # Six reached by a person (three since, two defeats waiting, one defeat approved).
        assert Lead.objects.filter(first_contact_at__isnull=False).count() == 6
        # Called 12 working minutes after receipt, one after 45 (late): the store page's median is 12.
        minutes = Lead.objects.exclude(first_response_minutes=None).values_list("first_response_minutes", flat=True)
        assert sorted(m or 0 for m in minutes) == [12, 12, 12, 12, 12, 45]
        pending = DefeatReview.objects.filter(decision="pending")
        assert pending.count() == 2 and {r.competitor_brand for r in pending} == {"比亚迪", ""}
        pooled = Customer.objects.filter(pooled_at__isnull=False, pool_reason=PoolReason.DEFEATED)
        assert list(pooled.values_list("name", flat=True)) == ["秦先生"]
        assert Lead.objects.filter(status=LeadStatus.DEFEATED, competitor_brand="特斯拉").count() == 1
        assert demo_leads_push(store=world.store_a, number=0) == 0  # once
