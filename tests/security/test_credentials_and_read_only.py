"""Forged, tampered, replayed and expired credentials (API tokens, hand-off tickets, invitations), and
writes into a read-only store through pages, API, imports and the per-store jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from crm.models import Customer, ImportJob
from tenants.handoff import MAX_AGE_S, handoff_ticket
from tenants.models import ApiToken, Store
from tenants.services.accounts import api_token_issue
from tests.conftest import client_for
from tests.world import World

CST = dt.timezone(dt.timedelta(hours=8))


def test_forged_revoked_and_misplaced_tokens_are_refused_alike(world: World, db: Any) -> None:
    user = world.user("a.sales_manager")
    _, good = api_token_issue(user=user, store=world.store_a)
    revoked, revoked_key = api_token_issue(user=user, store=world.store_a)
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    _, b_key = api_token_issue(user=world.user("b.sales_manager"), store=world.store_b)
    a = Client(HTTP_HOST=world.host(world.store_a))
    assert a.get("/api/me/", headers={"Authorization": f"Bearer {good}"}).status_code == 200
    answers = set()
    for key in ("czk_forged", good[:-1] + ("A" if good[-1] != "A" else "B"), revoked_key, b_key, "", "x" * 5000):
        r = a.get("/api/customers/", headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 401, key[:20]
        answers.add(r.content)
    assert len(answers) <= 2  # "令牌无效" — and the malformed header's own message for the empty key
    hq = Client(HTTP_HOST="localhost").get("/api/hq/stores/", headers={"Authorization": f"Bearer {good}"})
    assert hq.status_code == 401  # a store token is no HQ credential
    with tenant_context(world.store_a):
        assert not Customer.objects.exists()


def _landing(world: World, ticket: str, store: Store | None = None) -> Any:
    client = Client(HTTP_HOST=world.host(store or world.store_a))
    return client, client.get("/auth/handoff/", {"ticket": ticket})


def test_hand_off_tickets_cannot_be_forged_tampered_replayed_or_used_late(world: World, db: Any) -> None:
    user = world.user("ab.sales_consultant")
    ticket = handoff_ticket(user=user, store=world.store_a)
    tampered = ticket[:-2] + ("aa" if ticket[-2:] != "aa" else "bb")
    for bad in ("forged", tampered, handoff_ticket(user=user, store=world.store_b)):  # B's ticket at A
        client, r = _landing(world, bad)
        assert r.status_code == 404 and client.get("/api/me/").status_code in (401, 403)
    client, r = _landing(world, ticket)
    assert r.status_code == 302 and client.get("/api/me/").status_code == 200  # the real one, once
    _client, again = _landing(world, ticket)
    assert again.status_code == 404  # replayed
    with time_machine.travel(timezone.now(), tick=False) as clock:
        late = handoff_ticket(user=user, store=world.store_a)
        clock.shift(dt.timedelta(seconds=MAX_AGE_S + 1))  # one second past its life
        _client, r = _landing(world, late)
        assert r.status_code == 404
    outsider = handoff_ticket(user=world.user("c.general_manager"), store=world.store_a)  # not A's staff
    assert _landing(world, outsider)[1].status_code == 404


def test_an_unknown_invitation_is_a_404(world: World, db: Any) -> None:
    assert Client().get("/invite/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_a_suspended_store_refuses_every_write(world: World, db: Any) -> None:
    Store.objects.filter(pk=world.store_a.pk).update(status=Store.Status.SUSPENDED)
    host = world.host(world.store_a)
    gm = client_for(world.user("a.general_manager"), host)
    manager = client_for(world.user("a.sales_manager"), host)
    writes = [
        (gm, "/customers/new/", {"name": "只读客户", "mobile": "13999990001"}),
        (gm, "/reception/", {"mobile": "13999990002", "name": "只读接待", "grade": "H"}),
        (manager, "/customers/import/", {"file": SimpleUploadedFile("c.csv", "姓名,手机号\n只读,13999990003\n".encode())}),
    ]
    for client, path, data in writes:
        r = client.post(path, data)
        assert r.status_code == 403 and "只读" in r.content.decode(), (path, r.status_code)
    api = gm.post("/api/customers/", {"name": "只读API", "mobile": "13999990004"}, content_type="application/json")
    assert api.status_code == 403
    assert gm.get("/customers/").status_code == 200  # reading stays open
    with tenant_context(world.store_a):
        assert not Customer.objects.filter(mobile__startswith="1399999").exists()
        assert not ImportJob.objects.exists()


def test_per_store_jobs_skip_read_only_stores(world: World, db: Any, monkeypatch: Any) -> None:
    """The fan-out sends a store's job only into active stores (suspended and archived get none)."""
    from tenants import fanout
    from tenants.tasks import fan_out_to_stores

    Store.objects.filter(pk=world.store_a.pk).update(status=Store.Status.SUSPENDED)
    Store.objects.filter(pk=world.store_b.pk).update(status=Store.Status.ARCHIVED)
    sent: list[str] = []
    monkeypatch.setattr(fanout, "_send", lambda name, **kw: sent.append(kw["headers"]["_schema_name"]))
    fan_out_to_stores("crm.tasks.import_raw_files_purge", 0)
    assert world.store_a.schema_name not in sent and world.store_b.schema_name not in sent
    assert world.store_c.schema_name in sent
