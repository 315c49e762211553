"""Bad input on the converted forms: every error at its field, what was typed kept, nothing written."""

from __future__ import annotations

import re
from typing import Any

from django_tenants.utils import tenant_context

from crm.models import Customer
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
