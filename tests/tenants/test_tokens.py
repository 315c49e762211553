"""API令牌: issued from the page and manage.py, shown once, listed with prefix and last use, revoked;
read-only tokens refused for writes; expired tokens refused; Bearer in the OpenAPI schema."""

from __future__ import annotations

import io
import re
from typing import Any

import time_machine
from django.core.management import call_command

from tenants.models import AccountEvent, ApiToken
from tenants.services.accounts import api_token_issue
from tests.conftest import client_for
from tests.world import World

NOW = "2026-12-01 10:00:00+08:00"


def test_the_gm_issues_a_token_once_and_revokes_it(world: World, db: Any) -> None:
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    page = gm.post("/staff/tokens/", {"name": "DMS对接", "access": "write", "expires_on": ""}).content.decode()
    secret = re.search(r'value="(czk_[\w-]+)"', page).group(1)  # type: ignore[union-attr]
    token = ApiToken.objects.get(store=world.store_a, name="DMS对接")
    assert secret[4:12] == token.prefix and token.key_hash not in page
    assert secret not in gm.get("/staff/tokens/").content.decode()  # shown once
    api = client_for(None, world.host(world.store_a))
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert gm.post(f"/staff/tokens/{token.pk}/revoke/").status_code == 302
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    kinds = set(AccountEvent.objects.filter(store=world.store_a).values_list("kind", flat=True))
    assert {"token_issued", "token_revoked"} <= kinds


def test_a_past_expiry_is_refused_at_its_field(world: World, db: Any) -> None:
    with time_machine.travel(NOW, tick=False):  # signed in on the pinned clock (a session lasts 12 h)
        gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
        response = gm.post("/staff/tokens/", {"name": "x", "access": "read", "expires_on": "2026-11-30"})
    assert response.status_code == 400 and "到期时间必须晚于现在" in response.content.decode()


def test_an_expired_token_stops_working(world: World, db: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    with time_machine.travel(NOW, tick=False):
        _t, key = api_token_issue(user=world.user("a.general_manager"), store=world.store_a, name="短期",
                                  expires_at=timezone.now() + dt.timedelta(days=1))
    api = client_for(None, world.host(world.store_a))
    with time_machine.travel("2026-12-02 09:59:00+08:00", tick=False):
        assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    with time_machine.travel("2026-12-02 10:00:01+08:00", tick=False):
        assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_a_read_only_token_cannot_write(world: World, db: Any) -> None:
    _t, key = api_token_issue(user=world.user("a.sales_manager"), store=world.store_a, name="BI", read_only=True)
    api = client_for(None, world.host(world.store_a))
    assert api.get("/api/customers/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    refused = api.post("/api/customers/", {"name": "新客户", "mobile": "13912340000"},
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert refused.status_code == 403


def test_a_token_of_store_a_is_refused_at_store_b_and_only_the_gm_sees_the_page(world: World, db: Any) -> None:
    _t, key = api_token_issue(user=world.user("ab.sales_consultant"), store=world.store_a)
    b = client_for(None, world.host(world.store_b))
    assert b.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert client_for(world.user("a.sales_manager"), world.host(world.store_a)).get("/staff/tokens/").status_code == 404
    assert client_for(world.user("b.general_manager"), world.host(world.store_a)).get("/staff/tokens/").status_code == 404


def test_manage_py_issues_and_revokes(world: World, db: Any) -> None:
    out = io.StringIO()
    call_command("issue_api_token", "--store", "store-a", "--user", world.user("a.general_manager").mobile,
                 "--name", "脚本", "--read-only", "--days", "30", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get(name="脚本")
    assert key.startswith("czk_") and token.read_only and token.expires_at is not None
    call_command("issue_api_token", "--store", "store-a", "--user", world.user("a.general_manager").mobile,
                 "--revoke", str(token.pk), stdout=io.StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_bearer_appears_in_the_openapi_schema(world: World, db: Any) -> None:
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    schema = gm.get("/api/schema/?format=json").json()
    scheme = schema["components"]["securitySchemes"]["storeToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


def test_an_hq_token_reads_its_own_group_only_and_read_only_cannot_write(world: World, db: Any) -> None:
    hq = client_for(world.user("x.hq_admin"))
    page = hq.post("/hq/tokens/", {"name": "集团BI", "access": "read", "expires_on": ""}).content.decode()
    key = re.search(r'value="(czk_[\w-]+)"', page).group(1)  # type: ignore[union-attr]
    api = client_for(None)
    listed = api.get("/api/hq/stores/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert listed.status_code == 200
    names = str(listed.json())
    assert "A店" in names and "C店" not in names  # group X's stores, never group Y's
    write = api.post("/api/hq/stores/", {"name": "x"}, content_type="application/json",
                     HTTP_AUTHORIZATION=f"Bearer {key}")
    assert write.status_code == 403
    # An HQ token opens no store API, and a store token opens no HQ API.
    assert client_for(None, world.host(world.store_a)).get(
        "/api/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    _t, store_key = api_token_issue(user=world.user("a.general_manager"), store=world.store_a)
    assert api.get("/api/hq/stores/", HTTP_AUTHORIZATION=f"Bearer {store_key}").status_code == 401
    # Revoked from the page: refused at once; group Y's admin cannot revoke it.
    token = ApiToken.objects.get(name="集团BI")
    assert client_for(world.user("y.hq_admin")).post(f"/hq/tokens/{token.pk}/revoke/").status_code == 404
    assert hq.post(f"/hq/tokens/{token.pk}/revoke/").status_code == 302
    assert api.get("/api/hq/stores/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
