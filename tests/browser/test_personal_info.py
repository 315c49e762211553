"""In a real browser, as the general manager: a customer asks the store to delete their personal information
(PIPL Art. 47). The GM registers the request from the customer's page, sees its deadline on the working-day
calendar, downloads the customer's file, anonymises the customer with a reason, and sees the request closed
and the customer shown as 已匿名化."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from crm import services
from crm.models import Anonymisation, Customer, PersonalInfoRequest, ServiceVisit, Vehicle
from tenants.models import StoreMembership
from tests.browser.conftest import sign_in
from tests.world import World

pytestmark = pytest.mark.browser

SHANGHAI = ZoneInfo("Asia/Shanghai")
MOBILE = "13900008851"
VIN = "LSVAB2BR5MN008851"  # check digit 5 (ISO 3779)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)  # the live server runs in this process: it stores here too
    return tmp_path


def _forget(world: World) -> None:
    """The live server needs committed rows: remove this test's customer (by number or, once anonymised, by
    its anonymisation record) and everything that hangs off it."""
    from crm.models import FollowUpTask, OutboxMessage, ReturnVisit

    with tenant_context(world.store_a):
        ids = set(Customer.objects.filter(mobile=MOBILE).values_list("pk", flat=True))
        ids |= set(Vehicle.objects.filter(vin=VIN).values_list("owner_id", flat=True))
        ids |= set(Anonymisation.objects.filter(reason__startswith="[browser]").values_list("customer_id", flat=True))
        Anonymisation.objects.filter(customer_id__in=ids).delete()
        PersonalInfoRequest.objects.filter(customer_id__in=ids).delete()
        ServiceVisit.objects.filter(customer_id__in=ids).delete()
        ReturnVisit.objects.filter(customer_id__in=ids).delete()
        OutboxMessage.objects.filter(customer_id__in=ids).delete()
        FollowUpTask.objects.filter(customer_id__in=ids).delete()
        Vehicle.objects.filter(owner_id__in=ids).delete()
        Customer.objects.filter(pk__in=ids).delete()


@pytest.fixture
def committed(world: World) -> Iterator[None]:
    _forget(world)
    yield
    _forget(world)


def test_the_gm_handles_a_deletion_request_end_to_end(page: Any, live_app: Any, world: World, media: Path,
                                                     committed: None) -> None:
    with tenant_context(world.store_a):
        manager = StoreMembership.objects.get(user=world.user("a.sales_manager"), store=world.store_a)
        with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
            customer = services.customer_create(member=manager, name="郑爽朗", mobile=MOBILE, wechat="zsl2026",
                                                notes="家住西湖区文三路 100 号")
            car = services.vehicle_create(customer=customer, vin=VIN, plate="浙A8D851", km=500)
            doc = services.vehicle_document_upload(member=manager, vehicle=car, kind="contract",
                                                   upload=SimpleUploadedFile("购车合同.pdf", PDF))
    # Monday 2026-09-28, the first working day after 中秋 (Fri 09-25 … Sun 09-27).
    with time_machine.travel(dt.datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI), tick=True):
        sign_in(page, live_app, world.user("a.general_manager").mobile)
        page.goto(live_app.store_url(world.store_a, f"/customers/{customer.pk}/"))
        page.click("#privacy-request-link")
        page.wait_for_url(re.compile(r"/privacy/requests/new/"))
        assert page.locator("#id_mobile").input_value() == MOBILE
        page.select_option("#id_kind", "deletion")
        page.fill("#id_requester_name", "郑爽朗")
        page.select_option("#id_identity_check", "id_card")
        page.fill("#id_identity_note", "到店出示身份证，与档案姓名一致")
        page.fill("#id_details", "不再在本店保养，要求删除全部个人信息")
        page.fill("#id_received_on", "2026-09-25")  # the customer's letter arrived on Friday, 中秋
        page.click("#request-submit")
        page.wait_for_url(re.compile(r"/privacy/requests/\d+/$"))

        # Worked by hand from the 2026 calendar: the day received never counts; 09-28 (1), 09-29 (2), 09-30 (3);
        # 10-01…10-07 National Day off; 10-08 (4), 10-09 (5), Saturday 10-10 a make-up working day (6), 10-12 (7)
        # … 10-16 (11), 10-19 (12), 10-20 (13), 10-21 (14), 10-22 (15): due Thursday 22 October. Today is day 1,
        # so 14 working days are left.
        due = page.locator("#request-due").inner_text()
        assert "2026年10月22日" in due and "剩余 14 个工作日" in due
        page.goto(live_app.store_url(world.store_a, "/privacy/requests/"))
        row = page.locator("#open-requests tbody tr", has_text="郑爽朗").inner_text()
        assert "删除" in row and "2026年10月22日" in row and "剩余 14 个工作日" in row
        page.locator("#open-requests tbody tr", has_text="郑爽朗").locator("a").click()
        page.wait_for_url(re.compile(r"/privacy/requests/\d+/$"))

        with page.expect_download() as download:
            page.click("#request-export")
        wb = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        assert wb.sheetnames[0] == "说明" and "车辆资料" in wb.sheetnames
        sheet = wb["客户"]
        row_values = [cell.value for cell in sheet[2]]
        assert "郑爽朗" in row_values and "zsl2026" in row_values

        # A reason is required: an empty one is refused at its field and nothing happens.
        page.on("dialog", lambda dialog: dialog.accept())
        page.click("#delete-submit")
        assert "请填写原因" in page.locator("#delete-form").inner_text()
        page.fill("#delete-form textarea[name=reason]", "[browser] 客户书面申请删除个人信息（PIPL 第四十七条）")
        page.click("#delete-submit")
        page.wait_for_url(re.compile(r"/privacy/requests/\d+/$"))
        assert page.locator("#request-status").inner_text() == "已办结"
        assert page.locator("#anonymised-badge").inner_text() == "已匿名化"
        assert "已删除（匿名化）" in page.locator("#request-outcome").inner_text()
        assert "删除文件 1 个" in page.locator("#anonymisation-record").inner_text()

        page.goto(live_app.store_url(world.store_a, f"/customers/{customer.pk}/"))
        assert page.locator("#anonymised-badge").inner_text() == "已匿名化"
        assert page.locator("#customer-name").inner_text() == "已匿名化客户"
        assert page.locator("#anonymised-note").count() == 1 and page.locator("#followup-form").count() == 0
        body = page.locator("body").inner_text()
        assert "郑爽朗" not in body and "zsl2026" not in body and "浙A8D851" not in body
        page.screenshot(path="/tmp/personal-info.png", full_page=True)
    assert not default_storage.exists(doc.file_path)
