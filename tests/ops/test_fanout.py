"""The one per-store fan-out (tenants.fanout) and the rule it carries:
OUTBOUND jobs run in active stores only; BOOKKEEPING jobs (HQ snapshots, policy adoption) also in
suspended (read-only) stores; archived stores get nothing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from tenants.fanout import Work, fan_out_to_stores, stable_offset, stores_for
from tenants.models import Store
from tests.world import World

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def b_suspended_c_archived(world: World, db: Any) -> World:
    Store.objects.filter(pk=world.store_b.pk).update(status=Store.Status.SUSPENDED)
    Store.objects.filter(pk=world.store_c.pk).update(status=Store.Status.ARCHIVED)
    return world


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    import tenants.fanout

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(tenants.fanout, "_send", lambda name, **kw: calls.append({"name": name, **kw}))
    return calls


def _schemas(calls: list[dict[str, Any]]) -> set[str]:
    return {c["headers"]["_schema_name"] for c in calls}


def test_the_rule_outbound_active_only_bookkeeping_not_archived(b_suspended_c_archived: World) -> None:
    w = b_suspended_c_archived
    outbound = {s.schema_name for s in stores_for(Work.OUTBOUND)}
    bookkeeping = {s.schema_name for s in stores_for(Work.BOOKKEEPING)}
    assert w.store_a.schema_name in outbound
    assert w.store_b.schema_name not in outbound  # suspended: no calls, messages, escalations, new tasks
    assert w.store_c.schema_name not in outbound
    assert {w.store_a.schema_name, w.store_b.schema_name} <= bookkeeping  # HQ still sees B; B keeps policies
    assert w.store_c.schema_name not in bookkeeping  # archived: nothing


def test_fan_out_spreads_evenly_or_stably_and_uses_the_nightly_queue(world: World, db: Any,
                                                                     sent: list[dict[str, Any]]) -> None:
    n = fan_out_to_stores("tests.mark_store", work=Work.OUTBOUND, spread_seconds=900)
    assert n == len(sent) == len(stores_for(Work.OUTBOUND)) >= 3
    countdowns = [c["countdown"] for c in sent]
    assert countdowns[0] == 0 and countdowns == sorted(countdowns) and max(countdowns) < 900
    assert {c["queue"] for c in sent} == {"celery"}  # never the interactive queue
    sent.clear()
    fan_out_to_stores("tests.mark_store", work=Work.OUTBOUND, spread_seconds=3600, stable=True,
                      args=lambda s: (s.pk,))
    by_store = {c["args"][0]: c["countdown"] for c in sent}
    assert by_store[world.store_a.pk] == stable_offset(world.store_a.pk, 3600)  # the same second every day
    sent.clear()
    fan_out_to_stores("hq.snapshot_refresh_store", work=Work.BOOKKEEPING, in_store_schema=False,
                      args=lambda s: (s.pk, "month", "2026-11-01"))
    assert _schemas(sent) == {"public"}


@pytest.mark.parametrize(("task_path", "work"), [
    ("crm.cadence.tasks.cadence_daily_fanout", Work.OUTBOUND),
    ("crm.cadence.tasks.cadence_outbox_fanout", Work.OUTBOUND),
    ("crm.aftersales.tasks.aftersales_sla_fanout", Work.OUTBOUND),
    ("tenants.tasks.fan_out_to_stores", Work.OUTBOUND),
])
def test_every_outbound_fan_out_follows_the_rule(task_path: str, work: Work, b_suspended_c_archived: World,
                                                 sent: list[dict[str, Any]]) -> None:
    import importlib

    module, name = task_path.rsplit(".", 1)
    task = getattr(importlib.import_module(module), name)
    with schema_context("public"):
        task("crm.tasks.classification_nightly", 0) if name == "fan_out_to_stores" else task()
    w = b_suspended_c_archived
    assert w.store_a.schema_name in _schemas(sent)
    assert not {w.store_b.schema_name, w.store_c.schema_name} & _schemas(sent)


def test_bookkeeping_fan_outs_reach_suspended_stores(b_suspended_c_archived: World, sent: list[dict[str, Any]]) -> None:
    from hq.metrics.tasks import snapshot_refresh_all
    from hq.models import PolicyKind, PolicyVersion
    from hq.tasks import policy_fanout

    w = b_suspended_c_archived
    snapshot_refresh_all(spread_seconds=0)
    ids = {c["args"][0] for c in sent}
    assert {w.store_a.pk, w.store_b.pk} <= ids and w.store_c.pk not in ids
    sent.clear()
    version = PolicyVersion.objects.filter(template__group=w.group_x, template__kind=PolicyKind.CADENCE).first()
    assert version is not None
    policy_fanout(version.pk)
    assert _schemas(sent) == {w.store_a.schema_name, w.store_b.schema_name}  # group X only; B is suspended


def test_no_second_fan_out_filters_stores_by_status() -> None:
    """Tasks modules choose stores only through tenants.fanout (one rule, one place)."""
    offenders = []
    for path in [*ROOT.glob("*/tasks.py"), *ROOT.glob("*/*/tasks.py")]:
        if ".venv" in path.parts:
            continue
        if re.search(r"Store\.Status\.(ACTIVE|ARCHIVED|SUSPENDED)", path.read_text()):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
