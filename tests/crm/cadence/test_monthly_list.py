"""每月底导出: on the month's last day every store saves next month's due-but-not-come-in list as XLSX
under its schema, customer service is told once, and only this store's staff who export can download."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from crm.cadence import monthly
from crm.cadence.tasks import cadence_maintenance_list_month_end, cadence_maintenance_list_store
from crm.models.aftersales import Notification
from crm.models.cadence import MaintenanceDueList
from hq.services.policies import group_policy_bootstrap
from tests.conftest import client_for
from tests.world import World

from .conftest import at, customer, vehicle, visit

MONTH_END = dt.date(2026, 11, 30)
DECEMBER = dt.date(2026, 12, 1)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _cars() -> tuple[Any, Any, Any]:
    """首保 due in December, one due in January, one due in December that already came in."""
    due = vehicle(customer(name="十二月到期"), delivered_on=MONTH_END - dt.timedelta(days=170))
    january = vehicle(customer(name="一月到期"), delivered_on=MONTH_END - dt.timedelta(days=140))
    came = vehicle(customer(name="已进站"), delivered_on=MONTH_END - dt.timedelta(days=170))
    visit(came, MONTH_END - dt.timedelta(days=5), kind="first", km=4800)
    return due, january, came


def test_the_list_month_is_next_month_even_when_the_run_slips_past_midnight() -> None:
    assert monthly.list_month(MONTH_END) == DECEMBER
    assert monthly.list_month(DECEMBER) == DECEMBER  # delivered after midnight: still December's list
    assert monthly.list_month(dt.date(2026, 11, 15)) == DECEMBER  # a manual run mid-month
    assert monthly.is_month_end(dt.date(2027, 2, 28)) and not monthly.is_month_end(dt.date(2028, 2, 28))


def test_the_month_end_job_saves_the_store_list_and_tells_customer_service_once(
    world: World, db: Any, media: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    group_policy_bootstrap(group=world.group_x)
    monkeypatch.setattr(timezone, "now", lambda: at(MONTH_END, 20))
    with tenant_context(world.store_a):
        due, _january, _came = _cars()
        assert cadence_maintenance_list_store() == 1  # the per-store task, run in-process

        row = MaintenanceDueList.objects.get()
        path = f"cadence/maintenance-due/{world.store_a.schema_name}/2026-12.xlsx"
        assert (row.month, row.rows, row.file_path) == (DECEMBER, 1, path)
        assert (media / path).is_file()
        sheet = load_workbook(io.BytesIO(default_storage.open(path).read())).active
        values = [[c.value for c in r] for r in sheet.iter_rows()]
        assert values[0][:3] == ["客户姓名", "手机号", "车牌号"]
        assert [v[0] for v in values[1:]] == ["十二月到期"] and values[1][2] == due.plate

        cs = world.user("a.customer_service").pk
        notice = Notification.objects.get(recipient_id=cs)
        assert notice.kind == "maintenance" and "2026年12月到期保养名单已生成：1 辆未进站" in notice.title
        assert f"/cadence/maintenance-due/lists/{row.pk}/download/" in notice.body

        # A redelivered job rewrites the same file and tells nobody twice.
        assert cadence_maintenance_list_store() == 1
        assert MaintenanceDueList.objects.count() == 1 and MaintenanceDueList.objects.get().file_path == path
        assert Notification.objects.filter(kind="maintenance").count() == 1
        assert sorted(p.name for p in (media / path).parent.iterdir()) == ["2026-12.xlsx"]

    with tenant_context(world.store_b):
        assert cadence_maintenance_list_store() == 0
        assert MaintenanceDueList.objects.get().file_path.startswith(
            f"cadence/maintenance-due/{world.store_b.schema_name}/")


def test_the_generated_lists_are_listed_and_downloaded_through_the_store_access_check(
    world: World, db: Any, media: Path,
) -> None:
    group_policy_bootstrap(group=world.group_x)
    with tenant_context(world.store_a):
        due, _january, _came = _cars()
        cadence_maintenance_list_store(DECEMBER.isoformat())
        pk = MaintenanceDueList.objects.get().pk
    host = world.host(world.store_a)
    url = f"/cadence/maintenance-due/lists/{pk}/download/"
    cs = client_for(world.user("a.customer_service"), host)
    page = cs.get("/cadence/maintenance-due/").content.decode()
    assert url in page and "2026年12月到期保养名单：1 辆未进站" in page
    r = cs.get(url)
    assert r.status_code == 200 and r["Content-Type"] == monthly.XLSX
    assert 'filename="maintenance-due-2026-12.xlsx"' in r["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet.cell(row=2, column=3).value == due.plate
    assert client_for(world.user("a.sales_consultant"), host).get(url).status_code == 404
    assert client_for(world.user("b.customer_service"), host).get(url).status_code == 404
    assert cs.get("/cadence/maintenance-due/lists/999999/download/").status_code == 404
    assert client_for(None, host).get(url).status_code == 302


def test_beat_fans_the_list_out_only_on_the_last_day_of_the_month(monkeypatch: pytest.MonkeyPatch) -> None:
    import crm.cadence.tasks
    from tenants.fanout import Work

    calls: list[tuple[str, int]] = []

    def fan_out(name: str, *, work: Work, spread_seconds: int) -> int:
        assert work is Work.OUTBOUND
        calls.append((name, spread_seconds))
        return 3

    monkeypatch.setattr(crm.cadence.tasks, "fan_out_to_stores", fan_out)
    assert cadence_maintenance_list_month_end("2026-11-29") == 0 and calls == []
    assert cadence_maintenance_list_month_end("2026-11-30") == 3
    assert cadence_maintenance_list_month_end("2027-02-28") == 3
    assert calls == [("cadence.maintenance_list_store", 1800)] * 2
    entry = settings.CELERY_BEAT_SCHEDULE["cadence-maintenance-list-month-end"]
    assert entry["task"] == "cadence.maintenance_list_month_end"
