"""The browser tests' one way in: sign in on the sign-in page, and (for store pages) land in the store."""

from __future__ import annotations

import os
import re
from typing import Any

from tests.world import PASSWORD, World

# Playwright's sync API keeps an event loop on the main thread; Django would otherwise refuse the
# test's own ORM calls (fixtures, assertions) there. The app itself runs in the live server's threads.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def new_page(browser: Any) -> Any:
    """A page in a fresh browser context (its own cookies), in Chinese as a store's PC would be."""
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(15000)
    return page


def sign_in(page: Any, live_app: Any, login: str, password: str = PASSWORD, *, fresh: bool = False) -> Any:
    """Sign in on the public sign-in page as `login` (a mobile or an e-mail); `fresh` drops the cookies of
    whoever used the page before. Returns the page, on wherever the sign-in led."""
    if fresh:
        page.context.clear_cookies()
    page.goto(f"{live_app.base}/signin/")
    page.fill("#id_username", login)
    page.fill("#id_password", password)
    with page.expect_navigation():  # the form posts and the answer (a redirect or the form again) loads
        page.click("button[type=submit]")
    return page


def sign_in_at_store(page: Any, live_app: Any, world: World, key: str, path: str = "/", *,
                     store: Any = None) -> Any:
    """Sign `world.user(key)` in afresh and open `path` in `store` (store A unless named). A user of two stores
    ("ab.") picks the store from the chooser first, as in the menu. Returns the page."""
    store = store or world.store_a
    sign_in(page, live_app, world.user(key).mobile, fresh=True)
    if key.startswith("ab."):
        page.click(f"main >> text={store.name}")
        page.wait_for_url(re.compile(re.escape(world.host(store))))
    page.goto(live_app.store_url(store))  # the store's domain signs the session in there, then lands home
    if path != "/":
        page.goto(live_app.store_url(store, path))
    assert world.host(store) in page.url, page.url
    return page
