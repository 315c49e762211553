"""In Chromium, under the real Content-Security-Policy: pages, charts, the print page and Swagger run
without a single CSP violation, and the data-* behaviours that replaced inline handlers work."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tenants.models import Store
from tests.browser.conftest import sign_in
from tests.world import World

pytestmark = pytest.mark.browser


def _watch(page: Any) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: seen.append(f"pageerror: {e}"))
    return seen


def test_store_pages_charts_and_swagger_run_under_the_csp(page: Any, live_app: Any, world: World) -> None:
    violations = _watch(page)
    sign_in(page, live_app, world.user("a.general_manager").mobile)
    page.wait_for_url(re.compile(r"store-a\.localhost:\d+/$"))
    for path in ("/", "/customers/", "/customers/import/", "/aftersales/report/?month=2026-11",
                 "/aftersales/report/print/?month=2026-11", "/aftersales/actions/"):
        page.goto(live_app.store_url(world.store_a, path))
        page.wait_for_load_state("networkidle")
    page.goto(live_app.store_url(world.store_a, "/aftersales/report/?month=2026-11"))
    page.wait_for_selector("#chart-funnel canvas")  # ECharts drew from the static script
    page.goto(live_app.store_url(world.store_a, "/api/docs/"))
    page.wait_for_selector(".swagger-ui .opblock")  # Swagger UI from the sidecar, init script as a file
    assert violations == []


def test_the_confirm_and_language_switch_work_without_inline_handlers(page: Any, live_app: Any,
                                                                      world: World) -> None:
    violations = _watch(page)
    sign_in(page, live_app, world.user("x.hq_admin").mobile)
    page.wait_for_url(re.compile(r"/hq/"))
    page.goto(f"{live_app.base}/hq/?group={world.group_x.code}")
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.locator("button[value=archived]").first.click()  # 归档 asks first; dismissed: nothing changes
    page.wait_for_timeout(300)
    assert asked and "归档后门店将停止服务" in asked[0]
    assert not Store.objects.filter(group=world.group_x, status=Store.Status.ARCHIVED).exists()
    page.click("text=" + world.user("x.hq_admin").name)
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")  # data-autosubmit submits the form
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(f"{live_app.base}/hq/trends/?group={world.group_x.code}")
    page.wait_for_selector("#trend-chart canvas")
    assert violations == []
