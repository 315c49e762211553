"""manage.py store_export: everything one store holds, readable by another system, nothing of another store."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import tenant_context

from crm.models import Customer, Vehicle
from tests.world import World

STORE_TABLES = {"crm_customer", "crm_vehicle", "crm_lead", "crm_servicevisit", "crm_returnvisit",
                "crm_followuptask", "crm_complaint", "crm_correctiveaction", "crm_maintenanceduelist"}


def test_store_export_holds_the_stores_data_and_nothing_of_another(world: World, db: Any, tmp_path: Path) -> None:
    with tenant_context(world.store_a):
        mine = Customer.objects.create(name="王导出", mobile="13912340001", tags=["女车主"])
        Vehicle.objects.create(owner=mine, vin="LSVAU2180N2123456", vin_tail="123456", plate="浙A12345",
                               brand="上汽大众", model="朗逸")
    with tenant_context(world.store_b):
        Customer.objects.create(name="李别家", mobile="13912340002")
    out = tmp_path / "a.zip"
    call_command("store_export", world.store_a.slug, "--output", str(out))
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["store"]["slug"] == "store-a"
        assert STORE_TABLES <= set(manifest["tables"])
        for table, info in manifest["tables"].items():
            assert {info["json"], info["csv"]} <= names, table
        customers = json.loads(zf.read("data/crm_customer.json"))
        assert [c["name"] for c in customers if c["mobile"] == "13912340001"] == ["王导出"]
        assert customers[[c["mobile"] for c in customers].index("13912340001")]["tags"] == ["女车主"]
        vehicles = json.loads(zf.read("data/crm_vehicle.json"))
        assert any(v["vin"] == "LSVAU2180N2123456" and v["owner_id"] == mine.pk for v in vehicles)
        rows = list(csv.DictReader(io.StringIO(zf.read("data/crm_customer.csv").decode("utf-8-sig"))))
        assert len(rows) == manifest["tables"]["crm_customer"]["rows"] == len(customers)
        everything = b"".join(zf.read(n) for n in names)
        assert "李别家".encode() not in everything and b"13912340002" not in everything  # store B's customer
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(zf.read("客户.xlsx")), read_only=True).active
        assert any(r[0] == "王导出" for r in sheet.iter_rows(values_only=True))


def test_store_export_of_an_unknown_store_is_a_clear_error(db: Any) -> None:
    with pytest.raises(CommandError, match="no store with slug"):
        call_command("store_export", "no-such-store")
