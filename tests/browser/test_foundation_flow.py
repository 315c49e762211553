"""In a real browser: sign in, switch store from the menu, and add a store as an HQ admin."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from tenants.models import Store
from tests.browser.conftest import sign_in
from tests.world import World

pytestmark = pytest.mark.browser


@pytest.fixture
def cleanup_store(live_app: Any) -> Iterator[list[str]]:
    """Stores a browser test creates are committed by the live server: remove them before and after."""
    slugs: list[str] = ["browser-store"]
    _drop(slugs)
    yield slugs
    _drop(slugs)


def _drop(slugs: list[str]) -> None:
    for store in Store.objects.filter(slug__in=slugs):
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{store.schema_name}" CASCADE')
        store.delete()


def test_a_consultant_signs_in_and_switches_store(page: Any, live_app: Any, world: World) -> None:
    sign_in(page, live_app, world.user("ab.sales_consultant").mobile)
    page.wait_for_url(re.compile(r"localhost:\d+/$"))
    assert "A店" in page.content() and "B店" in page.content()
    page.click("main >> text=A店")
    page.wait_for_url(re.compile(r"store-a\.localhost"))
    assert page.locator("h1").first.inner_text() == "A店"
    page.click("#store-switcher")
    page.click(".dropdown-menu >> text=B店")
    page.wait_for_url(re.compile(r"store-b\.localhost:\d+/$"))
    assert page.locator("h1").first.inner_text() == "B店"
    # Store C is not theirs: not in the menu, and its address answers 404.
    assert "C店" not in page.content()
    # Store C's address does not let them in: they are sent back to their own choices.
    page.goto(live_app.store_url(world.store_c))
    assert "store-c.localhost" not in page.url
    assert "C店" not in page.content()


def test_an_hq_admin_adds_a_store(page: Any, live_app: Any, world: World, cleanup_store: list[str]) -> None:
    sign_in(page, live_app, world.user("x.hq_admin").email)
    page.wait_for_url(re.compile(r"/hq/"))
    page.click("#add-store")
    page.fill("#id_name", "浏览器测试店")
    page.fill("#id_slug", "Browser Store")
    page.fill("#id_city", "杭州")
    page.fill("#id_gm_name", "测试经理")
    page.fill("#id_gm_mobile", "13812349999")
    page.click("button[type=submit]")
    assert "门店标识只能使用小写字母" in page.content()
    page.fill("#id_slug", "browser-store")
    page.click("button[type=submit]")
    page.wait_for_selector("#invite-url")
    assert "/invite/" in page.input_value("#invite-url")
    page.click("text=返回门店列表")
    assert "浏览器测试店" in page.locator("#store-table").inner_text()
    page.screenshot(path="/tmp/hq-stores.png", full_page=True)
