"""PIPL (个人信息保护法): numbers masked by default, the recorded 显示号码, and the GM's access log."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from crm import services
from crm.models import AccessAction, Customer, PersonalDataAccess
from crm.privacy import Origin
from tenants.models import StoreMembership
from tenants.validators import mask_cn_mobile
from tests.conftest import client_for

from .fixtures import HARNESS_MOBILE, a_customer

SHANGHAI = ZoneInfo("Asia/Shanghai")
# An 11-digit mainland mobile, written together or grouped 3-4-4 (how the `phone` filter prints it).
FULL_MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d(?:\d{8}| \d{4} \d{4})(?!\d)")


def _client(world: Any, key: str, store: Any = None, **extra: Any) -> Any:
    client = client_for(world.user(key), world.host(store or world.store_a))
    client.defaults.update(extra)
    return client


def _log(world: Any, store: Any = None) -> list[PersonalDataAccess]:
    with tenant_context(store or world.store_a):
        return list(PersonalDataAccess.objects.order_by("pk"))


def test_the_mask_keeps_three_and_four_digits() -> None:
    assert mask_cn_mobile("13800138000") == "138****8000"
    assert mask_cn_mobile("13911112222") == "139****2222"
    assert mask_cn_mobile("") == ""
    assert mask_cn_mobile(None) == ""
    assert mask_cn_mobile("12345") == "*****"  # a fragment never shows more than a full number would


def test_the_360_page_shows_the_number_masked_and_records_the_view(world: Any, db: Any) -> None:
    customer = a_customer(world)
    before = len(_log(world))
    body = _client(world, "a.sales_consultant").get(f"/customers/{customer.pk}/").content.decode()
    assert "139****2222" in body and "显示号码" in body
    assert HARNESS_MOBILE not in body and "139 1111 2222" not in body and "tel:" not in body
    rows = _log(world)[before:]
    assert len(rows) == 1
    assert rows[0].action == AccessAction.VIEW and rows[0].customer_ids == [customer.pk]
    assert "name" in rows[0].fields and "mobile" not in rows[0].fields
    assert rows[0].user_id == world.user("a.sales_consultant").pk


def test_a_consultant_reveals_their_customers_number_and_it_is_recorded(world: Any, db: Any) -> None:
    customer = a_customer(world)
    client = _client(world, "a.sales_consultant", HTTP_USER_AGENT="Mozilla/5.0 测试", REMOTE_ADDR="10.1.2.3")
    response = client.post(f"/customers/{customer.pk}/reveal/", {"field": "mobile"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "139 1111 2222" in body and f"tel:{HARNESS_MOBILE}" in body
    row = _log(world)[-1]
    assert (row.action, row.customer_ids, row.fields) == (AccessAction.REVEAL, [customer.pk], ["mobile"])
    assert row.user_name == world.user("a.sales_consultant").name
    assert (row.ip, row.user_agent) == ("10.1.2.3", "Mozilla/5.0 测试")


def test_a_colleague_cannot_reveal_and_nothing_is_recorded(world: Any, db: Any) -> None:
    customer = a_customer(world)
    before = len(_log(world)), len(_log(world, world.store_b))
    assert _client(world, "ab.sales_consultant").post(
        f"/customers/{customer.pk}/reveal/", {"field": "mobile"}).status_code == 404
    assert _client(world, "b.general_manager", world.store_b).post(
        f"/customers/{customer.pk}/reveal/", {"field": "mobile"}).status_code == 404
    assert _client(world, "a.sales_consultant").post(
        "/customers/999999/reveal/", {"field": "mobile"}).status_code == 404
    assert _client(world, "a.sales_consultant").post(
        f"/customers/{customer.pk}/reveal/", {"field": "name"}).status_code == 400
    assert _client(world, "a.sales_consultant").get(f"/customers/{customer.pk}/reveal/").status_code == 405
    assert (len(_log(world)), len(_log(world, world.store_b))) == before


def test_the_gm_reads_the_log_in_store_time_and_others_cannot(world: Any, db: Any) -> None:
    customer = a_customer(world)
    # 02:15 UTC is 10:15 in Shanghai: the page shows store time.
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, 15, tzinfo=SHANGHAI), tick=False):
        _client(world, "a.sales_consultant").post(f"/customers/{customer.pk}/reveal/", {"field": "mobile"})
    gm = _client(world, "a.general_manager")
    consultant = world.user("a.sales_consultant")
    response = gm.get("/privacy/access-log/", {"action": "reveal", "staff": consultant.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert consultant.name in body and "显示号码" in body and "手机号" in body
    assert "2026年12月7日 10:15" in body and "王小明" in body
    assert "nav-access_log" in body  # in the GM's menu
    by_customer = gm.get("/privacy/access-log/", {"customer": customer.pk, "action": "reveal"}).content.decode()
    assert "2026年12月7日 10:15" in by_customer
    assert "2026年12月7日 10:15" not in gm.get("/privacy/access-log/", {"since": "2026-12-08"}).content.decode()
    bad = gm.get("/privacy/access-log/", {"since": "not-a-date", "action": "reveal"})
    assert bad.status_code == 400 and "not-a-date" in bad.content.decode()
    assert _client(world, "a.sales_manager").get("/privacy/access-log/").status_code == 404
    assert "nav-access_log" not in _client(world, "a.sales_manager").get("/customers/").content.decode()
    assert _client(world, "a.sales_consultant").get("/privacy/access-log/").status_code == 404
    # B's GM sees B's log: nothing of A's.
    b_body = _client(world, "b.general_manager", world.store_b).get("/privacy/access-log/").content.decode()
    assert "王小明" not in b_body and consultant.name not in b_body


def test_the_log_exports_through_the_export_helper(world: Any, db: Any) -> None:
    customer = a_customer(world)
    _client(world, "a.sales_consultant").post(f"/customers/{customer.pk}/reveal/", {"field": "mobile"})
    response = _client(world, "a.general_manager").get("/privacy/access-log/export.xlsx", {"action": "reveal"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "员工", "操作")
    assert rows[1][1] == world.user("a.sales_consultant").name and rows[1][2] == "显示号码"
    assert rows[1][4] == "王小明" and rows[1][6] == "手机号"
    assert _client(world, "a.sales_manager").get("/privacy/access-log/export.csv").status_code == 404


def test_the_customer_export_is_masked_and_recorded(world: Any, db: Any) -> None:
    customer = a_customer(world)
    response = _client(world, "a.sales_manager").get("/customers/export.csv")
    text = response.content.decode("utf-8-sig")
    assert "139****2222" in text and HARNESS_MOBILE not in text
    row = _log(world)[-1]
    assert row.action == AccessAction.EXPORT and customer.pk in row.customer_ids and "mobile" in row.fields


def test_an_edit_records_the_fields_that_changed(world: Any, db: Any) -> None:
    customer = a_customer(world)
    client = _client(world, "a.sales_consultant")
    form = client.get(f"/customers/{customer.pk}/edit/")
    assert HARNESS_MOBILE in form.content.decode()  # the form corrects the number as it is …
    assert _log(world)[-1].action == AccessAction.VIEW and "mobile" in _log(world)[-1].fields  # … and says so
    client.post(f"/customers/{customer.pk}/edit/", {"name": "王小明", "mobile": HARNESS_MOBILE, "wechat": "wxm2026",
                                                    "source": "walk_in", "may_call": "on"})
    row = _log(world)[-1]
    assert row.action == AccessAction.CHANGE
    assert "wechat" in row.fields and "mobile" not in row.fields and "name" not in row.fields


def test_an_import_records_the_customers_it_created(world: Any, db: Any, member: Any) -> None:
    content = "姓名,手机号\n李雷,13955550001\n韩梅梅,13955550002\n".encode()
    with tenant_context(world.store_a):
        job = services.import_preview(member=member("a.sales_manager"), filename="客户.csv", content=content)
        services.import_run(job=job, origin=Origin(ip="10.0.0.9"))
        ids = set(Customer.objects.filter(mobile__in=["13955550001", "13955550002"]).values_list("pk", flat=True))
    row = _log(world)[-1]
    assert row.action == AccessAction.IMPORT and set(row.customer_ids) == ids and row.ip == "10.0.0.9"
    assert row.user_name == world.user("a.sales_manager").name and row.detail == "客户.csv"


def test_the_api_shows_numbers_masked_and_reveals_on_request(world: Any, db: Any) -> None:
    customer = a_customer(world)
    client = _client(world, "a.sales_consultant")
    data = client.get(f"/api/customers/{customer.pk}/").json()
    assert data["mobile_masked"] == "139****2222" and "mobile" not in data
    assert HARNESS_MOBILE not in str(client.get("/api/customers/").json())
    assert HARNESS_MOBILE not in str(client.get("/api/customers/search/", {"q": "王小明"}).json())
    revealed = client.post(f"/api/customers/{customer.pk}/reveal/", {"field": "mobile"},
                           content_type="application/json")
    assert revealed.json() == {"field": "mobile", "value": HARNESS_MOBILE}
    assert _log(world)[-1].action == AccessAction.REVEAL
    before = len(_log(world))
    assert _client(world, "ab.sales_consultant").post(f"/api/customers/{customer.pk}/reveal/", {"field": "mobile"},
                                                      content_type="application/json").status_code == 404
    assert len(_log(world)) == before


@pytest.mark.parametrize("path", [
    "/customers/", "/customers/{pk}/", "/today/", "/leads/", "/cadence/tasks/", "/appointments/",
    "/search/?q=王小", "/vehicles/{vehicle}/",
])
def test_main_pages_show_no_full_mobile_number(world: Any, db: Any, path: str) -> None:
    customer = a_customer(world)
    with tenant_context(world.store_a):
        vehicle = customer.vehicles.first()
    url = path.format(pk=customer.pk, vehicle=vehicle.pk if vehicle else 0)
    response = _client(world, "a.sales_consultant").get(url, HTTP_HX_REQUEST="true" if "search" in url else "")
    assert response.status_code == 200, url
    assert not FULL_MOBILE_RE.findall(response.content.decode()), url


def test_a_newly_onboarded_store_has_its_own_working_log(world: Any, db: Any) -> None:
    from tenants.services.onboarding import store_onboard

    store = store_onboard(group=world.group_x, name="隐私新店", slug="privacy-new", city="杭州", gm_name="王经理",
                          gm_mobile="13812345679").store
    gm = world.user("a.general_manager")
    member = StoreMembership.objects.create(user=gm, store=store, role="general_manager")
    with tenant_context(store):
        assert not PersonalDataAccess.objects.exists()
        c = services.customer_create(member=member, name="新客户", mobile="13966660001")
        assert list(PersonalDataAccess.objects.values_list("action", "customer_ids")) == [("create", [c.pk])]
    from tenants.models import Store

    Store.objects.filter(pk=store.pk).update(status=Store.Status.ACTIVE)
    body = client_for(gm, world.host(store)).get("/privacy/access-log/").content.decode()
    assert "新客户" in body and "新建" in body
    assert "新客户" not in _client(world, "a.general_manager").get("/privacy/access-log/").content.decode()


def test_a_read_only_store_still_reveals_and_records(world: Any, db: Any) -> None:
    from tenants.models import Store

    customer = a_customer(world)
    Store.objects.filter(pk=world.store_a.pk).update(status=Store.Status.SUSPENDED)
    client = _client(world, "a.sales_consultant")
    assert client.post(f"/customers/{customer.pk}/reveal/", {"field": "mobile"}).status_code == 200
    api = client.post(f"/api/customers/{customer.pk}/reveal/", {"field": "mobile"}, content_type="application/json")
    assert api.status_code == 200 and api.json()["value"] == HARNESS_MOBILE
    assert [r.action for r in _log(world)[-2:]] == [AccessAction.REVEAL, AccessAction.REVEAL]
    assert _client(world, "a.general_manager").get("/privacy/access-log/").status_code == 200


def test_hq_drill_down_shows_no_customer_personal_data(world: Any, db: Any) -> None:
    """HQ of the store's group sees aggregates only; HQ of another group sees nothing at all."""
    customer = a_customer(world)
    hq = client_for(world.user("x.hq_admin"), "localhost")
    body = hq.get(f"/hq/stores/{world.store_a.pk}/").content.decode()
    assert customer.name not in body and HARNESS_MOBILE not in body and "139****2222" not in body
    assert client_for(world.user("y.hq_admin"), "localhost").get(f"/hq/stores/{world.store_a.pk}/").status_code == 404


def test_the_log_page_costs_the_same_for_fifty_rows_as_for_one(world: Any, db: Any,
                                                               django_assert_max_num_queries: Any) -> None:
    """No query per row: names come from the row (staff) and one lookup per page (customers)."""
    customer = a_customer(world)
    with tenant_context(world.store_a):
        m = StoreMembership.objects.select_related("user").get(user=world.user("a.sales_consultant"),
                                                               store=world.store_a)
        for _ in range(60):
            services.customer_update(member=m, customer=Customer.objects.get(pk=customer.pk),
                                     notes=f"备注{_}")
    gm = _client(world, "a.general_manager")
    with django_assert_max_num_queries(20):
        response = gm.get("/privacy/access-log/", {"action": "change"})
    assert response.status_code == 200 and response.content.decode().count("王小明") >= 50


def test_lead_pages_show_no_full_mobile_number(world: Any, db: Any, member: Any) -> None:
    """The lead inbox, the first-contact form, 战败审核 and the 360° page's link to a privacy request carry
    the masked number only (the full one through 显示号码)."""
    from crm.leads.intake import IntakeItem, lead_intake_batch
    from crm.models import Lead

    consultant, manager = member("a.sales_consultant"), member("a.sales_manager")
    with tenant_context(world.store_a):
        result = lead_intake_batch(member=manager, items=[IntakeItem(source="autohome", mobile="13912345678",
                                                                    source_lead_id="AH-PRIV-1", name="钱先生")])[0]
        lead = Lead.objects.get(pk=result.intake.lead_id)  # type: ignore[union-attr]
        Lead.objects.filter(pk=lead.pk).update(consultant_id=consultant.user_id)
    mine = _client(world, "a.sales_consultant")
    for url in ("/leads/inbox/", f"/leads/inbox/{lead.pk}/contact/"):
        response = mine.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "139****5678" in body and not FULL_MOBILE_RE.findall(body), url
    with tenant_context(world.store_a):
        services.lead_defeat(member=consultant, lead=lead, reason="price")
    review = _client(world, "a.sales_manager").get("/leads/defeats/").content.decode()
    assert "139****5678" in review and not FULL_MOBILE_RE.findall(review)
    gm_360 = _client(world, "a.general_manager").get(f"/customers/{lead.customer_id}/").content.decode()
    assert f"/privacy/requests/new/?customer={lead.customer_id}" in gm_360 and not FULL_MOBILE_RE.findall(gm_360)
    # The request form, opened from that link, is filled with the customer's own number.
    form = _client(world, "a.general_manager").get(f"/privacy/requests/new/?customer={lead.customer_id}")
    assert 'value="13912345678"' in form.content.decode()
