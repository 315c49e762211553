"""Content-Security-Policy without inline code, throttles, and a schema only members can read."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from tests.conftest import client_for
from tests.world import World

ROOT = Path(__file__).resolve().parents[2]


def test_pages_carry_a_strict_csp(world: World, db: Any) -> None:
    r = client_for(world.user("a.sales_manager"), world.host(world.store_a)).get("/customers/")
    policy = r["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_no_template_has_inline_script_style_or_handlers() -> None:
    """Guard: what the CSP would block is not written in the first place."""
    found = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT).as_posix()
        for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"|javascript:", text):
            found.append(f"{rel}: {m.group(0)}")
    assert found == []


def test_the_store_schema_needs_a_member_of_that_store(world: World, db: Any) -> None:
    host = world.host(world.store_a)
    assert client_for(None, host).get("/api/schema/").status_code in (401, 403)
    assert client_for(world.user("b.sales_consultant"), host).get("/api/schema/").status_code == 404
    assert client_for(world.user("x.hq_admin"), host).get("/api/schema/").status_code == 404
    member = client_for(world.user("a.sales_consultant"), host)
    assert member.get("/api/schema/").status_code == 200
    docs = member.get("/api/docs/")
    html = docs.content.decode()
    assert docs.status_code == 200 and "cdn.jsdelivr" not in html and "/static/drf_spectacular_sidecar/" in html
    assert "<style" not in html and re.search(r'<script src="[^"]*\?script=', html)
    init = member.get("/api/docs/?script=")
    assert init.status_code == 200 and "SwaggerUIBundle" in init.content.decode()
    assert client_for(None, host).get("/api/docs/").status_code in (401, 403)


def test_the_hq_schema_needs_an_hq_user(world: World, db: Any) -> None:
    assert client_for(None).get("/api/schema/").status_code in (401, 403)
    assert client_for(world.user("a.general_manager")).get("/api/schema/").status_code == 404
    assert client_for(world.user("x.hq_analyst")).get("/api/schema/").status_code == 200
    assert client_for(world.user("x.hq_analyst")).get("/api/docs/").status_code == 200


def test_the_api_throttles_a_user(world: World, db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "3/minute"})
    monkeypatch.setattr(SimpleRateThrottle, "cache_format", f"throttle_{uuid.uuid4().hex}_%(scope)s_%(ident)s")
    client = client_for(world.user("a.sales_consultant"), world.host(world.store_a))
    codes = [client.get("/api/me/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_hand_off_tickets_are_throttled(world: World, db: Any, settings: Any,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"auth": "3/minute", "user": "9/minute", "anon": "9/minute"}}
    monkeypatch.setattr(SimpleRateThrottle, "cache_format", f"throttle_{uuid.uuid4().hex}_%(scope)s_%(ident)s")
    client = client_for(None, world.host(world.store_a))
    codes = [client.get("/auth/handoff/", {"ticket": f"forged-{i}"}).status_code for i in range(4)]
    assert codes == [404, 404, 404, 429]
    r = client.get("/auth/handoff/", {"ticket": "forged"})
    assert "尝试次数过多" in r.content.decode() and int(r["Retry-After"]) > 0


def test_every_page_shows_the_icp_filing_number_from_settings(world: World, db: Any, settings: Any) -> None:
    settings.ICP_FILING_NUMBER = "沪ICP备2026000001号-1"
    for client, path in ((client_for(None), "/signin/"),
                         (client_for(world.user("a.sales_manager"), world.host(world.store_a)), "/customers/")):
        html = client.get(path).content.decode()
        assert 'href="https://beian.miit.gov.cn/"' in html and "沪ICP备2026000001号-1" in html
    settings.ICP_FILING_NUMBER = ""
    assert "icp-footer" not in client_for(None).get("/signin/").content.decode()
