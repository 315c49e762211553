"""English mode: a user who chose English sees the common refusals in English, not the Chinese text.

Each case is a failure staff meet daily: a mobile that already has a customer, a bad import file line,
a VIN that already has a file, a date in the future. The Chinese default is checked alongside, so the
English is a translation of the same message and not a different code path."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import client_for

from .fixtures import a_customer

CJK = re.compile(r"[\u4e00-\u9fff]")


def _client(world: Any, key: str, lang: str) -> Any:
    client = client_for(world.user(key), world.host(world.store_a))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client


def test_a_duplicate_mobile_is_refused_in_english(world: Any, db: Any) -> None:
    a_customer(world)
    en = _client(world, "a.sales_consultant", "en").post(
        "/customers/new/", {"name": "Another", "mobile": "13911112222"}).content.decode()
    zh = _client(world, "a.sales_consultant", "zh-hans").post(
        "/customers/new/", {"name": "Another", "mobile": "13911112222"}).content.decode()
    assert "请打开已有客户档案" in zh
    assert "请打开已有客户档案" not in en and "重复建档" not in en
    assert '<html lang="en">' in en


def test_an_import_reports_its_bad_lines_in_english(world: Any, db: Any) -> None:
    csv_text = (
        "姓名,手机号,车架号,车牌号,性别,购车日期\n"
        "刘强,13933334444,LSVAB2BR8MN000002,浙B12345,男,2024-05-01\n"
        "重复,13933334444,,,,\n"
        "性别,13933337777,,,火星,\n"
        "日期,13933338888,,,,01/05/2024x\n"
        "牌照,13933339999,,浙B54321,,\n"
    ).encode()
    client = _client(world, "a.sales_manager", "en")
    response = client.post("/customers/import/", {"file": SimpleUploadedFile("c.csv", csv_text)})
    page = client.get(response["Location"]).content.decode()
    assert "Duplicate of line 2." in page
    assert "性别: &quot;火星&quot; is not recognised." in page or '性别: "火星" is not recognised.' in page
    assert "Dates must look like 2024-05-01." in page
    assert "A plate number needs a VIN in the same row." in page
    assert "Rows: 5; ready to import: 1; with errors: 4." in page
    for chinese in ("行重复", "无法识别", "日期格式应为", "必须同时填写车架号", "可导入"):
        assert chinese not in page, chinese
    missing = client.post("/customers/import/", {"file": SimpleUploadedFile("c.csv", "车架号\nX\n".encode())},
                          follow=True).content.decode()
    assert "Required columns missing: 姓名、手机号." in missing and "缺少必填列" not in missing


def test_a_second_file_for_a_vin_and_a_duplicate_mobile_in_the_api_are_refused_in_english(world: Any, db: Any) -> None:
    customer = a_customer(world)
    client = _client(world, "a.sales_consultant", "en")
    dup = client.post(f"/customers/{customer.pk}/vehicles/", {"vin": "LSVAB2BR6MN000001"}, follow=True)
    body = dup.content.decode()
    assert "VIN LSVAB2BR6MN000001 already has a vehicle file." in body and "已有车辆档案" not in body
    api = client.post("/api/customers/", {"name": "API", "mobile": "13911112222"}, content_type="application/json")
    assert api.status_code == 409
    assert not CJK.search(api.json()["detail"].replace("王小明", "")), api.json()["detail"]


def test_the_customer_form_refuses_bad_input_in_english(world: Any, db: Any) -> None:
    client = _client(world, "a.sales_consultant", "en")
    blank = client.post("/customers/new/", {"name": "", "mobile": "13955556666"}).content.decode()
    assert "Enter the customer&#x27;s name." in blank and "请填写客户姓名" not in blank
    assert 'value="13955556666"' in blank  # what was typed is kept
    email = client.post("/customers/new/", {"name": "Li Lei", "mobile": "13955556666", "email": "li@"}).content.decode()
    assert "The e-mail address is not valid" in email and "电子邮箱格式不正确" not in email
    consent = client.post("/customers/new/", {"name": "Li Lei", "mobile": "13955556666",
                                              "email_consent": "on"}).content.decode()
    assert "Enter an e-mail address before ticking consent to e-mail." in consent


def test_the_customer_pages_show_no_chinese_notice_in_english(world: Any, db: Any) -> None:
    customer = a_customer(world)
    client = _client(world, "a.sales_consultant", "en")
    for path in ("/customers/", f"/customers/{customer.pk}/", "/customers/new/"):
        body = client.get(path).content.decode()
        # Records are data and stay as typed: the customer (name, plate, car model), stores, staff.
        data = ["王小明", "浙AD12345", "途观L", *(s.name for s in (world.store_a, world.store_b, world.store_c)),
                *sorted((u.name for u in world.users.values()), key=len, reverse=True)]
        for text in data:
            body = body.replace(text, "")
        assert not CJK.search(body), (path, CJK.findall(body)[:20], body[CJK.search(body).start() - 200:][:400])
