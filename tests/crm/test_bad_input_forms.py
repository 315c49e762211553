"""Bad input on the converted forms: every error at its field, what was typed kept, nothing written."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django_tenants.utils import tenant_context

from crm.models import Customer, MileageReading, ServiceVisit, Vehicle, funnel
from tests.conftest import client_for

from .fixtures import a_customer


def _client(world: Any, key: str, store: Any = None) -> Any:
    return client_for(world.user(key), world.host(store or world.store_a))


def _field_errors(body: str) -> dict[str, str]:
    return dict(re.findall(r'data-field="([a-z_0-9]+)">([^<]*)<', body))


def test_the_new_customer_form_shows_every_error_at_its_field_and_keeps_what_was_typed(world: Any, db: Any) -> None:
    r = _client(world, "a.sales_manager").post("/customers/new/", {
        "name": "", "mobile": "12345", "birthday": "2026-13-40", "email": "not-an-address",
        "wechat": "wx_zhao", "notes": "周末看车", "tags": "SUV，二胎"})
    body = r.content.decode()
    assert r.status_code == 400
    errors = _field_errors(body)
    assert set(errors) >= {"name", "mobile", "birthday", "email"}, errors
    assert errors["name"] == "请填写客户姓名。" and errors["birthday"] == "生日格式不正确。"
    assert 'value="wx_zhao"' in body and "周末看车" in body and 'value="SUV，二胎"' in body
    assert 'value="12345"' in body and 'value="2026-13-40"' in body
    with tenant_context(world.store_a):
        assert not Customer.objects.filter(wechat="wx_zhao").exists()


def test_a_service_rule_lands_on_its_field_with_the_rest_kept(world: Any, db: Any) -> None:
    r = _client(world, "a.sales_manager").post("/customers/new/", {
        "name": "赵先生", "mobile": "13900001111", "email": "", "email_consent": "on", "wechat": "wx_zhao"})
    body = r.content.decode()
    assert r.status_code == 400
    assert _field_errors(body) == {"email": "请先填写电子邮箱，再勾选同意接收邮件。"}
    assert 'value="赵先生"' in body and 'value="13900001111"' in body and 'value="wx_zhao"' in body
    with tenant_context(world.store_a):
        assert not Customer.objects.filter(mobile="13900001111").exists()


def test_the_edit_form_keeps_the_typed_values_and_leaves_the_customer_as_it_was(world: Any, db: Any) -> None:
    customer = a_customer(world)
    client = _client(world, "a.sales_consultant")
    page = client.get(f"/customers/{customer.pk}/edit/").content.decode()
    assert 'value="王小明"' in page  # the stored values start the form
    r = client.post(f"/customers/{customer.pk}/edit/", {"name": "王大明", "mobile": "1391111", "region": "mars"})
    body = r.content.decode()
    assert r.status_code == 400
    assert set(_field_errors(body)) == {"mobile", "region"}
    assert 'value="王大明"' in body and 'value="1391111"' in body
    with tenant_context(world.store_a):
        customer.refresh_from_db()
        assert customer.name == "王小明"


def test_adding_a_car_with_bad_input_reshows_the_360_page_with_the_errors_at_the_fields(world: Any, db: Any) -> None:
    customer = a_customer(world)
    r = _client(world, "a.sales_consultant").post(f"/customers/{customer.pk}/vehicles/", {
        "vin": "LSVAB2BR6MN000001", "plate": "浙A99999", "km": "很多", "delivered_on": "2026-02-30"})
    body = r.content.decode()
    assert r.status_code == 400
    errors = _field_errors(body)
    assert errors["km"] == "里程应为整数。" and errors["delivered_on"] == "交车日期格式不正确。"
    assert 'value="浙A99999"' in body and 'value="很多"' in body and 'value="LSVAB2BR6MN000001"' in body
    # The shape is right, the rule is not: the VIN has a file already (the service says so, at the field).
    r = _client(world, "a.sales_consultant").post(f"/customers/{customer.pk}/vehicles/", {
        "vin": "LSVAB2BR6MN000001", "plate": "浙A99999"})
    assert r.status_code == 400 and "vin" in _field_errors(r.content.decode())
    with tenant_context(world.store_a):
        assert not Vehicle.objects.filter(plate="浙A99999").exists()


def test_a_mileage_reading_without_km_is_refused_at_the_field(world: Any, db: Any) -> None:
    customer = a_customer(world)
    with tenant_context(world.store_a):
        vehicle = Vehicle.objects.get(owner=customer)
        before = MileageReading.objects.filter(vehicle=vehicle).count()
    r = _client(world, "a.sales_consultant").post(f"/customers/{customer.pk}/vehicles/{vehicle.pk}/mileage/",
                                                  {"km": "", "read_on": "2026-01-05"})
    body = r.content.decode()
    assert r.status_code == 400 and _field_errors(body) == {"km": "请填写里程。"}
    assert 'value="2026-01-05"' in body
    with tenant_context(world.store_a):
        assert MileageReading.objects.filter(vehicle=vehicle).count() == before


def test_a_reassignment_to_someone_not_on_the_sales_staff_keeps_the_reason(world: Any, db: Any) -> None:
    customer = a_customer(world)
    owner = customer.consultant_id
    r = _client(world, "a.sales_manager").post(f"/customers/{customer.pk}/reassign/", {
        "consultant_id": str(world.user("a.service_advisor").pk), "reason": "顾问离职"})
    body = r.content.decode()
    assert r.status_code == 400 and "consultant_id" in _field_errors(body)
    assert 'value="顾问离职"' in body
    with tenant_context(world.store_a):
        customer.refresh_from_db()
        assert customer.consultant_id == owner


def test_a_repair_order_with_bad_input_is_refused_at_the_fields(world: Any, db: Any) -> None:
    customer = a_customer(world)
    r = _client(world, "a.service_advisor").post(f"/customers/{customer.pk}/service-visits/", {
        "vehicle": "999999", "kind": "repair", "amount": "很贵", "km": "23500", "order_no": "WO-77"})
    body = r.content.decode()
    assert r.status_code == 400
    errors = _field_errors(body)
    assert errors["vehicle"] == "请选择该客户的车辆。" and "amount" in errors
    assert 'value="23500"' in body and 'value="很贵"' in body
    with tenant_context(world.store_a):
        assert not ServiceVisit.objects.filter(order_no="WO-77").exists()


def test_a_transfer_with_a_bad_date_keeps_the_typed_phone(world: Any, db: Any) -> None:
    customer = a_customer(world)
    with tenant_context(world.store_a):
        vehicle = Vehicle.objects.get(owner=customer)
    r = _client(world, "a.sales_consultant").post(f"/customers/{customer.pk}/vehicles/{vehicle.pk}/transfer/",
                                                  {"to_mobile": "13800000301", "on": "昨天"})
    body = r.content.decode()
    assert r.status_code == 400 and _field_errors(body) == {"on": "过户日期格式不正确。"}
    assert 'value="13800000301"' in body and 'value="昨天"' in body
    with tenant_context(world.store_a):
        assert Vehicle.objects.get(pk=vehicle.pk).owner_id == customer.pk


def test_keeping_a_test_drive_without_the_licence_check_keeps_the_feedback(world: Any, db: Any) -> None:
    customer = a_customer(world)
    with tenant_context(world.store_a):
        drive = funnel.TestDrive.objects.create(customer=customer, model="帕萨特", status=funnel.TestDriveStatus.BOOKED,
                                         driven_at=timezone.now() + dt.timedelta(hours=2),
                                         consultant_id=world.user("a.sales_consultant").pk)
    r = _client(world, "a.sales_consultant").post(f"/test-drives/{drive.pk}/keep/", {"feedback": "加速满意"})
    body = r.content.decode()
    assert r.status_code == 400 and _field_errors(body) == {"licence_checked": "试驾前必须核验客户驾驶证。"}
    assert 'value="加速满意"' in body
    with tenant_context(world.store_a):
        drive.refresh_from_db()
        assert drive.status == funnel.TestDriveStatus.BOOKED and drive.feedback == ""


def test_a_measure_with_bad_input_keeps_everything_typed_with_each_error_at_its_field(world: Any, db: Any) -> None:
    from crm.models.aftersales import CorrectiveAction

    r = _client(world, "a.customer_service").post("/aftersales/actions/", {
        "kind": "corrective", "source": "monthly_report", "report_month": "2026-13",
        "description": "交车前增加洗车检查", "owner_id": "", "deadline": "明天"})
    body = r.content.decode()
    assert r.status_code == 400
    assert _field_errors(body) == {"report_month": "月报月份格式不正确。", "owner_id": "请选择本店在职员工作为责任人。",
                                   "deadline": "完成期限格式不正确。"}
    assert "交车前增加洗车检查</textarea>" in body and 'value="2026-13"' in body and 'value="明天"' in body
    # The shape is right, the rule is not: a measure from a complaint needs the complaint (the service says so).
    r = _client(world, "a.customer_service").post("/aftersales/actions/", {
        "kind": "corrective", "source": "complaint", "description": "交车前增加洗车检查",
        "owner_id": str(world.user("a.service_advisor").pk), "deadline": "2099-01-01"})
    assert r.status_code == 400 and _field_errors(r.content.decode()) == {"complaint": "来源为投诉的措施须关联一条投诉。"}
    with tenant_context(world.store_a):
        assert not CorrectiveAction.objects.exists()


def test_a_saved_filter_gets_a_default_name_and_a_long_one_is_cut_to_its_column(world: Any, db: Any) -> None:
    from crm.models import SavedView

    client = _client(world, "a.sales_manager")
    r = client.post("/customers/views/", {"name": "", "query": "grade=A"})
    assert r.status_code == 302 and r["Location"] == "/customers/?grade=A"
    client.post("/customers/views/", {"name": "长" * 50, "query": "grade=H"})
    with tenant_context(world.store_a):
        assert sorted((v.name, v.query) for v in SavedView.objects.all()) == [("我的筛选", "grade=A"), ("长" * 40, "grade=H")]
