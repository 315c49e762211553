"""In a real browser: customer service finds a car owner by a misspelt name and by pinyin initials, opens the
car's file (一车一档), uploads the purchase contract, sees it listed and records the mileage; the page shows
the owners over time and the service history. Store B and a colleague get 404 for the page and the file."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tenants.utils import tenant_context

from crm import services
from crm.models import Customer, Vehicle, VehicleDocument
from tenants.models import StoreMembership
from tests.browser.conftest import sign_in
from tests.conftest import client_for
from tests.world import World

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
OWNER_MOBILE, SELLER_MOBILE = "13900008801", "13900008802"
VIN = "LSVAB2BR1MN008801"  # check digit 1 (ISO 3779)
PLATE = "浙A8B801"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)  # the live server runs in this process: it stores here too
    return tmp_path


def _member(world: World, key: str) -> StoreMembership:
    return StoreMembership.objects.select_related("user", "store").get(user=world.user(key), store=world.store_a)


def _forget(world: World) -> None:
    """The live server needs committed rows: remove this test's customers and car (and what hangs off them)."""
    from crm.models import ServiceVisit

    with tenant_context(world.store_a):
        people = list(Customer.objects.filter(mobile__in=[OWNER_MOBILE, SELLER_MOBILE]).values_list("pk", flat=True))
        ServiceVisit.objects.filter(customer_id__in=people).delete()
        Vehicle.objects.filter(vin=VIN).delete()  # ownerships, mileage and documents go with it
        Customer.objects.filter(pk__in=people).delete()


@pytest.fixture
def committed(world: World) -> Iterator[None]:
    _forget(world)
    yield
    _forget(world)


def _car(world: World) -> Vehicle:
    """Committed (the live server must see it): 李旧主 bought the car on 1 May 2026 at 8,000 km and sold it to
    张伟 (a.sales_consultant's customer) on 20 May, when it was serviced at 9,000 km."""
    with tenant_context(world.store_a):
        manager, advisor = _member(world, "a.sales_manager"), _member(world, "a.service_advisor")
        consultant = world.user("a.sales_consultant").pk
        with time_machine.travel(dt.datetime(2026, 5, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
            seller = services.customer_create(member=manager, name="李旧主", mobile=SELLER_MOBILE,
                                              consultant_id=consultant)
            vehicle = services.vehicle_create(customer=seller, vin=VIN, plate=PLATE, brand="上汽大众", model="途观L",
                                              delivered_on=dt.date(2026, 5, 1), km=8000)
        with time_machine.travel(dt.datetime(2026, 5, 20, 15, 0, tzinfo=SHANGHAI), tick=False):
            owner = services.customer_create(member=manager, name="张伟", mobile=OWNER_MOBILE,
                                             consultant_id=consultant)
            services.vehicle_transfer(member=manager, vehicle=vehicle, customer=owner, on=dt.date(2026, 5, 20))
            vehicle.refresh_from_db()
            services.service_visit_create(member=advisor, vehicle=vehicle, kind="first",
                                          visited_on=dt.date(2026, 5, 20), km=9000, amount="520",
                                          order_no="WO-BROWSER-1")
        return vehicle


def _search(page: Any, typed: str, how: str) -> Any:
    """Type into the one search box (htmx searches on keyup, as a person types); wait for this query's list."""
    box = page.locator("#search-q")
    box.fill("")
    box.press_sequentially(typed, delay=30)  # CJK arrives as text input (like an IME), not key presses
    results = page.locator("#search-results")
    results.locator(".badge", has_text=re.compile(f"^{how}$")).first.wait_for()
    return results


def test_customer_service_finds_the_car_and_keeps_its_file(page: Any, live_app: Any, world: World,
                                                           media: Path, committed: None) -> None:
    vehicle = _car(world)
    with tenant_context(world.store_a):
        owner = Customer.objects.get(mobile=OWNER_MOBILE)
    with time_machine.travel(dt.datetime(2026, 6, 19, 10, 0, tzinfo=SHANGHAI), tick=True):
        sign_in(page, live_app, world.user("a.customer_service").mobile)
        page.goto(live_app.store_url(world.store_a, "/search/"))

        # 张玮 is a typo of 张伟 (same sound, zhang wei); zw are its pinyin initials.
        results = _search(page, "张玮", "同音")
        first = results.locator(".list-group-item").first
        assert first.inner_text().startswith("张伟") and first.locator(f"a[href='/customers/{owner.pk}/']").count()
        results = _search(page, "zw", "拼音")
        first = results.locator(".list-group-item").first
        assert first.inner_text().startswith("张伟") and PLATE in first.inner_text()

        first.locator(f"a[href='/vehicles/{vehicle.pk}/']").click()
        page.wait_for_url(re.compile(rf"/vehicles/{vehicle.pk}/$"))
        assert PLATE in page.locator("#vehicle-title").inner_text()
        assert page.locator("#vehicle-owner").inner_text() == "张伟"
        owners = page.locator("#owners").inner_text()
        # Newest first: 张伟 since 20 May (至今), then 李旧主 from 1 May to 20 May.
        assert owners.index("张伟") < owners.index("李旧主")
        assert "2026年5月20日 – 至今" in owners and "2026年5月1日 – 2026年5月20日" in owners
        history = page.locator("#service-visits").inner_text()
        assert "首保" in history and "WO-BROWSER-1" in history and "9000" in history and "¥520.00" in history

        # A file that is not a PDF/JPEG/PNG is refused at the field, the chosen type kept.
        page.select_option("#id_kind", "contract")
        page.set_input_files("#id_file", files=[{"name": "合同.pdf", "mimeType": "application/pdf",
                                                  "buffer": b"MZ this is a program"}])
        page.click("#document-form button")
        assert "只能上传 PDF、JPEG 或 PNG 文件" in page.locator("#document-form").inner_text()
        assert page.locator("#id_kind").input_value() == "contract"

        page.set_input_files("#id_file", files=[{"name": "购车合同.pdf", "mimeType": "application/pdf",
                                                  "buffer": PDF}])
        page.fill("#id_note", "原件在档案柜")
        page.click("#document-form button")
        page.wait_for_url(re.compile(rf"/vehicles/{vehicle.pk}/#documents$"))
        docs = page.locator("#documents tbody").inner_text()
        assert "购车合同" in docs and "购车合同.pdf" in docs and "原件在档案柜" in docs
        assert world.user("a.customer_service").name in docs and "2026年6月19日 10:0" in docs
        with page.expect_download() as download:
            page.click("#documents tbody a")
        assert Path(download.value.path()).read_bytes() == PDF

        # 记录里程: 10,500 km today, 30 days after the 9,000 km at the 20 May service:
        # (10,500 − 9,000) / 30 = 50.0 km a day.
        page.fill("#mileage-km", "10500")
        page.fill("#mileage-date", "2026-06-19")
        page.click("#mileage-form button")
        page.wait_for_url(re.compile(rf"/vehicles/{vehicle.pk}/#mileage$"))
        assert page.locator("#vehicle-last-km").inner_text() == "10500 km"
        assert page.locator("#vehicle-daily-km").inner_text() == "50.0 km"
        assert "2026年6月19日" in page.locator("#mileage").inner_text()
        page.screenshot(path="/tmp/car-file.png", full_page=True)

        # Nobody else gets in: a colleague consultant, store B's manager at A and at B — 404, file too.
        with tenant_context(world.store_a):
            doc = VehicleDocument.objects.get(vehicle=vehicle)
        for key, store in (("ab.sales_consultant", world.store_a), ("b.general_manager", world.store_a),
                           ("b.general_manager", world.store_b)):
            outsider = client_for(world.user(key), world.host(store))
            assert outsider.get(f"/vehicles/{vehicle.pk}/").status_code == 404, key
            assert outsider.get(f"/vehicles/{vehicle.pk}/documents/{doc.pk}/").status_code == 404, key
