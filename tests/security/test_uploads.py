"""Uploads have limits: size, rows, cells, decompressed size (zip bomb), malformed files, GBK CSV, and raw
files deleted after the stated time. A refused file shows a Chinese message at the file field and
leaves nothing behind (no ImportJob, no customer)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from html import unescape
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from openpyxl import Workbook

from crm.models import Customer, ImportJob
from crm.services.imports import import_raw_files_purge
from tests.conftest import client_for
from tests.world import World

CST = dt.timezone(dt.timedelta(hours=8))
HEADER = "姓名,手机号\n"


@pytest.fixture
def manager(world: World, db: Any) -> Any:
    return client_for(world.user("a.sales_manager"), world.host(world.store_a))


def _post(client: Any, name: str, body: bytes) -> Any:
    return client.post("/customers/import/", {"file": SimpleUploadedFile(name, body)})


def _field_error(response: Any) -> str:
    """The message shown under the file input (the field's own error block)."""
    html = response.content.decode()
    block = re.search(r'<div id="file-errors">(.*?)</div></form>', html, re.S)
    assert block, "no error block at the file field"
    return unescape(re.sub(r"<[^>]+>", "", block.group(1)))


def _nothing_written(world: World) -> None:
    with tenant_context(world.store_a):
        assert ImportJob.objects.count() == 0
        assert not Customer.objects.filter(mobile__startswith="1395").exists()


def _xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_oversized_file_is_refused_at_the_field(world: World, manager: Any, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 1024 * 1024  # 1 MB
    # a row is 19 bytes (张三 = 6 in UTF-8, comma, 11 digits, newline): 17 + 19 × 80,000 = 1,520,017 bytes
    # = 1.45 MB, shown to one decimal as 1.4 MB
    body = (HEADER + "张三,13950000001\n" * 80_000).encode()
    r = _post(manager, "big.csv", body)
    assert r.status_code == 400
    assert "文件过大（1.4 MB），上限为 1 MB" in _field_error(r)
    _nothing_written(world)


def test_too_many_rows_and_too_many_cells_are_refused(world: World, manager: Any, settings: Any) -> None:
    settings.UPLOAD_MAX_ROWS = 3
    rows = "".join(f"客户{i},1395000000{i}\n" for i in range(4))  # 4 data rows > 3
    r = _post(manager, "rows.csv", (HEADER + rows).encode())
    assert r.status_code == 400 and "文件行数超过上限 3 行" in _field_error(r)
    settings.UPLOAD_MAX_ROWS = 100
    settings.UPLOAD_MAX_CELLS = 10
    # header 2 cells + 5 rows × 2 cells = 12 cells > 10 (trailing empty cells are not counted)
    rows = "".join(f"客户{i},1395000000{i},,,\n" for i in range(5))
    r = _post(manager, "cells.xlsx", _xlsx([["姓名", "手机号"], *[r.split(",") for r in rows.splitlines()]]))
    assert r.status_code == 400 and "文件单元格数超过上限 10 个" in _field_error(r)
    _nothing_written(world)


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(world: World, manager: Any, settings: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    settings.UPLOAD_MAX_XLSX_UNZIPPED_BYTES = 5 * 1024 * 1024  # 5 MB
    base = zipfile.ZipFile(io.BytesIO(_xlsx([["姓名", "手机号"], ["张三", "13950000001"]])))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in base.infolist():
            data = base.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":  # 50 MB of blanks inside the sheet's XML
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (50 * 1024 * 1024))
            out.writestr(info.filename, data)
    bomb = buf.getvalue()
    assert len(bomb) < 200 * 1024  # the upload itself is tiny: deflate packs the blanks ~1000:1

    import openpyxl

    def never(*_a: Any, **_k: Any) -> None:
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    r = _post(manager, "bomb.xlsx", bomb)
    assert r.status_code == 400 and "解压后过大（超过 5 MB）" in _field_error(r)
    _nothing_written(world)


def test_malformed_workbooks_get_one_clear_answer(world: World, manager: Any) -> None:
    assert __import__("openpyxl.xml", fromlist=["DEFUSEDXML"]).DEFUSEDXML  # entity expansion refused
    good = zipfile.ZipFile(io.BytesIO(_xlsx([["姓名", "手机号"], ["张三", "13950000001"]])))
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    variants = {}
    for label, sheet in (("truncated", b"<worksheet><sheetData><row"), ("billion-laughs", laughs)):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as out:
            for info in good.infolist():
                out.writestr(info.filename, sheet if info.filename == "xl/worksheets/sheet1.xml"
                             else good.read(info.filename))
        variants[label] = buf.getvalue()
    variants["not-a-zip"] = b"\x00\x01garbage" * 100
    variants["cut-in-half"] = _xlsx([["姓名", "手机号"]])[:3000]
    for label, body in variants.items():
        r = _post(manager, f"{label}.xlsx", body)
        assert r.status_code == 400, label
        assert "无法读取该 Excel 文件，请另存为 .xlsx 后重试。" in _field_error(r), label
    huge_cell = '"' + "x" * 140_000 + '"'  # past the csv module's 131,072-character field limit
    r = _post(manager, "long.csv", (HEADER + f"张三,13950000001\n{huge_cell},13950000002\n").encode())
    assert r.status_code == 400 and "第 3 行无法解析" in _field_error(r)
    r = _post(manager, "notes.txt", b"hello")
    assert r.status_code == 400 and "只支持 .csv 或 .xlsx 文件。" in _field_error(r)
    r = manager.post("/customers/import/", {})
    assert r.status_code == 400 and "请选择要导入的文件。" in _field_error(r)
    _nothing_written(world)


def test_a_gbk_csv_from_a_chinese_excel_imports_as_it_is(world: World, manager: Any) -> None:
    """GBK is read as it is; a NUL byte (PostgreSQL text cannot hold one) is dropped, not a 500."""
    body = (HEADER + "欧阳锋,13950000011\n黄药\x00师,13950000012\n").encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")  # really GBK, not UTF-8
    r = _post(manager, "gbk.csv", body)
    assert r.status_code == 302, _field_error(r)
    manager.post(r["Location"] + "confirm/")
    with tenant_context(world.store_a):
        assert set(Customer.objects.filter(mobile__startswith="1395").values_list("name", flat=True)) == {
            "欧阳锋", "黄药师"}


def test_raw_files_are_deleted_after_the_stated_time(world: World, manager: Any) -> None:
    assert settings.UPLOAD_RAW_RETENTION_HOURS == 24  # the README states 24 hours
    beat = settings.CELERY_BEAT_SCHEDULE["crm-import-raw-purge-hourly"]
    assert beat["args"][0] == "crm.tasks.import_raw_files_purge"  # sent into every store by the fan-out
    upload = (HEADER + "郭靖,13950000021\n").encode()
    # Signed in on the pinned clock each time (a session lasts a working day, 12 h).
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=CST), tick=False):
        manager = client_for(world.user("a.sales_manager"), world.host(world.store_a))
        done_url = _post(manager, "a.csv", upload)["Location"]
        manager.post(done_url + "confirm/")
        left_url = _post(manager, "b.csv", upload)["Location"]  # previewed, never confirmed
    with tenant_context(world.store_a):
        # 2026-11-03 08:59 is 23 h 59 min after the upload: kept; 09:01 is past 24 h: deleted.
        assert import_raw_files_purge(now=dt.datetime(2026, 11, 3, 8, 59, tzinfo=CST)) == 0
        assert import_raw_files_purge(now=dt.datetime(2026, 11, 3, 9, 1, tzinfo=CST)) == 2
        jobs = {j.status: j for j in ImportJob.objects.all()}
        assert set(jobs) == {"done", "failed"} and all(bytes(j.content) == b"" for j in jobs.values())
        assert jobs["done"].created_customers == 1  # the result stays
        assert "预览已过期" in jobs["failed"].message
    with time_machine.travel(dt.datetime(2026, 11, 3, 9, 5, tzinfo=CST), tick=False):
        manager = client_for(world.user("a.sales_manager"), world.host(world.store_a))
        refused = manager.post(left_url + "confirm/")  # the expired preview cannot be imported any more
        assert "/signin/" not in refused.get("Location", "")
    with tenant_context(world.store_a):
        assert Customer.objects.filter(mobile="13950000021").count() == 1
