"""Everything one store holds, as a zip another system can read (the dealer owns its data and can leave).

Layout of the zip:
- `manifest.json` — store, export time (store time), and per table: file names, row count, columns with types;
- `data/<table>.json` — every row of every store table (ids and foreign keys as they are in the store);
- `data/<table>.csv` — the same rows as CSV (UTF-8 with BOM, Excel opens it);
- `客户.csv` / `客户.xlsx` — the customer list as staff export it from the customer page (crm.services.exports);
- `documents/…` — the files the store produced (month-end maintenance lists).
Runs inside the store's schema (tenant_context): nothing of another store can be read.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext

from tenants.db import tenant_connection
from tenants.exports import csv_bytes, xlsx_bytes

from ..models import Customer
from ..models.cadence import MaintenanceDueList
from .exports import HEADERS, export_rows


def _cell(value: Any) -> Any:
    """A JSON-ready value: dates ISO 8601, decimals as strings (exact money), bytes left out."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None  # raw upload bodies (import files) are not data the store keeps
    return value


def table_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A store table as CSV through the one export helper (formula cells neutralised); lists and dicts
    (ArrayField, JSONField) as JSON text."""
    return csv_bytes(([("" if v is None else json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict)
                        else v) for v in row] for row in rows), header=headers)


def store_tables() -> list[tuple[Any, list[Any]]]:
    """Every store table as (model, its exported fields): the crm app's models, raw upload bodies
    (BinaryField) left out. The one list of what a store holds (one customer's file reads it too:
    crm.personal_info.selectors)."""
    return [(model, [f for f in model._meta.concrete_fields if f.get_internal_type() != "BinaryField"])
            for model in apps.get_app_config("crm").get_models()]


def store_export_build(*, store: Any) -> bytes:
    """The store's zip (see the module docstring). Call inside `tenant_context(store)`."""
    assert tenant_connection().schema_name == store.schema_name, "store_export_build runs in the store's schema"
    manifest: dict[str, Any] = {
        "format": "chezhu-store-export/1", "store": {"slug": store.slug, "name": store.name},
        "exported_at": timezone.localtime().isoformat(), "tables": {},
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for model, fields in store_tables():
            columns = [f.attname for f in fields]
            rows = [[_cell(v) for v in row] for row in model._default_manager.order_by("pk")
                    .values_list(*columns).iterator(chunk_size=2000)]
            table = model._meta.db_table
            zf.writestr(f"data/{table}.json", json.dumps([dict(zip(columns, r, strict=True)) for r in rows],
                                                        ensure_ascii=False, indent=None))
            zf.writestr(f"data/{table}.csv", table_csv(columns, rows))
            manifest["tables"][table] = {
                "model": model._meta.label, "rows": len(rows), "json": f"data/{table}.json", "csv": f"data/{table}.csv",
                "columns": {f.attname: f.get_internal_type() for f in fields},
            }
        customers = Customer.objects.order_by("pk")
        title = gettext("客户")  # the dealer's own file names, in the operator's language (zh-hans by default)
        zf.writestr(f"{title}.csv", csv_bytes(export_rows(customers, masked=False), header=HEADERS))
        zf.writestr(f"{title}.xlsx", xlsx_bytes(export_rows(customers, masked=False), header=HEADERS,
                                                        title=title))
        documents = []
        for doc in MaintenanceDueList.objects.order_by("pk"):
            if doc.file_path and default_storage.exists(doc.file_path):
                with default_storage.open(doc.file_path, "rb") as fh:
                    name = f"documents/{doc.file_path.rsplit('/', 1)[-1]}"
                    zf.writestr(name, fh.read())
                    documents.append(name)
        manifest["documents"] = documents
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return out.getvalue()
