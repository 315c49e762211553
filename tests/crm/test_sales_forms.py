"""Money as a Chinese user types it, and sales-floor forms that keep every typed value and show every
error at its field at once (issue 12)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from crm.forms import MoneyField
from crm.models import FollowUp, Lead, Reception
from crm.templatetags.crm_format import wan, yuan
from crm.validators import parse_money
from tenants.errors import DomainError
from tests.conftest import client_for

from .fixtures import a_customer


@pytest.mark.parametrize(("typed", "amount"), [
    ("20万", "200000.00"), ("23.58万", "235800.00"), ("235,800", "235800.00"), ("¥235800", "235800.00"),
    ("￥235,800.00", "235800.00"), ("235800元", "235800.00"), (" 23.58 万 ", "235800.00"), ("1,280", "1280.00"),
    ("0.5万", "5000.00"), ("23.58万元", "235800.00"),
])
def test_money_is_read_as_a_dealer_writes_it(typed: str, amount: str) -> None:
    assert parse_money(typed) == Decimal(amount)
    assert MoneyField().clean(typed) == Decimal(amount)


@pytest.mark.parametrize("junk", ["二十万", "23.5.8万", "abc", "20千", "2,35,800", "235800¥", "1e5", "万"])
def test_junk_money_gets_a_clear_error(junk: str) -> None:
    with pytest.raises(DomainError) as exc:
        parse_money(junk)
    assert "金额格式不正确，请填写如 23.58万、235,800 或 ¥235800" in exc.value.message


def test_negative_money_is_refused_and_blank_is_none() -> None:
    with pytest.raises(DomainError, match="不能为负数"):
        parse_money("-5")
    assert parse_money("") is None and parse_money("  ") is None


def test_money_is_shown_back_as_a_dealer_writes_it() -> None:
    assert (wan(Decimal("235800")), wan(Decimal("200000")), wan(Decimal("1280"))) == ("23.58万", "20万", "¥1,280.00")
    assert yuan(Decimal("235800")) == "¥235,800.00"


def _client(world: Any, key: str = "a.sales_consultant") -> Any:
    return client_for(world.user(key), world.host(world.store_a))


def test_a_deal_typed_in_wan_is_stored_in_yuan_and_shown_in_wan(world: Any, db: Any) -> None:
    customer = a_customer(world)
    with tenant_context(world.store_a):
        lead = Lead.objects.get(customer=customer)
    body = _client(world).post(f"/leads/{lead.pk}/deal/", {"vin": "LSVAB2BR8MN000002", "amount": "23.58万"},
                               follow=True).content.decode()
    assert "已登记成交" in body and "23.58万" in body
    with tenant_context(world.store_a):
        assert Lead.objects.get(pk=lead.pk).deal_amount == Decimal("235800.00")


def test_a_deal_with_junk_money_and_no_vin_shows_both_errors_and_keeps_the_plate(world: Any, db: Any) -> None:
    customer = a_customer(world)
    with tenant_context(world.store_a):
        lead = Lead.objects.get(customer=customer)
    response = _client(world).post(f"/leads/{lead.pk}/deal/", {"vin": "", "plate": "浙A88888", "amount": "二十万"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写交付车辆车架号" in body and "成交金额格式不正确" in body and 'value="浙A88888"' in body
    assert 'value="二十万"' in body
    with tenant_context(world.store_a):
        assert Lead.objects.get(pk=lead.pk).status == "open"


def test_the_api_takes_money_as_typed_too(world: Any, db: Any) -> None:
    customer = a_customer(world)
    with tenant_context(world.store_a):
        lead = Lead.objects.get(customer=customer)
    bad = _client(world).post(f"/api/leads/{lead.pk}/deal/", {"vin": "LSVAB2BR8MN000002", "amount": "很多"},
                              content_type="application/json")
    assert bad.status_code == 400 and "金额格式不正确" in bad.content.decode()
    ok = _client(world).post(f"/api/leads/{lead.pk}/deal/", {"vin": "LSVAB2BR8MN000002", "amount": "￥235,800.00"},
                             content_type="application/json")
    assert ok.status_code == 200 and ok.json()["deal_amount"] == "235800.00"


def test_a_reception_with_several_errors_shows_them_all_and_keeps_every_value(world: Any, db: Any) -> None:
    response = _client(world).post("/reception/", {
        "mobile": "12345", "name": "赵先生", "grade": "H", "models_of_interest": "帕萨特", "visitors": "50",
        "budget": "20-25万", "needs": "家用，接送孩子", "concerns": "油耗"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "手机号格式不正确" in body and "到店人数应在 1–20 之间" in body
    assert 'data-field="mobile"' in body and 'data-field="visitors"' in body
    for value in ('value="12345"', 'value="赵先生"', 'value="帕萨特"', 'value="50"', 'value="20-25万"',
                  'value="家用，接送孩子"', 'value="油耗"', '<option value="H" selected>'):
        assert value in body, value
    with tenant_context(world.store_a):
        assert not Reception.objects.exists()


def test_a_single_budget_amount_is_kept_as_a_dealer_writes_it(world: Any, db: Any) -> None:
    _client(world).post("/reception/", {"mobile": "13922223333", "budget": "¥235,800"})
    with tenant_context(world.store_a):
        assert Reception.objects.get().budget == "23.58万"


def test_a_follow_up_with_errors_keeps_the_text(world: Any, db: Any) -> None:
    customer = a_customer(world)
    response = _client(world).post(f"/customers/{customer.pk}/followups/", {
        "channel": "phone", "content": "", "feedback": "考虑中", "next_step": "周末邀约试驾", "next_on": "下周"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写沟通内容" in body and "下次跟进日期格式不正确" in body
    assert 'value="考虑中"' in body and 'value="周末邀约试驾"' in body
    with tenant_context(world.store_a):
        assert not FollowUp.objects.exists()
