"""A worker killed with SIGKILL in the middle of a store's daily run loses nothing and doubles nothing.

A real `celery -A config worker` (prefork, one child) runs against this test database and this
run's Redis DB. The run is slowed per rule (CADENCE_RULE_PAUSE_S) so it can be killed half-way;
acks_late + task_reject_on_worker_lost put the message back, and the redelivered run completes.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from crm.models import CadenceRun, FollowUpTask, OutboxMessage
from hq.services.policies import group_policy_bootstrap, store_policy_adopt_current
from tenants.models import Store
from tests.conftest import wait_for, worker_children, worker_process
from tests.world import World

from .conftest import at, customer, reception, vehicle

ROOT = Path(__file__).resolve().parents[3]
VENV_BIN = Path(sys.executable).parent
PER_GROUP = 150


def test_this_module_runs_on_the_test_database(db: Any) -> None:
    """Also makes pytest-django set up the test database when this module runs alone: without a
    test that asks for `db`, the session would talk to the development database."""
    assert connection.settings_dict["NAME"] == connection.settings_dict["TEST"]["NAME"]


@pytest.fixture
def worker(committed: None) -> Iterator[subprocess.Popen[bytes]]:
    with worker_process({"CADENCE_RULE_PAUSE_S": "0.4"}, pool="prefork") as proc:
        yield proc


def _fill(store: Store, world: World) -> Store:
    group_policy_bootstrap(group=store.group)
    store_policy_adopt_current(store=store)
    today = timezone.localdate()
    with tenant_context(store):
        for _ in range(PER_GROUP):
            vehicle(customer(), delivered_on=today - dt.timedelta(days=3))
            vehicle(customer(), delivered_on=today - dt.timedelta(days=7))
            c = customer(consultant_id=world.user("a.sales_consultant").pk)
            reception(c, c.consultant_id or 0, at(today, 10))
    return store


def test_a_killed_run_is_redelivered_and_completes_exactly_once(
    world: World, own_store: Store, worker: subprocess.Popen[bytes],
) -> None:
    from crm.cadence.tasks import cadence_store_run

    store = _fill(own_store, world)
    today = timezone.localdate()
    cadence_store_run.apply_async(args=(today.isoformat(),), headers={"_schema_name": store.schema_name})

    def progress() -> int:
        with tenant_context(store):
            run = CadenceRun.objects.filter(run_on=today).first()
            return len(run.rules_done) if run and run.finished_at is None else 0

    wait_for(lambda: progress() >= 3, timeout=60, what="the run to be half-way")
    children = worker_children(worker.pid)
    assert len(children) == 1
    with tenant_context(store):
        partial = FollowUpTask.objects.count()
    os.kill(children[0], signal.SIGKILL)

    def finished() -> bool:
        with tenant_context(store):
            return CadenceRun.objects.filter(run_on=today, finished_at__isnull=False).exists()

    wait_for(finished, timeout=120, what="the redelivered run to finish")
    assert worker_children(worker.pid) and worker_children(worker.pid)[0] != children[0]  # a new child did it
    with tenant_context(store):
        by_rule = dict(FollowUpTask.objects.values_list("rule_key").annotate(n=__import__(
            "django.db.models", fromlist=["Count"]).Count("id")).values_list("rule_key", "n"))
        total = FollowUpTask.objects.count()
        sms = OutboxMessage.objects.count()
    # Nothing lost: every rule's tasks are there; nothing doubled: exactly one per customer, rule and day.
    # Calls after delivery are planned ahead on their own dates, so per group of cars (3 and 7 days
    # after delivery): 3DC only for the 3-day group (the 7-day group's was due 4 days ago, before the
    # run's window); 7DC for both (today, and in 4 days); 15-day care for both (in 12 and 8 days);
    # the consultant's care calls 30/60/90 days after delivery for both (3 × 2 groups); the first
    # maintenance reminder once each (its repeats come on their day). Receptions: one call, one SMS.
    assert by_rule == {"delivery_3dc": PER_GROUP, "delivery_7dc": 2 * PER_GROUP,
                       "delivery_15d_care": 2 * PER_GROUP, "consultant_care": 6 * PER_GROUP,
                       "first_maintenance_reminder": 2 * PER_GROUP,
                       "evening_call": PER_GROUP, "departure_sms": PER_GROUP}
    assert 0 < partial < total == 15 * PER_GROUP
    # Each return visit (3DC, 7DC, 15-day care) has exactly one record, made with its call.
    with tenant_context(store):
        from crm.models.aftersales import ReturnVisit

        assert ReturnVisit.objects.count() == 5 * PER_GROUP
        assert not ReturnVisit.objects.filter(task__isnull=True).exists()
    assert sms == PER_GROUP
    # And a third run adds nothing.
    with tenant_context(store):
        from crm.cadence.engine import cadence_run_store

        assert cadence_run_store(today=today).created == 0
