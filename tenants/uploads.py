"""The one reader of uploaded spreadsheets (CSV/XLSX), with limits: the counterpart of `tenants.exports`.

An upload is refused — with a Chinese message at the file field, before anything is written — when it is
larger than `UPLOAD_MAX_BYTES`, has more than `UPLOAD_MAX_ROWS` data rows or `UPLOAD_MAX_CELLS` cells,
or is an XLSX whose members would decompress past `UPLOAD_MAX_XLSX_UNZIPPED_BYTES` (a zip bomb). The
zip's directory is checked *before* openpyxl opens it; Python's zipfile never inflates a member past the
size its directory declares, so the check bounds what openpyxl can unpack. openpyxl parses the XML with
`defusedxml` when it is installed (it is: `openpyxl.xml.DEFUSEDXML`), which refuses entity expansion.

CSV: UTF-8 (with or without BOM) first, then GB18030 — a superset of GBK/GB2312, the encoding a Chinese
Windows Excel uses for "CSV (逗号分隔)" — so a dealer's Excel export is read as it is.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _

from .errors import DomainError

ZIP_MEMBERS_MAX = 1000  # a customer sheet has a dozen parts; thousands is not a spreadsheet


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"


def check_size(size: int) -> None:
    """Refuse a file larger than `UPLOAD_MAX_BYTES` (checked before the file is read into memory)."""
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise DomainError(_("文件过大（%(size)s），上限为 %(limit)s。请拆分成几个文件后分别导入。")
                          % {"size": _mb(size), "limit": _mb(limit)}, field="file")


def _check_zip(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DomainError(_("无法读取该 Excel 文件，请另存为 .xlsx 后重试。"), field="file") from None
    unzipped = sum(i.file_size for i in infos)
    if len(infos) > ZIP_MEMBERS_MAX or unzipped > settings.UPLOAD_MAX_XLSX_UNZIPPED_BYTES:
        raise DomainError(_("该 Excel 文件解压后过大（超过 %(limit)s），可能已损坏或不是正常的表格，未导入任何数据。")
                          % {"limit": _mb(settings.UPLOAD_MAX_XLSX_UNZIPPED_BYTES)}, field="file")


class _Budget:
    """Counts rows and cells as they are read, and stops the read the moment a limit is passed."""

    def __init__(self) -> None:
        self.seen = 0  # rows read, blank ones included
        self.rows = 0
        self.cells = 0

    def take(self, row: list[str]) -> list[str]:
        while row and not row[-1]:  # Excel pads rows to the sheet's widest formatted column
            row.pop()
        self.seen += 1
        if row:
            self.rows += 1
            self.cells += len(row)
        if self.rows > settings.UPLOAD_MAX_ROWS + 1 or self.seen > 2 * settings.UPLOAD_MAX_ROWS + 1000:
            raise DomainError(_("文件行数超过上限 %(limit)s 行，请拆分后分别导入。")
                              % {"limit": f"{settings.UPLOAD_MAX_ROWS:,}"}, field="file")
        if self.cells > settings.UPLOAD_MAX_CELLS:
            raise DomainError(_("文件单元格数超过上限 %(limit)s 个，请删除多余的列或拆分后导入。")
                              % {"limit": f"{settings.UPLOAD_MAX_CELLS:,}"}, field="file")
        return row


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    _check_zip(content)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        for row in ws.iter_rows(values_only=True):
            yield [_cell(c) for c in row]
    except DomainError:
        raise
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same answer to the user
        raise DomainError(_("无法读取该 Excel 文件，请另存为 .xlsx 后重试。"), field="file") from None


def _cell(c: Any) -> str:
    if c is None:
        return ""
    return (c.date().isoformat() if isinstance(c, datetime) else str(c)).replace("\x00", "").strip()


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError(_("无法识别文件编码，请在 Excel 中另存为“CSV UTF-8(逗号分隔)”后重试。"), field="file")
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            yield [c.replace("\x00", "").strip() for c in row]  # PostgreSQL text cannot hold NUL
    except csv.Error:
        raise DomainError(_("第 %(line)s 行无法解析（引号不成对、含空字符或单元格过长），请检查后重试。")
                          % {"line": reader.line_num}, field="file") from None


def read_table(filename: str, content: bytes) -> list[list[str]]:
    """The first sheet of an uploaded .csv/.xlsx as rows of stripped text, within the upload limits."""
    check_size(len(content))
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif name.endswith(".csv"):
        rows = _csv_rows(content)
    else:
        raise DomainError(_("只支持 .csv 或 .xlsx 文件。"), field="file")
    budget = _Budget()
    return [budget.take(row) for row in rows]
