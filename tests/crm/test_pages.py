"""Pages: what staff see, with each page's query count pinned (no N+1)."""

from __future__ import annotations

import io
from typing import Any

from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from crm.models import Customer, FollowUp, ImportJob, Vehicle
from tests.conftest import client_for

from .fixtures import a_customer


def _client(world: Any, key: str, store: Any = None) -> Any:
    return client_for(world.user(key), world.host(store or world.store_a))


def test_the_360_page_shows_one_car_one_file(world: Any, db: Any, django_assert_max_num_queries: Any) -> None:
    customer = a_customer(world)
    client = _client(world, "a.sales_consultant")
    with django_assert_max_num_queries(32):
        response = client.get(f"/customers/{customer.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "王小明" in body and "139****2222" in body and "浙AD12345" in body and "接待" in body


def test_the_list_filters_and_formats(world: Any, db: Any, django_assert_max_num_queries: Any) -> None:
    a_customer(world)
    client = _client(world, "a.sales_manager")
    with django_assert_max_num_queries(26):
        response = client.get("/customers/?grade=A")
    assert "王小明" in response.content.decode()
    assert "王小明" not in client.get("/customers/?grade=H").content.decode()


def test_a_consultant_lists_only_own_customers(world: Any, db: Any) -> None:
    a_customer(world)
    assert "王小明" not in _client(world, "ab.sales_consultant").get("/customers/").content.decode()


def test_search_by_plate_vin_tail_phone_and_misspelt_name(world: Any, db: Any,
                                                          django_assert_max_num_queries: Any) -> None:
    customer = a_customer(world)
    client = _client(world, "a.sales_manager")
    for q in ("浙AD12345", "000001", "13911112222", "1111", "LSVAB2BR6MN000001"):
        with django_assert_max_num_queries(12):
            response = client.get("/search/", {"q": q})
        assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/", q
    response = client.get("/search/", {"q": "王小名"}, HTTP_HX_REQUEST="true")
    assert "王小明" in response.content.decode()


def test_reception_entry_and_today_page(world: Any, db: Any, django_assert_max_num_queries: Any) -> None:
    client = _client(world, "a.sales_consultant")
    response = client.post("/reception/", {"mobile": "139 2222 3333", "name": "赵先生", "grade": "H",
                                           "models_of_interest": "帕萨特"})
    assert response.status_code == 302
    with django_assert_max_num_queries(24):
        body = client.get("/today/").content.decode()
    assert "赵先生" in body and "帕萨特" in body
    bad = client.post("/reception/", {"mobile": "12345", "grade": "H"}, follow=True).content.decode()
    assert "手机号格式不正确" in bad


def test_duplicate_phone_on_the_form_offers_the_existing_customer(world: Any, db: Any) -> None:
    customer = a_customer(world)
    body = _client(world, "a.sales_consultant").post(
        "/customers/new/", {"name": "又一个", "mobile": "13911112222"}).content.decode()
    assert f"/customers/{customer.pk}/" in body and "打开「王小明」的档案" in body


def test_followup_from_the_360_page(world: Any, db: Any) -> None:
    customer = a_customer(world)
    client = _client(world, "a.sales_consultant")
    client.post(f"/customers/{customer.pk}/followups/", {"channel": "phone", "content": "邀约周末试驾"})
    with tenant_context(world.store_a):
        assert FollowUp.objects.filter(customer=customer, content="邀约周末试驾").exists()


def test_lead_board_and_supervision(world: Any, db: Any, django_assert_max_num_queries: Any) -> None:
    a_customer(world)
    consultant, manager = _client(world, "a.sales_consultant"), _client(world, "a.sales_manager")
    with django_assert_max_num_queries(24):
        board = consultant.get("/leads/").content.decode()
    assert "王小明" in board
    with django_assert_max_num_queries(28):
        sup = manager.get("/supervision/").content.decode()
    assert "A销售顾问" in sup


def test_import_preview_then_import_twice_adds_nothing(world: Any, db: Any) -> None:
    csv_text = (
        "姓名,手机号,车架号,车牌号,品牌,购车日期\n"
        "刘强,13933334444,LSVAB2BR8MN000002,浙B12345,上汽大众,2024-05-01\n"
        "坏号码,1234,,,,\n"
        "坏车架,13933335555,LSVAB2BR0MN000003,,,\n"
        "未来,13933336666,,,,2999-01-01\n"
    ).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from crm.validators import vin_check_digit

    assert vin_check_digit("LSVAB2BR0MN000002") == "8"
    client = _client(world, "a.sales_manager")
    for _ in range(2):
        response = client.post("/customers/import/", {"file": SimpleUploadedFile("c.csv", csv_text)})
        job_url = response["Location"]
        page = client.get(job_url).content.decode()
        assert "第 3 行" in page and "手机号格式不正确" in page and "校验位" in page and "不能晚于今天" in page
        client.post(job_url + "confirm/")
    with tenant_context(world.store_a):
        assert Customer.objects.filter(mobile="13933334444").count() == 1
        assert Vehicle.objects.filter(vin="LSVAB2BR8MN000002").count() == 1
        assert ImportJob.objects.filter(status="done").count() == 2


def test_export_xlsx(world: Any, db: Any) -> None:
    a_customer(world)
    response = _client(world, "a.sales_manager").get("/customers/export.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and any(r[0] == "王小明" and r[8] == "浙AD12345" for r in rows[1:])


def test_api_creates_a_customer_and_refuses_a_bad_vin(world: Any, db: Any) -> None:
    client = _client(world, "a.sales_consultant")
    r = client.post("/api/customers/", {"name": "API客户", "mobile": "13944445555"}, content_type="application/json")
    assert r.status_code == 201, r.content
    r2 = client.post("/api/vehicles/", {"owner": r.json()["id"], "vin": "1M8GDM9A1KP042788"},
                     content_type="application/json")
    assert r2.status_code == 400 and "校验位" in r2.json()["detail"]
    dup = client.post("/api/customers/", {"name": "重复", "mobile": "13944445555"}, content_type="application/json")
    assert dup.status_code == 409
    assert client.get("/api/customers/?value_class=A").status_code == 200


def test_openapi_schema_documents_the_crm(world: Any, db: Any) -> None:
    body = _client(world, "a.sales_manager").get("/api/schema/").content.decode()
    assert "/api/customers/" in body and "/api/leads/{id}/defeat/" in body
