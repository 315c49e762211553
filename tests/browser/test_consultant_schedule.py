"""In a real browser, the sales manager sets a consultant's week on 线索 → 顾问排班 (issue 18): she works
Saturdays 09:00–17:00 and has Mondays off; one bad value (Saturday ending 08:00, before it starts) is
refused at its field with what was typed kept, then corrected and saved; the grid shows the new week,
and the consultant reads it without an edit button."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from tests.browser.conftest import sign_in_at_store
from tests.world import World

pytestmark = pytest.mark.browser


def _cleanup(world: World) -> None:
    from crm.models import ConsultantDuty

    with tenant_context(world.store_a):
        ConsultantDuty.objects.all().delete()


@pytest.fixture
def clean(live_app: Any, world: World) -> Iterator[None]:
    _cleanup(world)
    yield
    _cleanup(world)


def test_the_sales_manager_edits_a_consultants_week(page: Any, live_app: Any, world: World, clean: None) -> None:
    from crm.models import ConsultantDuty

    consultant = world.user("a.sales_consultant")
    sign_in_at_store(page, live_app, world, "a.sales_manager", "/")
    link = page.locator("#nav-lead_schedule")  # 线索 → 顾问排班
    page.goto(live_app.store_url(world.store_a, link.get_attribute("href")))
    row = page.locator(f"#schedule-{consultant.pk}")
    assert "同门店" in row.inner_text()
    row.locator("a.edit").click()
    page.wait_for_load_state()
    # Start from the store's hours (08:30–18:00 every day): untick 同门店, Monday off, Saturday 09:00–08:00.
    page.uncheck("#id_same_as_store")
    page.uncheck("#id_mon_open")
    page.check("#id_sat_open")
    page.fill("#id_sat_start", "09:00")
    page.fill("#id_sat_end", "08:00")
    page.click("#schedule-submit")
    page.wait_for_load_state()
    sat = page.locator("tr[data-day=sat]")
    assert "下班时间必须晚于上班时间。" in sat.inner_text()
    assert page.input_value("#id_sat_start") == "09:00" and page.input_value("#id_sat_end") == "08:00"
    assert not page.is_checked("#id_mon_open") and not page.is_checked("#id_same_as_store")
    with tenant_context(world.store_a):
        assert not ConsultantDuty.objects.exists()  # nothing half-written
    page.fill("#id_sat_end", "17:00")
    page.click("#schedule-submit")
    page.wait_for_load_state()
    assert "已保存" in page.locator(".alert").first.inner_text()
    row = page.locator(f"#schedule-{consultant.pk}")
    assert row.locator(".day-mon").inner_text() == "休息"
    assert row.locator(".day-sat").inner_text() == "09:00–17:00"
    assert row.locator(".day-tue").inner_text() == "08:30–18:00"
    with tenant_context(world.store_a):
        duty = ConsultantDuty.objects.get(consultant_id=consultant.pk)
    expected = {d: ["08:30", "18:00"] for d in ("tue", "wed", "thu", "fri", "sun")}
    assert duty.on_duty and duty.schedule == {**expected, "sat": ["09:00", "17:00"]}
    # The consultant reads their own week, with no way to change it.
    sign_in_at_store(page, live_app, world, "a.sales_consultant", "/leads/schedule/")
    mine = page.locator(f"#schedule-{consultant.pk}")
    assert mine.locator(".day-sat").inner_text() == "09:00–17:00" and page.locator("a.edit").count() == 0
