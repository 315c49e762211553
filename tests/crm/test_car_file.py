"""一车一档: one car's page — owners over time, services, mileage, return visits, complaints — and its documents
(uploaded per store, checked by content and size, served only through the store's access check)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context

from crm import services
from crm.models import Vehicle, VehicleDocument
from tests.conftest import client_for

from .conftest import mobile
from .fixtures import a_customer

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _client(world: Any, key: str, store: Any = None) -> Any:
    return client_for(world.user(key), world.host(store or world.store_a))


def _car(world: Any) -> Vehicle:
    customer = a_customer(world)
    with tenant_context(world.store_a):
        return Vehicle.objects.get(owner=customer)


def _upload(client: Any, vehicle: Vehicle, name: str = "合同.pdf", content: bytes = PDF, kind: str = "contract",
            note: str = "") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"/vehicles/{vehicle.pk}/documents/",
                       {"kind": kind, "note": note, "file": SimpleUploadedFile(name, content)})


def test_the_page_shows_owners_services_mileage_and_links_back(world: Any, member: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        seller = a_customer(world)  # car with 1,200 km recorded today (2026-06-10)
        vehicle = _car(world)
        with tenant_context(world.store_a):
            buyer = services.customer_create(member=member("a.sales_manager"), name="李二手", mobile=mobile(801),
                                             consultant_id=world.user("a.sales_consultant").pk)
            services.service_visit_create(member=member("a.service_advisor"), vehicle=vehicle, kind="first",
                                          visited_on=dt.date(2026, 6, 10), km=1200, amount="680", order_no="WO-1")
    with time_machine.travel(dt.datetime(2026, 7, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        with tenant_context(world.store_a):
            services.vehicle_transfer(member=member("a.sales_manager"), vehicle=vehicle, customer=buyer,
                                      on=dt.date(2026, 7, 1))
        client = _client(world, "a.service_advisor")
        # 30 days after the 1,200 km reading: 2,700 km → (2,700 − 1,200) / 30 = 50.0 km a day.
        response = client.post(f"/customers/{buyer.pk}/vehicles/{vehicle.pk}/mileage/",
                               {"km": "2700", "read_on": "2026-07-10", "back": "vehicle"})
        assert response.status_code == 302 and response["Location"] == f"/vehicles/{vehicle.pk}/#mileage"
        body = client.get(f"/vehicles/{vehicle.pk}/").content.decode()
        page_360 = client.get(f"/customers/{buyer.pk}/").content.decode()
    assert "浙AD12345" in body and "LSVAB2BR6MN000001" in body
    owners = body[body.index('id="owners"'):body.index('id="mileage"')]
    assert owners.index("李二手") < owners.index("王小明") and "至今" in owners and "2026年7月1日" in owners
    assert "50.0 km" in body and "2700" in body and "WO-1" in body and "¥680.00" in body and "首保" in body
    assert f'href="/customers/{buyer.pk}/"' in body
    assert f'href="/vehicles/{vehicle.pk}/"' in page_360
    _ = seller


def test_an_earlier_owner_the_member_may_not_see_is_not_named(world: Any, member: Any) -> None:
    seller = a_customer(world)  # a.sales_consultant's customer
    vehicle = _car(world)
    with tenant_context(world.store_a):
        buyer = services.customer_create(member=member("a.sales_manager"), name="赵新主", mobile=mobile(802),
                                         consultant_id=world.user("ab.sales_consultant").pk)
        services.vehicle_transfer(member=member("a.sales_manager"), vehicle=vehicle, customer=buyer)
    colleague = client_for(world.user("ab.sales_consultant"), world.host(world.store_a))
    body = colleague.get(f"/vehicles/{vehicle.pk}/").content.decode()
    assert "赵新主" in body and seller.name not in body and "其他客户" in body
    assert _client(world, "a.sales_consultant").get(f"/vehicles/{vehicle.pk}/").status_code == 404


def test_a_document_is_uploaded_listed_downloaded_and_kept_under_the_store(world: Any, media: Path) -> None:
    vehicle = _car(world)
    client = _client(world, "a.customer_service")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 5, tzinfo=SHANGHAI), tick=False):
        response = _upload(client, vehicle, note="原件在档案柜")
    assert response.status_code == 302
    with tenant_context(world.store_a):
        doc = VehicleDocument.objects.get(vehicle=vehicle)
    assert doc.file_path.startswith(f"vehicle-docs/{world.store_a.schema_name}/{vehicle.pk}/")
    assert doc.file_path.endswith(".pdf") and (media / doc.file_path).read_bytes() == PDF
    assert doc.content_type == "application/pdf" and doc.uploaded_by_id == world.user("a.customer_service").pk
    body = client.get(f"/vehicles/{vehicle.pk}/").content.decode()
    assert "购车合同" in body and "合同.pdf" in body and "原件在档案柜" in body and "2026年3月2日 09:05" in body
    assert world.user("a.customer_service").name in body
    download = client.get(f"/vehicles/{vehicle.pk}/documents/{doc.pk}/")
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf" and "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("invoice.pdf", b"MZ\x90\x00 not a pdf at all", "只能上传 PDF、JPEG 或 PNG 文件"),  # a renamed program
    ("scan.png", b"", "文件是空的"),
])
def test_a_bad_file_is_refused_at_its_field_and_nothing_is_stored(world: Any, media: Path, name: str,
                                                                   content: bytes, message: str) -> None:
    vehicle = _car(world)
    response = _upload(_client(world, "a.customer_service"), vehicle, name=name, content=content, kind="invoice",
                       note="保留这段备注")
    body = response.content.decode()
    assert response.status_code == 400 and message in body
    assert 'is-invalid" type="file"' in body and "保留这段备注" in body and 'value="invoice" selected' in body
    with tenant_context(world.store_a):
        assert not VehicleDocument.objects.filter(vehicle=vehicle).exists()
    assert not (media / "vehicle-docs").exists()


def test_a_file_over_10_mb_is_refused(world: Any, media: Path) -> None:
    vehicle = _car(world)
    big = PNG + b"\x00" * (10 * 1024 * 1024)  # 10 MB + 40 bytes
    body = _upload(_client(world, "a.customer_service"), vehicle, name="big.png", content=big,
                   kind="insurance").content.decode()
    assert "文件不能超过 10 MB（本文件 10.0 MB）" in body
    with tenant_context(world.store_a):
        assert not VehicleDocument.objects.filter(vehicle=vehicle).exists()


def test_no_kind_chosen_is_an_error_at_the_kind(world: Any) -> None:
    body = _upload(_client(world, "a.customer_service"), _car(world), kind="").content.decode()
    assert "请选择资料类型。" in body and 'form-select form-select-sm is-invalid' in body


def test_only_a_manager_deletes_a_document_and_the_file_goes_with_it(world: Any, media: Path,
                                                                    django_capture_on_commit_callbacks: Any) -> None:
    vehicle = _car(world)
    _upload(_client(world, "a.customer_service"), vehicle, name="行驶证.png", content=PNG, kind="registration")
    with tenant_context(world.store_a):
        doc = VehicleDocument.objects.get(vehicle=vehicle)
    url = f"/vehicles/{vehicle.pk}/documents/{doc.pk}/delete/"
    assert _client(world, "a.customer_service").post(url).status_code == 404
    assert _client(world, "a.sales_consultant").post(url).status_code == 404
    assert "删除" not in _client(world, "a.customer_service").get(f"/vehicles/{vehicle.pk}/").content.decode() \
        .split('id="documents"')[1].split("</tbody>")[0]
    with django_capture_on_commit_callbacks(execute=True):  # the file is removed after the commit
        response = _client(world, "a.general_manager").post(url)
    assert response.status_code == 302
    with tenant_context(world.store_a):
        assert not VehicleDocument.objects.filter(pk=doc.pk).exists()
    assert not default_storage.exists(doc.file_path)


def test_other_stores_and_colleagues_get_404_for_the_page_and_the_file(world: Any) -> None:
    vehicle = _car(world)
    _upload(_client(world, "a.sales_consultant"), vehicle)
    with tenant_context(world.store_a):
        doc = VehicleDocument.objects.get(vehicle=vehicle)
    page, file = f"/vehicles/{vehicle.pk}/", f"/vehicles/{vehicle.pk}/documents/{doc.pk}/"
    assert _client(world, "a.sales_consultant").get(file).status_code == 200
    for key, store in (("ab.sales_consultant", world.store_a), ("b.general_manager", world.store_b),
                       ("b.general_manager", world.store_a), ("c.sales_consultant", world.store_a)):
        c = client_for(world.user(key), world.host(store))
        assert c.get(page).status_code == 404, key
        assert c.get(file).status_code == 404, key
        assert c.post(f"/vehicles/{vehicle.pk}/documents/", {"kind": "contract"}).status_code == 404, key
    # The same ids asked at store B, whose schema has no such rows.
    assert _client(world, "b.general_manager", world.store_b).get(file).status_code == 404


def test_a_document_row_pointing_outside_its_stores_folder_is_not_served(world: Any, media: Path) -> None:
    vehicle = _car(world)
    (media / "elsewhere").mkdir()
    (media / "elsewhere" / "x.pdf").write_bytes(PDF)
    with tenant_context(world.store_a):
        doc = VehicleDocument.objects.create(vehicle=vehicle, kind="contract", file_path="elsewhere/x.pdf",
                                             original_name="x.pdf", content_type="application/pdf", size=len(PDF),
                                             uploaded_by_id=world.user("a.sales_manager").pk)
    assert _client(world, "a.sales_manager").get(f"/vehicles/{vehicle.pk}/documents/{doc.pk}/").status_code == 404
