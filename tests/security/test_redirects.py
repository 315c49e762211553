"""Open redirects: every `next` goes through tenants.redirects, which lets through only this host (the
store's own) and the base domain."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import RequestFactory
from django_tenants.utils import tenant_context

from crm.aftersales.actions import corrective_action_create
from crm.models import Customer, Lead
from tenants.models import StoreMembership
from tenants.redirects import safe_next
from tests.conftest import client_for
from tests.world import World

EVIL = ["https://evil.example/", "//evil.example/x", "///evil.example", "\\\\evil.example", "/\\evil.example",
        "javascript:alert(1)", "http://a.localhost.evil.example/", "https://localhost@evil.example/",
        " //evil.example", "http:evil.example", "data:text/html,<script>alert(1)</script>",
        "http://b.localhost/customers/"]  # another store's host is not this store's


@pytest.mark.parametrize("url", EVIL)
def test_foreign_targets_are_refused(url: str) -> None:
    request = RequestFactory().get("/", HTTP_HOST="a.localhost:8107")
    assert safe_next(request, url) == ""


@pytest.mark.parametrize("url", ["/aftersales/gm/", "/customers/?q=1", "http://a.localhost:8107/today/",
                                 "http://localhost:8107/hq/", "http://localhost/"])
def test_own_host_and_base_domain_pass(url: str) -> None:
    request = RequestFactory().get("/", HTTP_HOST="a.localhost:8107")
    assert safe_next(request, url) == url


def test_the_lead_action_and_the_action_approval_ignore_a_foreign_next(world: World, db: Any) -> None:
    with tenant_context(world.store_a):
        c = Customer.objects.create(name="重定向", mobile="13966660001",
                                    consultant_id=world.user("a.sales_consultant").pk)
        lead = Lead.objects.create(customer=c, consultant_id=world.user("a.sales_consultant").pk, grade="C")
    consultant = client_for(world.user("a.sales_consultant"), world.host(world.store_a))
    for url in EVIL:
        r = consultant.post(f"/leads/{lead.pk}/key/", {"next": url})
        assert r.status_code == 302 and r["Location"] == f"/customers/{c.pk}/", url
    assert consultant.post(f"/leads/{lead.pk}/key/", {"next": "/leads/"})["Location"] == "/leads/"
    with tenant_context(world.store_a):
        raiser = StoreMembership.objects.get(user=world.user("a.service_manager"), store=world.store_a)
        action = corrective_action_create(
            member=raiser, kind="corrective", source="monthly_report", description="整改",
            owner_id=world.user("a.sales_manager").pk, deadline=dt.date(2030, 1, 1),
            report_month=dt.date(2026, 11, 1))
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    for url in EVIL:  # the first approves, the rest are refused as already approved: same redirect
        r = gm.post(f"/aftersales/actions/{action.pk}/approve/", {"next": url})
        assert r.status_code == 302 and r["Location"] == "/aftersales/actions/", url
    assert gm.post(f"/aftersales/actions/{action.pk}/approve/", {"next": "/aftersales/gm/"})["Location"] == \
        "/aftersales/gm/"


def test_sign_in_does_not_send_the_user_away(world: World, db: Any) -> None:
    client = client_for(world.user("a.sales_consultant"))
    for url in EVIL[:-1]:
        r = client.get("/signin/", {"next": url})
        assert r.status_code == 302 and "evil" not in r["Location"], (url, r["Location"])


def test_no_view_reads_next_by_hand() -> None:
    """Guard: a `next` from the request is read only by tenants.redirects (and sign-in, which checks it there)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for app in ("crm", "hq", "tenants", "billing", "config"):
        for path in (root / app).rglob("*.py"):
            rel = path.relative_to(root).as_posix()
            if rel in ("tenants/redirects.py", "tenants/views/public.py"):
                continue
            if re.search(r"""\.(POST|GET|query_params|data)\.get\(\s*["']next["']""", path.read_text(encoding="utf-8")):
                offenders.append(rel)
    assert offenders == []


def test_a_nul_byte_in_a_query_or_form_is_a_400(world: World, db: Any) -> None:
    """Found by schemathesis: GET /api/customers/search/?q=%00 reached PostgreSQL and answered 500."""
    client = client_for(world.user("a.sales_manager"), world.host(world.store_a))
    for r in (client.get("/api/customers/search/", {"q": "\x00"}), client.get("/search/", {"q": "a\x00b"}),
              client.post("/customers/new/", "name=%E5%BC%A0%00%E4%B8%89&mobile=13911110000",
                          content_type="application/x-www-form-urlencoded")):
        assert r.status_code == 400 and "空字符" in r.content.decode()
    assert client.get("/api/customers/search/", {"q": "张三"}).status_code == 200


def test_a_calendar_year_out_of_range_is_a_400(world: World, db: Any) -> None:
    """Found by schemathesis: GET /api/hq/policies/calendar/156994/ overflowed a date and answered 500."""
    hq = client_for(world.user("x.hq_admin"))
    for year in (0, 1999, 2101, 156994, 2**40):
        r = hq.get(f"/api/hq/policies/calendar/{year}/")
        assert r.status_code == 400 and "年份应在 2000–2100 之间" in r.content.decode(), year
    assert hq.get("/api/hq/policies/calendar/2027/").status_code == 200
