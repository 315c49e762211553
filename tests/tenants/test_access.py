"""The one access check: membership of *this* store, tokens bound to a store, store status."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tenants.models import Store
from tenants.services.accounts import api_token_issue
from tests.conftest import client_for
from tests.world import World


def test_a_token_for_store_a_is_refused_at_store_b(world: World, db: Any) -> None:
    user = world.user("ab.sales_consultant")  # even a user who works in both stores
    _, key = api_token_issue(user=user, store=world.store_a)
    auth = {"Authorization": f"Bearer {key}"}
    assert Client(HTTP_HOST="store-a.localhost").get("/api/me/", headers=auth).json()["store"] == "store-a"
    refused = Client(HTTP_HOST="store-b.localhost").get("/api/me/", headers=auth)
    assert refused.status_code == 401
    assert Client(HTTP_HOST="store-a.localhost").get(
        "/api/me/", headers={"Authorization": "Bearer czk_forged"}).status_code == 401


def test_not_yours_and_does_not_exist_look_the_same(world: World, db: Any) -> None:
    outsider = client_for(world.user("c.general_manager"), "store-a.localhost")
    missing = client_for(world.user("c.general_manager"), "no-such-store.localhost")
    a, b = outsider.get("/"), missing.get("/")
    assert a.status_code == b.status_code == 404


def test_a_suspended_store_is_read_only_with_a_clear_notice(world: World, db: Any) -> None:
    Store.objects.filter(pk=world.store_a.pk).update(status=Store.Status.SUSPENDED)
    client = client_for(world.user("a.general_manager"), "store-a.localhost")
    page = client.get("/")
    assert page.status_code == 200
    assert "只读" in page.content.decode()


def test_an_archived_store_is_not_served(world: World, db: Any) -> None:
    Store.objects.filter(pk=world.store_b.pk).update(status=Store.Status.ARCHIVED)
    client = client_for(world.user("b.general_manager"), "store-b.localhost")
    assert client.get("/").status_code == 404
    assert client.get("/api/me/").status_code == 404


def test_hq_admin_suspends_and_restores_a_store(world: World, db: Any) -> None:
    client = client_for(world.user("x.hq_admin"))
    assert client.post(f"/hq/stores/{world.store_b.pk}/status/", {"status": "suspended"}).status_code == 302
    assert Store.objects.get(pk=world.store_b.pk).status == "suspended"
    client.post(f"/hq/stores/{world.store_b.pk}/status/", {"status": "active"})
    assert Store.objects.get(pk=world.store_b.pk).status == "active"


def test_switching_store_signs_the_user_in_there_once(world: World, db: Any) -> None:
    base = client_for(world.user("ab.sales_consultant"))
    to_b = base.get(f"/switch/{world.store_b.pk}/")
    assert to_b.status_code == 302 and to_b["Location"].startswith("http://store-b.localhost")
    ticket_path = to_b["Location"].split("store-b.localhost", 1)[1]
    store_b = Client(HTTP_HOST="store-b.localhost")
    assert store_b.get(ticket_path).status_code == 302
    assert store_b.get("/").status_code == 200
    # The same ticket cannot be used again, nor at another store.
    assert Client(HTTP_HOST="store-b.localhost").get(ticket_path).status_code == 404
    assert Client(HTTP_HOST="store-a.localhost").get(ticket_path).status_code == 404


def test_csrf_is_enforced(world: World, db: Any) -> None:
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(world.user("x.hq_admin"), backend="tenants.auth.MobileOrEmailBackend")
    assert client.post("/hq/stores/new/", {"name": "x"}).status_code == 403


def test_signing_out_ends_the_sessions_on_every_store(world: World, db: Any) -> None:
    user = world.user("ab.sales_consultant")
    base = client_for(user)
    store_a = client_for(user, "store-a.localhost")
    assert store_a.get("/").status_code == 200
    base.get("/signout/")
    assert store_a.get("/").status_code == 302  # back to sign-in
    fresh = type(user).objects.get(pk=user.pk)  # not the shared world object: the epoch moved on
    assert client_for(fresh, "store-b.localhost").get("/").status_code == 200  # a new sign-in works


def test_platform_operators_use_django_admin_on_the_base_domain(db: Any) -> None:
    from tenants.models import User

    ops = User.objects.create_superuser("ops@test.chezhu.cn", "Ops-Password-2026!", name="运营")
    client = client_for(ops)
    for path in ["/admin/", "/admin/tenants/store/", "/admin/tenants/dealergroup/", "/admin/tenants/user/"]:
        assert client.get(path).status_code == 200, path
    assert client_for(ops, "store-a.localhost").get("/admin/").status_code == 404  # not on store domains
