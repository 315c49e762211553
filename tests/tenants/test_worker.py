"""A real Celery worker runs store tasks in the schema of the store that sent them."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.cache import cache
from django_tenants.utils import tenant_context

from tests.celery_tasks import record_schema
from tests.conftest import wait_for
from tests.world import World


def test_a_task_sent_from_a_store_runs_in_that_store(world: World, celery_worker: Any, db: Any) -> None:
    token_a, token_b = uuid.uuid4().hex, uuid.uuid4().hex
    with tenant_context(world.store_a):
        record_schema.delay(token_a)
    with tenant_context(world.store_b):
        record_schema.delay(token_b)
    with tenant_context(world.store_a):
        seen_a = wait_for(lambda: cache.get(f"probe:{token_a}"))
        # Cache keys carry the schema: store A cannot even see that B's probe exists.
        assert cache.get(f"probe:{token_b}") is None
    with tenant_context(world.store_b):
        seen_b = wait_for(lambda: cache.get(f"probe:{token_b}"))
    assert seen_a["schema"] == world.store_a.schema_name
    assert seen_b["schema"] == world.store_b.schema_name


def test_healthz_reports_the_worker_heartbeat(world: World, celery_worker: Any, db: Any) -> None:
    from django.test import Client

    from tenants.tasks import worker_heartbeat

    worker_heartbeat.delay()
    body = wait_for(lambda: (r := Client(HTTP_HOST="localhost").get("/healthz?worker=1").json())
                    ["worker_heartbeat_age_s"] is not None and r)
    assert body["worker_heartbeat_age_s"] < 60


def test_beat_fans_a_job_out_to_every_active_store(world: World, celery_worker: Any, db: Any) -> None:
    from tenants.tasks import fan_out_to_stores

    for store in (world.store_a, world.store_b, world.store_c):
        with tenant_context(store):
            cache.delete("fanout:mark")
    fan_out_to_stores.delay("tests.mark_store", 0)
    for store in (world.store_a, world.store_b, world.store_c):
        with tenant_context(store):
            assert wait_for(lambda: cache.get("fanout:mark")) == store.schema_name


def test_the_nightly_classification_is_scheduled_per_store() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["crm-classification-nightly"]
    assert entry["task"] == "tenants.fan_out_to_stores"
    assert entry["args"][0] == "crm.tasks.classification_nightly"
