"""Citus readiness of the cadence SQL (deploy/scale-out.md): staff names reach messages as bound
parameters (no join to public tenants_user), and the run counts rows inserted with RETURNING, not the
driver's rowcount (a rerun inserts nothing and must count 0)."""

from __future__ import annotations

import copy
import datetime as dt

from django_tenants.utils import schema_context

from crm.cadence.engine import cadence_run_store
from crm.models import FollowUpTask, OutboxMessage
from hq.models import PolicyKind
from hq.services.policies import (
    policy_draft_start,
    policy_draft_update,
    policy_version_publish,
    store_policy_adopt,
)
from tenants.models import Store
from tests.world import World

from .conftest import TODAY, customer, vehicle

SMS_RULE = {
    "key": "delivery_sms_named", "name": "交车关怀短信", "trigger": "delivery", "offset_days": 1,
    "assignee": "customer_service", "channel": "sms", "outcomes": ["sent"],
    "message": "{customer_name}{title}您好，我是您的销售顾问{consultant_name}，感谢您在{store_name}提车。",
}


def test_consultant_name_is_bound_and_counts_come_from_returning(world: World, store_a: Store) -> None:
    with schema_context("public"):
        draft = policy_draft_start(group=world.group_x, kind=PolicyKind.CADENCE)
        body = copy.deepcopy(draft.body)
        body["rules"] = [dict(SMS_RULE)]  # only this rule: the counts below are this rule's
        policy_draft_update(version=draft, body=body)
        store_policy_adopt(store_id=world.store_a.pk, version_id=policy_version_publish(version=draft).pk)
    consultant = world.user("a.sales_consultant")
    sold = customer(consultant_id=consultant.pk)
    vehicle(sold, delivered_on=TODAY - dt.timedelta(days=1))
    other = customer(consultant_id=None)
    vehicle(other, delivered_on=TODAY - dt.timedelta(days=1))

    first = cadence_run_store(today=TODAY)

    tasks = FollowUpTask.objects.filter(rule_key="delivery_sms_named")
    # Two customers delivered yesterday, offset 1 day -> due today: 2 tasks, 2 outbox messages.
    assert first.created == tasks.count() == 2
    assert OutboxMessage.objects.filter(task__in=tasks).count() == 2
    named = tasks.get(customer=sold).message
    assert f"销售顾问{consultant.name}，" in named
    assert "销售顾问，" in tasks.get(customer=other).message  # no consultant: empty, never another's name
    again = cadence_run_store(today=TODAY)
    assert again.created == 0  # ON CONFLICT DO NOTHING inserted nothing: RETURNING counts 0
