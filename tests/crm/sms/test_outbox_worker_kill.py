"""A worker killed with SIGKILL in the middle of sending through a vendor sends nothing twice and loses nothing.

A real `celery -A config worker` (prefork, one child) dispatches a store's outbox through the real Aliyun
SDK to a local Dysmsapi peer that answers slowly; the child is killed while the vendor holds a request.
acks_late puts the dispatch back; the message the vendor took is found by its OutId (QuerySendDetails)
and recorded as sent, the rest are sent once each.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from crm.models import OutboxMessage
from hq.models import PolicyKind, PolicyVersion, ReviewStatus
from hq.services.messaging import sms_account_save, sms_signature_save, sms_template_save
from hq.services.policies import (
    group_policy_bootstrap,
    policy_draft_start,
    policy_draft_update,
    policy_version_publish,
    store_policy_adopt_current,
)
from tenants.models import Store
from tests.conftest import wait_for, worker_children, worker_process
from tests.crm.cadence.conftest import customer, reception
from tests.vendors.aliyun_server import AliyunPeer, Template
from tests.world import World

from .conftest import ALIYUN_KEY, ALIYUN_SECRET, DEPARTURE_ALIYUN, SIGN

MESSAGES = 12
# The consultant of these customers is not on this store's staff, so the variables are the customer's and store's.
VARS = ["customer_name", "store_name"]


def test_this_module_runs_on_the_test_database(db: Any) -> None:
    assert connection.settings_dict["NAME"] == connection.settings_dict["TEST"]["NAME"]


@pytest.fixture
def peer(committed: None) -> Iterator[AliyunPeer]:
    vendor = AliyunPeer(keys={ALIYUN_KEY: ALIYUN_SECRET}, signatures={SIGN},
                        templates={DEPARTURE_ALIYUN: Template(VARS)}, delay_s=0.5)
    server = vendor.start()
    yield vendor
    server.close()


@pytest.fixture
def worker(own_store: Store, peer: AliyunPeer) -> Iterator[subprocess.Popen[bytes]]:
    with worker_process({"OUTBOX_RECONCILE_AFTER_S": "10"}, pool="prefork") as proc:
        yield proc


def _setup(store: Store, peer: AliyunPeer, world: World) -> None:
    group = store.group
    group_policy_bootstrap(group=group)
    # No quiet hours for this group (start = end), so the test does not depend on the hour it runs at.
    draft = policy_draft_start(group=group, kind=PolicyKind.CADENCE)
    policy_draft_update(version=draft, body={**draft.body, "quiet_hours": {"start": "00:00", "end": "00:00"}})
    sms_account_save(group=group, actor=None, vendor="aliyun", key_id=ALIYUN_KEY, secret=ALIYUN_SECRET,
                     endpoint=peer.server.endpoint, protocol="http", is_active=True)
    sign = sms_signature_save(group=group, name=SIGN, status=ReviewStatus.APPROVED)
    body = PolicyVersion.objects.get(pk=draft.pk).body
    for i, rule in enumerate(r for r in body["rules"] if r["channel"] == "sms"):
        sms_template_save(group=group, signature_id=sign.pk, code=DEPARTURE_ALIYUN if i == 0 else f"SMS_50{i}",
                          name=rule["name"], kind="notification", content="x", status=ReviewStatus.APPROVED,
                          rule_keys=[rule["key"]], variables=VARS)
    policy_version_publish(version=PolicyVersion.objects.get(pk=draft.pk))
    store_policy_adopt_current(store=store)
    from crm.cadence.engine import cadence_run_store

    with tenant_context(store):
        for _ in range(MESSAGES):
            c = customer(consultant_id=world.user("a.sales_consultant").pk)
            reception(c, c.consultant_id or 0, timezone.now())
        cadence_run_store()
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        assert OutboxMessage.objects.filter(channel="sms").count() == MESSAGES


def test_a_worker_killed_while_the_vendor_holds_a_message_sends_each_exactly_once(
        world: World, own_store: Store, peer: AliyunPeer, worker: subprocess.Popen[bytes]) -> None:
    from crm.cadence.tasks import cadence_outbox_dispatch

    _setup(own_store, peer, world)
    headers = {"_schema_name": own_store.schema_name}
    cadence_outbox_dispatch.apply_async(headers=headers)
    # Kill while the vendor holds the fourth request (it takes the message; its answer never arrives).
    wait_for(lambda: len(peer.sent) >= 3 and peer.in_flight == 1, timeout=60, interval=0.05,
             what="three messages at the vendor and the fourth in its hands")
    [child] = worker_children(worker.pid)
    killed = peer.holding
    os.kill(child, signal.SIGKILL)

    def others_sent() -> bool:
        with tenant_context(own_store):
            rows = dict(OutboxMessage.objects.values_list("pk", "status"))
        return all(status == "sent" for pk, status in rows.items() if f"{own_store.schema_name}-{pk}" != killed)

    wait_for(others_sent, timeout=120, interval=0.1, what="the redelivered dispatch to send the rest")
    # The vendor took the killed child's message though its answer never arrived.
    wait_for(lambda: killed in {s["out_id"] for s in peer.sent}, timeout=10, what="the held message at the vendor")
    time.sleep(10.5)  # its row is now older than OUTBOX_RECONCILE_AFTER_S: the next dispatch asks the vendor
    cadence_outbox_dispatch.apply_async(headers=headers)

    def all_sent() -> bool:
        with tenant_context(own_store):
            return OutboxMessage.objects.filter(status="sent").count() == MESSAGES

    wait_for(all_sent, timeout=60, what="every message recorded as sent")
    assert worker_children(worker.pid) and worker_children(worker.pid)[0] != child
    with tenant_context(own_store):
        keys = {f"{own_store.schema_name}-{pk}" for pk in OutboxMessage.objects.values_list("pk", flat=True)}
    at_vendor = Counter(s["out_id"] for s in peer.sent)
    assert set(at_vendor) == keys  # nothing lost
    assert max(at_vendor.values()) == 1  # nothing twice
    assert peer.refused == []
