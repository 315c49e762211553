"""个人信息权利请求 (PIPL Art. 44–47) and retention: the deadline on the working-day calendar, the customer's
file as a readable XLSX, correction through the edit service, deletion as anonymisation (field by field,
files after the commit), refusals with the reason at the field, the nightly retention run, isolation."""

from __future__ import annotations

import datetime as dt
import io
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
from crm.models import (
    Anonymisation,
    Customer,
    FollowUp,
    PersonalInfoRequest,
    RetentionRun,
    ServiceVisit,
    Vehicle,
    VehicleDocument,
)
from crm.personal_info.services import request_correct, request_delete, request_register, retention_run
from tenants.errors import DomainError
from tests.conftest import client_for

from .conftest import mobile, vin

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOW = dt.datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI)  # Monday after 中秋


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as t:
        yield t


def _customer(member: Any, n: int, **kw: Any) -> Customer:
    return services.customer_create(member=member("a.sales_manager"), name=kw.pop("name", "赵敏"),
                                    mobile=mobile(n), consultant_id=kw.pop("consultant_id", None), **kw)


def _register(member: Any, customer: Customer, kind: str = "deletion", **kw: Any) -> PersonalInfoRequest:
    data = {"requester_name": "赵敏", "identity_check": "id_card", "details": "不再使用本店服务，要求删除个人信息",
            "received_on": dt.date(2026, 9, 25), **kw}
    return request_register(member=member("a.general_manager"), customer=customer, kind=kind, **data)


def test_the_deadline_is_the_15th_working_day_across_mid_autumn_and_national_day(world: Any, member: Any,
                                                                                  clock: Any) -> None:
    # Received Friday 2026-09-25 (中秋, a holiday; the day itself never counts). Working days after it, from the
    # 2026 State Council notice: 09-28 (1), 09-29 (2), 09-30 (3); 10-01…10-07 National Day off; 10-08 (4),
    # 10-09 (5), Saturday 10-10 is a make-up working day (6), 10-12 (7), 10-13 (8), 10-14 (9), 10-15 (10),
    # 10-16 (11), 10-19 (12), 10-20 (13), 10-21 (14), 10-22 (15) → due Thursday 2026-10-22.
    with tenant_context(world.store_a):
        r = _register(member, _customer(member, 501))
        assert r.due_on == dt.date(2026, 10, 22)
        assert r.registered_by_id == world.user("a.general_manager").pk


def test_the_list_shows_time_left_and_overdue(world: Any, member: Any, clock: Any) -> None:
    with tenant_context(world.store_a):
        fresh = _register(member, _customer(member, 502))  # due 10-22; today Mon 09-28 is day 1 → 14 left
        old = _register(member, _customer(member, 503), received_on=dt.date(2026, 9, 1))
    # Received Tue 09-01: 15 working days → 09-22 (09-02…09-04, 07…11, 14…18, 21, 22 — 09-20 Sunday is a make-up
    # working day too: 09-02(1) 03 04 07(4) 08 09 10 11(8) 14 15 16 17 18(13) 20(14) 21(15)) → due Monday 09-21.
    assert old.due_on == dt.date(2026, 9, 21)
    page = client_for(world.user("a.general_manager"), world.host(world.store_a)).get("/privacy/requests/")
    html = page.content.decode()
    row_old = html.split(f'data-request="{old.pk}"')[1].split("</tr>")[0]
    row_fresh = html.split(f'data-request="{fresh.pk}"')[1].split("</tr>")[0]
    assert "已超期" in row_old
    assert "剩余 14 个工作日" in row_fresh
    assert html.index(f'data-request="{old.pk}"') < html.index(f'data-request="{fresh.pk}"')  # soonest first


def test_a_request_without_its_content_or_identity_check_is_refused_at_the_field(world: Any, member: Any,
                                                                                 clock: Any) -> None:
    with tenant_context(world.store_a):
        c = _customer(member, 504)
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    response = gm.post("/privacy/requests/new/", {"mobile": c.mobile, "kind": "deletion", "requester_name": "赵敏",
                                                  "identity_check": "", "details": "  ", "received_on": "2026-09-25"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field="details"' in html and 'data-field="identity_check"' in html
    assert 'value="赵敏"' in html  # what was typed stays
    with tenant_context(world.store_a):
        assert not PersonalInfoRequest.objects.exists()
        with pytest.raises(DomainError) as exc:
            _register(member, c, details="")
        assert exc.value.field == "details"
        with pytest.raises(DomainError) as exc:
            _register(member, c, received_on=dt.date(2026, 9, 29))
        assert exc.value.field == "received_on"


def test_only_the_gm_registers_or_executes_requests(world: Any, member: Any, clock: Any) -> None:
    with tenant_context(world.store_a):
        c = _customer(member, 505)
        for key in ("a.sales_consultant", "a.sales_manager", "a.customer_service"):
            with pytest.raises(DomainError):
                request_register(member=member(key), customer=c, kind="access", requester_name="赵敏",
                                 identity_check="id_card", details="查阅", received_on=dt.date(2026, 9, 25))
        r = _register(member, c)
        with pytest.raises(DomainError):
            request_delete(member=member("a.sales_manager"), request=r, reason="客户要求")
        assert Customer.objects.get(pk=c.pk).anonymised_at is None


def _rich_customer(world: Any, member: Any) -> tuple[Customer, Vehicle, VehicleDocument]:
    c = _customer(member, 506, name="钱多多", wechat="qdd88", notes="住滨江区江南大道 1 号，身份证 330106199001011234",
                  tags=["老客户"], email="qdd@example.com", email_consent=True, birthday=dt.date(1990, 1, 1),
                  region="city", age_cohort="90s")
    car = services.vehicle_create(customer=c, vin=vin(), plate="浙A12345", km=1000)
    services.service_visit_create(member=member("a.service_advisor"), vehicle=car, kind="first",
                                  visited_on=dt.date(2026, 9, 1), amount="500", notes="客户说住在公司宿舍")
    services.followup_create(member=member("a.sales_manager"), customer=c, channel="phone",
                             content="钱先生电话 13900000506，提到孩子在文一路小学")
    doc = services.vehicle_document_upload(member=member("a.sales_manager"), vehicle=car, kind="contract",
                                           upload=SimpleUploadedFile("合同.pdf", PDF))
    return c, car, doc


def test_deletion_anonymises_field_by_field_keeps_statistics_and_deletes_files(
        world: Any, member: Any, clock: Any, django_capture_on_commit_callbacks: Any) -> None:
    with tenant_context(world.store_a):
        c, car, doc = _rich_customer(world, member)
        r = _register(member, c)
        assert default_storage.exists(doc.file_path)
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    with django_capture_on_commit_callbacks(execute=True):
        response = gm.post(f"/privacy/requests/{r.pk}/delete/", {"reason": "客户书面申请删除"})
    assert response.status_code == 302
    with tenant_context(world.store_a):
        c.refresh_from_db()
        assert c.anonymised_at is not None
        assert (c.name, c.wechat, c.email, c.notes, c.tags, c.birthday) == ("已匿名化客户", "", "", "", [], None)
        assert not c.mobile.isdigit() and len(c.mobile) == 11
        assert (c.region, c.age_cohort) == ("city", "90s")  # kept for the segment mix
        car.refresh_from_db()
        assert car.plate == "" and car.vin.startswith("ANON") and len(car.vin) == 17
        assert ServiceVisit.objects.filter(vehicle=car).count() == 1  # the car's service history still counts
        assert ServiceVisit.objects.get(vehicle=car).notes == ""
        assert FollowUp.objects.get(customer=c).content == ""
        assert not VehicleDocument.objects.filter(vehicle=car).exists()
        record = Anonymisation.objects.get(customer=c)
        assert record.reason == "客户书面申请删除" and record.by_user_id == world.user("a.general_manager").pk
        assert record.files_deleted == 1 and "crm_customer.mobile" in record.fields
        r.refresh_from_db()
        assert r.status == "done" and r.requester_name == "已匿名化客户" and r.details == ""
    assert not default_storage.exists(doc.file_path)
    page = gm.get(f"/customers/{c.pk}/").content.decode()
    assert 'id="anonymised-badge"' in page and "钱多多" not in page and "13900000506" not in page
    detail = gm.get(f"/privacy/requests/{r.pk}/").content.decode()
    assert "已办结" in detail and "已匿名化" in detail


def test_deletion_without_a_reason_or_with_an_open_complaint_writes_nothing(world: Any, member: Any,
                                                                            clock: Any) -> None:
    from crm.aftersales.complaints import complaint_create

    with tenant_context(world.store_a):
        c, car, doc = _rich_customer(world, member)
        r = _register(member, c)
        complaint = complaint_create(member=member("a.customer_service"), customer=c, channel="phone",
                                     description="保养后异响", expected_resolution="免费检修", contact_phone=c.mobile,
                                     read_back_confirmed=True, object_stage="repair_quality")
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    no_reason = gm.post(f"/privacy/requests/{r.pk}/delete/", {"reason": " "})
    assert no_reason.status_code == 400 and 'data-field="reason"' in no_reason.content.decode()
    blocked = gm.post(f"/privacy/requests/{r.pk}/delete/", {"reason": "客户要求"})
    assert blocked.status_code == 400
    assert f"有未结案的投诉（{complaint.code}）" in blocked.content.decode()
    with tenant_context(world.store_a):
        c.refresh_from_db()
        assert c.anonymised_at is None and c.name == "钱多多"
        assert VehicleDocument.objects.filter(pk=doc.pk).exists() and not Anonymisation.objects.exists()
        assert PersonalInfoRequest.objects.get(pk=r.pk).status == "open"
    assert default_storage.exists(doc.file_path)


def test_a_failed_anonymisation_keeps_the_files(world: Any, member: Any, clock: Any,
                                                django_capture_on_commit_callbacks: Any) -> None:
    """Nothing half-written: the files go only after the commit."""
    from django.db import transaction

    with tenant_context(world.store_a), django_capture_on_commit_callbacks(execute=True):
        c, car, doc = _rich_customer(world, member)
        r = _register(member, c)
        with pytest.raises(RuntimeError), transaction.atomic():
            request_delete(member=member("a.general_manager"), request=r, reason="客户要求")
            raise RuntimeError("the transaction rolls back")
    with tenant_context(world.store_a):
        assert VehicleDocument.objects.filter(pk=doc.pk).exists()
        assert Customer.objects.get(pk=c.pk).anonymised_at is None
    assert default_storage.exists(doc.file_path)


def test_correction_goes_through_the_edit_service_and_an_invalid_mobile_is_refused(world: Any, member: Any,
                                                                                  clock: Any) -> None:
    with tenant_context(world.store_a):
        c = _customer(member, 507, name="孙俪")
        r = _register(member, c, kind="correction", details="手机号换了")
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    form = {"name": "孙俪", "mobile": "1380013800", "mobile2": "", "wechat": "", "email": "", "birthday": "",
            "notes": "", "reason": "客户本人到店更正"}
    bad = gm.post(f"/privacy/requests/{r.pk}/correct/", form)
    assert bad.status_code == 400
    html = bad.content.decode()
    assert 'data-field="mobile"' in html and "手机号格式不正确" in html and 'value="1380013800"' in html
    with tenant_context(world.store_a):
        assert Customer.objects.get(pk=c.pk).mobile == mobile(507)
        assert PersonalInfoRequest.objects.get(pk=r.pk).status == "open"
    ok = gm.post(f"/privacy/requests/{r.pk}/correct/", {**form, "mobile": "138 0013 8000"})
    assert ok.status_code == 302
    with tenant_context(world.store_a):
        assert Customer.objects.get(pk=c.pk).mobile == "13800138000"
        r.refresh_from_db()
        assert r.status == "done" and "手机号" in r.outcome and "客户本人到店更正" in r.outcome
        with pytest.raises(DomainError):  # closed: a second correction is refused
            request_correct(member=member("a.general_manager"), request=r, reason="x", name="孙")


def test_the_export_is_a_readable_workbook_of_everything_about_the_customer(world: Any, member: Any,
                                                                            clock: Any) -> None:
    with tenant_context(world.store_a):
        c, car, doc = _rich_customer(world, member)
        services.customer_update(member=member("a.sales_manager"), customer=c, notes='=HYPERLINK("http://x","点")')
        r = _register(member, c, kind="access", details="要求复制全部个人信息")
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    response = gm.get(f"/privacy/requests/{r.pk}/export.xlsx")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    with tenant_context(world.store_a):  # the download is in the access log (crm.privacy)
        from crm.models import PersonalDataAccess

        assert PersonalDataAccess.objects.filter(action="export", customer_ids__contains=[c.pk],
                                                 user_id=world.user("a.general_manager").pk).exists()
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[0] == "说明"
    for sheet in ("客户", "车辆", "维修工单", "跟进记录", "车辆资料", "个人信息权利请求"):
        assert sheet in wb.sheetnames, wb.sheetnames
    customer_sheet = wb["客户"]
    headers = [cell.value for cell in customer_sheet[1]]
    row = dict(zip(headers, [cell.value for cell in customer_sheet[2]], strict=True))
    assert row["姓名"] == "钱多多" and row["微信号"] == "qdd88"
    assert customer_sheet.cell(2, headers.index("备注") + 1).data_type == "s"  # a formula stays text
    docs = wb["车辆资料"]
    assert [cell.value for cell in docs[2]][[c.value for c in docs[1]].index("文件名")] == "合同.pdf"
    # Staff records about the store's own people are not part of the customer's copy.
    assert "员工过失记录" not in wb.sheetnames and "站内通知" not in wb.sheetnames


def _old_customer(member: Any, n: int) -> Customer:
    with time_machine.travel(dt.datetime(2023, 3, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        return _customer(member, n, name="老客户")


def test_retention_anonymises_after_three_years_without_contact_unless_business_is_open(
        world: Any, member: Any) -> None:
    with tenant_context(world.store_a):
        gone = _old_customer(member, 510)  # last contact 2023-03-01
        held = _old_customer(member, 511)  # same, but a lead is open
        with time_machine.travel(dt.datetime(2023, 3, 1, 11, 0, tzinfo=SHANGHAI), tick=False):
            services.lead_create(member=member("a.sales_manager"), customer=held, grade="C")
        recent = _old_customer(member, 512)  # came in for a service on 2024-01-10
        with time_machine.travel(dt.datetime(2024, 1, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
            car = services.vehicle_create(customer=recent, vin=vin())
            services.service_visit_create(member=member("a.service_advisor"), vehicle=car, kind="periodic",
                                          visited_on=dt.date(2024, 1, 10))
    # On 2027-01-05 the cutoff is 2024-01-05: 2023-03-01 is older (gone, held); 2024-01-10 is not (recent).
    with time_machine.travel(dt.datetime(2027, 1, 5, 9, 0, tzinfo=SHANGHAI), tick=False):
        gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
        page = gm.get("/privacy/retention/").content.decode()
        due = page.split('id="retention-due">')[1].split("<")[0]
        held_n = page.split('id="retention-held">')[1].split("<")[0]
        assert (due, held_n) == ("1", "1")
        with tenant_context(world.store_a):
            run = retention_run()
            again = retention_run()
            assert again.pk == run.pk and RetentionRun.objects.count() == 1  # idempotent per day
            assert (run.candidates, run.anonymised) == (1, 1)
            assert Customer.objects.get(pk=gone.pk).anonymised_at is not None
            assert Customer.objects.get(pk=held.pk).anonymised_at is None
            assert Customer.objects.get(pk=recent.pk).anonymised_at is None
            record = Anonymisation.objects.get(customer=gone)
            assert record.by_user_id is None and "3 年" in record.reason
        page = gm.get("/privacy/retention/").content.decode()
        assert page.split('id="retention-due">')[1].split("<")[0] == "0"


def test_the_nightly_task_runs_in_each_store_through_the_fan_out(world: Any, settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["crm-personal-info-retention-nightly"]
    assert entry["task"] == "tenants.fan_out_to_stores"
    assert entry["args"][0] == "crm.tasks.personal_info_retention_nightly"
    from crm.tasks import personal_info_retention_nightly

    with time_machine.travel(NOW, tick=False), tenant_context(world.store_b):
        assert personal_info_retention_nightly() == 0
        assert RetentionRun.objects.get().run_on == dt.date(2026, 9, 28)


def test_store_b_sees_nothing_of_store_a(world: Any, member: Any, clock: Any) -> None:
    with tenant_context(world.store_a):
        c = _customer(member, 513, name="周芷若")
        r = _register(member, c)
    b_gm = client_for(world.user("b.general_manager"), world.host(world.store_b))
    for path in (f"/privacy/requests/{r.pk}/", f"/privacy/requests/{r.pk}/export.xlsx"):
        response = b_gm.get(path)
        assert response.status_code == 404 and "周芷若" not in response.content.decode()
    assert "周芷若" not in b_gm.get("/privacy/requests/").content.decode()
    response = b_gm.post(f"/privacy/requests/{r.pk}/delete/", {"reason": "x"})
    assert response.status_code == 404
    # B's GM typing A's customer's number finds nobody (and is told nothing about A).
    response = b_gm.post("/privacy/requests/new/", {"mobile": c.mobile, "kind": "access", "requester_name": "周",
                                                    "identity_check": "id_card", "details": "查阅",
                                                    "received_on": "2026-09-25"})
    assert response.status_code == 400 and "本店没有该手机号的客户" in response.content.decode()
    with tenant_context(world.store_a):
        assert Customer.objects.get(pk=c.pk).anonymised_at is None


def test_a_new_store_gets_the_tables(world: Any) -> None:
    from tenants.services.onboarding import store_onboard

    store = store_onboard(group=world.group_x, name="新店", slug="store-pi-new", city="杭州", brands=["上汽大众"],
                          gm_name="总经理", gm_mobile="13700000099", onboarding_key="pi-new").store
    with tenant_context(store):
        assert PersonalInfoRequest.objects.count() == 0 and RetentionRun.objects.count() == 0
        assert Anonymisation.objects.count() == 0
        assert Customer.objects.filter(anonymised_at__isnull=False).count() == 0


def test_the_deadline_follows_the_groups_calendar_corrections(world: Any, member: Any, clock: Any) -> None:
    """HQ marks Monday 2026-10-12 a holiday for group X: day 7 moves to 10-13, so day 15 is Friday 10-23.
    Store C (group Y) keeps Thursday 10-22."""
    from hq.services.calendar import calendar_day_set

    calendar_day_set(group=world.group_x, day=dt.date(2026, 10, 12), is_working=False, name="集团调休")
    with tenant_context(world.store_a):
        assert _register(member, _customer(member, 520)).due_on == dt.date(2026, 10, 23)
    with tenant_context(world.store_c):
        c = services.customer_create(member=member("c.sales_manager"), name="吴", mobile=mobile(521))
        r = request_register(member=member("c.general_manager"), customer=c, kind="access", requester_name="吴",
                             identity_check="sms_code", details="查阅", received_on=dt.date(2026, 9, 25))
        assert r.due_on == dt.date(2026, 10, 22)


def test_the_anonymised_customer_gets_no_more_calls_or_messages(world: Any, member: Any, clock: Any) -> None:
    """The cadence's consent check (crm.cadence.sql) leaves anonymised customers out of every rule."""
    from crm.cadence.sql import _consent_sql

    for channel in ("call", "sms", "email", "wechat"):
        assert _consent_sql({"channel": channel}).startswith("(c.anonymised_at IS NULL AND ")


def test_an_access_request_is_answered_and_a_refusal_needs_its_reason(world: Any, member: Any, clock: Any) -> None:
    with tenant_context(world.store_a):
        access = _register(member, _customer(member, 530), kind="access", details="要求复制个人信息")
        other = _register(member, _customer(member, 531), kind="deletion")
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    empty = gm.post(f"/privacy/requests/{access.pk}/answer/", {"reason": ""})
    assert empty.status_code == 400 and "请填写原因" in empty.content.decode()
    assert gm.post(f"/privacy/requests/{access.pk}/answer/", {"reason": "到店交付纸质副本"}).status_code == 302
    assert gm.post(f"/privacy/requests/{other.pk}/refuse/", {"reason": ""}).status_code == 400
    assert gm.post(f"/privacy/requests/{other.pk}/refuse/", {"reason": "身份无法核实"}).status_code == 302
    with tenant_context(world.store_a):
        access.refresh_from_db()
        other.refresh_from_db()
    assert (access.status, access.outcome) == ("done", "到店交付纸质副本")
    assert (other.status, other.outcome) == ("refused", "身份无法核实")
    assert other.closed_by_id == world.user("a.general_manager").pk
    closed = gm.get("/privacy/requests/").content.decode().split('id="closed-requests"')[1]
    assert f'data-request="{access.pk}"' in closed and "已拒绝" in closed


def test_a_night_anonymises_at_most_its_batch_and_the_rest_follow(world: Any, member: Any, settings: Any) -> None:
    settings.PERSONAL_INFO_RETENTION_BATCH = 2
    with tenant_context(world.store_a):
        old = [_old_customer(member, 540 + i) for i in range(3)]  # last contact 2023-03-01
        with time_machine.travel(dt.datetime(2027, 1, 5, 2, 30, tzinfo=SHANGHAI), tick=False):
            first = retention_run()
        assert (first.candidates, first.anonymised, first.remaining) == (3, 2, 1)
        with time_machine.travel(dt.datetime(2027, 1, 6, 2, 30, tzinfo=SHANGHAI), tick=False):
            second = retention_run()
        assert (second.candidates, second.anonymised, second.remaining) == (1, 1, 0)
        assert Customer.objects.filter(pk__in=[c.pk for c in old], anonymised_at__isnull=True).count() == 0
