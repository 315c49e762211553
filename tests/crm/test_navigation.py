"""Every role's navigation and home page: every link opens (200, or a redirect ending in 200), never 404,
403 or 500; and "not found" / "not allowed" is the product's own page whether DEBUG is on or off."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client, RequestFactory

from tenants.middleware import FriendlyErrorMiddleware
from tenants.models import User
from tenants.roles import StoreRole
from tests.conftest import client_for
from tests.world import World

# Links that end the session or change settings: following them would sign the walker out.
_SKIP_PATHS = ("/signout/", "/i18n/", "/admin/logout/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith(("#", "javascript:", "mailto:", "tel:")):
            self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def _open(client: Client, url: str) -> tuple[int, str, str]:
    """GET an absolute same-site URL, following redirects across the base domain and store hosts."""
    for _ in range(6):
        parts = urlsplit(url)
        host = parts.hostname or "localhost"
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(path, HTTP_HOST=host)
        if response.status_code in (301, 302) and response.has_header("Location"):
            url = urljoin(url, response["Location"])
            continue
        return response.status_code, url, response.content.decode(errors="replace")
    raise AssertionError(f"too many redirects from {url}")


def walk(client: Client, start: str) -> tuple[int, list[tuple[str, int]], str]:
    """Open `start`, then every same-site link on it once; return the start status and broken links."""
    status, landed, html = _open(client, start)
    broken = []
    seen: set[str] = set()
    for href in links_of(html):
        url = urljoin(landed, href)
        parts = urlsplit(url)
        if not (parts.hostname or "").endswith("localhost") or parts.path.startswith(_SKIP_PATHS):
            continue
        if url in seen:
            continue
        seen.add(url)
        code, _, _ = _open(client, url)
        if code != 200:
            broken.append((url, code))
    return status, broken, html


@pytest.mark.parametrize("role", [r.value for r in StoreRole])
def test_every_link_of_a_store_roles_navigation_and_home_opens(world: World, db: Any, role: str) -> None:
    from tests.crm.test_role_home import NOW, seed_store_a_work

    with time_machine.travel(NOW, tick=False):
        seed_store_a_work(world)  # so the home cards carry links to real records too
        client = client_for(world.user(f"a.{role}"), "store-a.localhost")
        status, broken, html = walk(client, "http://store-a.localhost/")
    assert status == 200
    assert 'id="nav-home"' in html and 'id="nav-today"' in html  # everyone has a home and a today
    assert broken == [], f"{role}: links that do not open: {broken}"


@pytest.mark.parametrize("role", [r.value for r in StoreRole])
def test_every_tab_on_a_roles_pages_opens(world: World, db: Any, role: str) -> None:
    """One level deeper for the pages with tabs (跟进任务, 售后): a tab is shown only where the role may
    open it. Found by walking the demo as a service advisor: 逾期(按人) and 下月到期保养 answered 404."""
    from tests.crm.test_role_home import NOW, seed_store_a_work

    with time_machine.travel(NOW, tick=False):
        seed_store_a_work(world)
        client = client_for(world.user(f"a.{role}"), "store-a.localhost")
        _, _, html = _open(client, "http://store-a.localhost/")
        tabbed = sorted({h for h in links_of(html) if h.startswith(("/cadence/", "/aftersales/"))})
        broken = []
        for page in tabbed:
            _, tab_broken, page_html = walk(client, f"http://store-a.localhost{page}")
            if 'id="cadence-tabs"' in page_html or 'id="aftersales-tabs"' in page_html:
                broken += tab_broken
    assert broken == [], f"{role}: links that do not open: {broken}"


@pytest.mark.parametrize("key", ["x.hq_admin", "x.hq_analyst"])
def test_every_link_of_hq_navigation_opens(world: World, db: Any, key: str) -> None:
    client = client_for(world.user(key))
    status, broken, html = walk(client, "http://localhost/")
    assert status == 200 and "门店管理" in html
    assert broken == [], f"{key}: links that do not open: {broken}"


def test_every_link_of_the_platform_operators_pages_opens(world: World, db: Any) -> None:
    ops = User.objects.filter(email="ops-walk@test.chezhu.cn").first() or User.objects.create_superuser(
        email="ops-walk@test.chezhu.cn", password="Ops-Walk-2026!", name="平台运营", mobile="13600009977")
    client = client_for(ops)
    status, broken, html = walk(client, "http://localhost/")
    assert status == 200 and "/admin/" in html  # the operator's way to the platform admin
    assert broken == []
    status, broken, _ = walk(client, "http://localhost/admin/")
    assert status == 200
    assert broken == []


def test_the_navigation_shows_only_what_the_role_may_open(world: World, db: Any) -> None:
    consultant = client_for(world.user("a.sales_consultant"), "store-a.localhost").get("/").content.decode()
    service = client_for(world.user("a.customer_service"), "store-a.localhost").get("/").content.decode()
    gm = client_for(world.user("a.general_manager"), "store-a.localhost").get("/").content.decode()
    # The consultant follows leads but neither supervises nor works the return-visit queue.
    assert 'id="nav-leads"' in consultant and 'id="nav-supervision"' not in consultant
    assert 'id="nav-visits"' not in consultant
    # Customer service works return visits and complaints, not the sales funnel.
    assert 'id="nav-visits"' in service and 'id="nav-complaint_new"' in service
    assert 'id="nav-leads"' not in service and 'id="nav-supervision"' not in service
    assert 'id="nav-gm"' in gm and 'id="nav-gm"' not in service


@pytest.mark.parametrize("debug", [False, True])
def test_a_denied_store_page_is_the_products_friendly_page(world: World, db: Any, settings: Any,
                                                           debug: bool) -> None:
    settings.DEBUG = debug
    client = client_for(world.user("a.sales_consultant"), "store-a.localhost")
    for path in ("/supervision/", "/aftersales/gm/", "/customers/999999/"):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 404, path
        assert "页面不存在或无权访问" in html and 'id="error-home"' in html, path
        assert "Django" not in html and "URLconf" not in html and "Traceback" not in html, path
    # An HQ page asked for by someone who is not HQ: the same page on the base domain.
    response = client_for(world.user("a.sales_consultant")).get("/hq/compare/")
    assert response.status_code == 404 and "页面不存在或无权访问" in response.content.decode()
    assert "Django" not in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_permission_denied_is_the_friendly_403_page(world: World, db: Any, settings: Any, debug: bool) -> None:
    settings.DEBUG = debug
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    request.user = world.user("x.hq_analyst")
    response = FriendlyErrorMiddleware(lambda r: HttpResponse()).process_exception(request, PermissionDenied())
    assert response is not None and response.status_code == 403
    assert "无权进行此操作" in response.content.decode()


def test_a_server_error_is_a_plain_product_page(world: World, db: Any) -> None:
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "系统繁忙" in response.content.decode() and "Traceback" not in response.content.decode()
