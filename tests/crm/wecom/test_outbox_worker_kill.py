"""A worker killed with SIGKILL while WeCom holds a staff notice sends nothing twice and loses nothing.

A real `celery -A config worker` (prefork, one child) dispatches a store's outbox to a local WeCom server
that answers slowly; the child is killed while WeCom holds a message/send. acks_late puts the dispatch back
and the rest are sent; the held row, left 'sending', is sent again after OUTBOX_RECONCILE_AFTER_S and
WeCom's duplicate check (asked for on every send) drops it: each member's card arrives exactly once.
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
from django_tenants.utils import tenant_context

from crm.models import OutboxMessage
from crm.models.aftersales import Notification
from crm.notifications import notify
from hq.services.messaging import wecom_account_save
from tenants.models import Store, StoreMembership
from tests.conftest import wait_for, worker_process
from tests.conftest import worker_children as _children
from tests.vendors.wecom_server import WeComPeer
from tests.world import World

from .conftest import AGENT_ID, CORP_ID, SECRET

NOTICES = 8
GM_USERID = "gm.killtest"


def test_this_module_runs_on_the_test_database(db: Any) -> None:
    assert connection.settings_dict["NAME"] == connection.settings_dict["TEST"]["NAME"]


@pytest.fixture
def peer(committed: None) -> Iterator[WeComPeer]:
    wecom = WeComPeer(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID, users={GM_USERID}, delay_s=0.5)
    server = wecom.start()
    yield wecom
    server.close()


@pytest.fixture
def worker(own_store: Store, peer: WeComPeer) -> Iterator[subprocess.Popen[bytes]]:
    with worker_process({"OUTBOX_RECONCILE_AFTER_S": "10"}, pool="prefork") as proc:
        yield proc


def test_a_worker_killed_while_wecom_holds_a_notice_delivers_each_exactly_once(
        world: World, own_store: Store, peer: WeComPeer, worker: subprocess.Popen[bytes]) -> None:
    from crm.cadence.tasks import cadence_outbox_dispatch

    wecom_account_save(group=own_store.group, actor=None, corp_id=CORP_ID, agent_id=str(AGENT_ID), secret=SECRET,
                       api_base=peer.api_base, is_active=True)
    # The GM's invitation is not accepted in this store: a world user serves as its GM.
    gm = StoreMembership.objects.create(store=own_store, user=world.user("a.general_manager"),
                                        role="general_manager", wecom_userid=GM_USERID)
    with tenant_context(own_store):
        # One transaction: its commit kicks the store's outbox dispatch on the worker.
        notify([Notification(recipient_id=gm.user_id, kind="escalation", title=f"投诉 TS{i:03d} 超时升级：回复客户")
                for i in range(NOTICES)])
        assert OutboxMessage.objects.filter(channel="wecom").count() == NOTICES
    wait_for(lambda: len(peer.delivered) >= 3 and peer.in_flight == 1, timeout=60, interval=0.05,
             what="three cards delivered and the fourth in WeCom's hands")
    [child] = _children(worker.pid)
    killed = peer.holding
    os.kill(child, signal.SIGKILL)

    def others_sent() -> bool:
        with tenant_context(own_store):
            rows = list(OutboxMessage.objects.values_list("params", "status"))
        return all(status == "sent" for params, status in rows if params["url"] != killed)

    wait_for(others_sent, timeout=120, interval=0.1, what="the redelivered dispatch to send the rest")
    wait_for(lambda: killed in {d["url"] for d in peer.delivered}, timeout=10, what="the held card at WeCom")
    with tenant_context(own_store):
        assert OutboxMessage.objects.filter(status="sending").count() == 1  # its answer never arrived
    time.sleep(10.5)  # older than OUTBOX_RECONCILE_AFTER_S: the next dispatch sends it again
    cadence_outbox_dispatch.apply_async(headers={"_schema_name": own_store.schema_name})

    def all_sent() -> bool:
        with tenant_context(own_store):
            return OutboxMessage.objects.filter(status="sent").count() == NOTICES

    wait_for(all_sent, timeout=60, what="every card recorded as sent")
    assert _children(worker.pid) and _children(worker.pid)[0] != child
    with tenant_context(own_store):
        urls = {params["url"] for params in OutboxMessage.objects.values_list("params", flat=True)}
    at_wecom = Counter(d["url"] for d in peer.delivered)
    assert set(at_wecom) == urls  # nothing lost
    assert max(at_wecom.values()) == 1  # nothing twice: the re-send was dropped by WeCom's duplicate check
    assert [d["url"] for d in peer.filtered] == [killed]
