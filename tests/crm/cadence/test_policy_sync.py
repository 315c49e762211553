"""Adopting a version reaches into the store: classification thresholds and complaint deadlines."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django_tenants.utils import tenant_context

from crm.aftersales.policy import complaint_deadlines
from crm.services.classification import policy_get
from hq.models import PolicyKind
from hq.services.policies import (
    group_policy_bootstrap,
    policy_draft_start,
    policy_draft_update,
    policy_version_publish,
    store_policy_override_set,
)
from tenants.models import Store
from tests.world import World

SH = ZoneInfo("Asia/Shanghai")


def test_a_published_classification_becomes_the_store_thresholds(
    world: World, db: Any, eager_celery: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        group_policy_bootstrap(group=world.group_x)
    draft = policy_draft_start(group=world.group_x, kind=PolicyKind.CLASSIFICATION)
    body = copy.deepcopy(draft.body)
    body.update(at_risk_months=5, quota_a=25, quota_d=5)
    policy_draft_update(version=draft, body=body)
    with django_capture_on_commit_callbacks(execute=True):
        policy_version_publish(version=draft)
    for store in (world.store_a, world.store_b):
        with tenant_context(store):
            row = policy_get()
            assert (row.at_risk_months, row.quota_a, row.quota_d) == (5, 25, 5)
            assert row.template_version == f"v2#{draft.pk}"


def test_complaint_deadlines_use_half_and_one_working_day_on_store_hours_and_the_store_override(
    world: World, store_a: Store,
) -> None:
    """One implementation (crm.aftersales.policy.complaint_deadlines): it reads the effective policy
    including what the store may adjust (the copy in policy_sync ignored the override)."""
    Store.objects.filter(pk=world.store_a.pk).update(
        working_hours={d: ["08:30", "18:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})
    world.store_a.refresh_from_db()
    received = dt.datetime(2026, 11, 23, 16, 0, tzinfo=SH)  # Monday 16:00
    with tenant_context(world.store_a):
        gm, reply, close = complaint_deadlines(world.store_a, received).deadlines
    assert (gm.to_role, gm.cc_roles) == ("general_manager", ["service_manager"])
    assert gm.due_at == dt.datetime(2026, 11, 24, 11, 15, tzinfo=SH)  # 2 h Mon + 2 h 45 Tue = 4 h 45
    assert reply.due_at == dt.datetime(2026, 11, 24, 16, 0, tzinfo=SH)  # one working day
    assert close.due_at == dt.datetime(2026, 11, 30, 16, 0, tzinfo=SH)  # five: Tue..Fri, Mon 30
    store_policy_override_set(store=world.store_a, kind=PolicyKind.COMPLAINT, overrides={"sla.close_working_days": 7})
    with tenant_context(world.store_a):
        plan = complaint_deadlines(world.store_a, received)
    # Seven working days: Tue 24, Wed 25, Thu 26, Fri 27, Mon 30, Tue 1, Wed 2 December → 16:00.
    assert plan.deadlines[2].due_at == dt.datetime(2026, 12, 2, 16, 0, tzinfo=SH)
    assert plan.deadlines[2].within == 7
