"""过户: a car changes owner from the 360° page; both customers' timelines show it; bad input writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from crm import services
from crm.models import Customer, Vehicle, VehicleOwnership
from tenants.errors import DomainError
from tenants.models import StoreMembership
from tests.conftest import client_for

from .conftest import mobile
from .fixtures import a_customer

BUYER_MOBILE = mobile(301)


def _client(world: Any, key: str) -> Any:
    return client_for(world.user(key), world.host(world.store_a))


def _in_a(world: Any, key: str) -> StoreMembership:
    return StoreMembership.objects.select_related("user", "store").get(user=world.user(key), store=world.store_a)


def _buyer(world: Any, member: Any, owner_key: str = "a.sales_consultant", phone: str = BUYER_MOBILE) -> Customer:
    """The would-be new owner, a customer of `owner_key` in store A (filed by the sales manager)."""
    with tenant_context(world.store_a):
        return services.customer_create(member=member("a.sales_manager"), name="李二手", mobile=phone,
                                        consultant_id=world.user(owner_key).pk)


def _car(world: Any, seller: Customer) -> Vehicle:
    with tenant_context(world.store_a):
        vehicle = Vehicle.objects.get(owner=seller)
    return vehicle


def _url(seller: Customer, vehicle: Vehicle) -> str:
    return f"/customers/{seller.pk}/vehicles/{vehicle.pk}/transfer/"


def test_a_consultant_transfers_a_car_and_both_timelines_show_it(world: Any, member: Any) -> None:
    seller = a_customer(world)
    buyer = _buyer(world, member)
    vehicle = _car(world, seller)
    client = _client(world, "a.sales_consultant")
    today = timezone.localdate()

    response = client.post(_url(seller, vehicle), {"to_mobile": "139 0000 0301"})  # the date defaults to today

    assert response.status_code == 302 and response["Location"] == f"/customers/{seller.pk}/"
    with tenant_context(world.store_a):
        vehicle.refresh_from_db()
        assert vehicle.owner_id == buyer.pk
        history = list(VehicleOwnership.objects.filter(vehicle=vehicle).order_by("pk"))
        assert [(o.customer_id, o.ended_on) for o in history] == [(seller.pk, today), (buyer.pk, None)]
        assert history[1].previous_owner_id == seller.pk
        assert history[1].by_user_id == world.user("a.sales_consultant").pk
    seller_page = client.get(f"/customers/{seller.pk}/").content.decode()
    assert "已过户给 李二手" in seller_page  # the flash message after the redirect
    assert "过户转出" in seller_page and "过户给新车主 李二手" in seller_page and "暂无车辆" in seller_page
    buyer_page = client.get(f"/customers/{buyer.pk}/").content.decode()
    assert "过户转入" in buyer_page and "由原车主 王小明 过户至本客户" in buyer_page
    assert "LSVAB2BR6MN000001" in buyer_page and "A销售顾问" in buyer_page


def test_a_manager_picks_the_new_owner_from_a_search(world: Any, member: Any,
                                                     django_assert_max_num_queries: Any) -> None:
    seller = a_customer(world)
    buyer = _buyer(world, member, owner_key="ab.sales_consultant")  # a colleague's customer: managers see all
    vehicle = _car(world, seller)
    client = _client(world, "a.sales_manager")
    with django_assert_max_num_queries(16):
        page = client.get(_url(seller, vehicle), {"q": "李二手"}).content.decode()
    assert f'name="to_customer" value="{buyer.pk}"' in page and "浙AD12345" in page
    assert f'value="{seller.pk}"' not in page  # the current owner is not offered

    response = client.post(_url(seller, vehicle), {"to_customer": str(buyer.pk)})

    assert response.status_code == 302
    with tenant_context(world.store_a):
        assert Vehicle.objects.get(pk=vehicle.pk).owner_id == buyer.pk


@pytest.mark.parametrize(("form", "message"), [
    ({"to_mobile": "13800000000"}, "未找到手机号为 13800000000 的客户"),
    ({"to_mobile": "12345"}, "手机号格式不正确"),
    ({"to_mobile": ""}, "请填写新车主的手机号"),
    ({"to_mobile": "13911112222"}, "该客户已是这辆车的车主"),
    ({"to_mobile": BUYER_MOBILE, "on": "2999-01-01"}, "过户日期不能晚于今天"),
    ({"to_mobile": BUYER_MOBILE, "on": "2001-01-01"}, "过户日期不能早于当前车主的登记日期"),
    ({"to_mobile": BUYER_MOBILE, "on": "昨天"}, "过户日期格式不正确"),
    ({"to_customer": "999999"}, "未找到该客户，或您无权为其办理过户"),
])
def test_bad_input_gets_a_message_and_writes_nothing(world: Any, member: Any, form: dict[str, str],
                                                      message: str) -> None:
    seller = a_customer(world)
    _buyer(world, member)
    vehicle = _car(world, seller)

    response = _client(world, "a.sales_consultant").post(_url(seller, vehicle), form)

    assert response.status_code == 400 and message in response.content.decode()
    with tenant_context(world.store_a):
        assert Vehicle.objects.get(pk=vehicle.pk).owner_id == seller.pk
        assert VehicleOwnership.objects.filter(vehicle=vehicle).count() == 1


def test_a_colleagues_customer_is_answered_like_an_unknown_phone(world: Any, member: Any) -> None:
    """A consultant may not hand a car to a customer they cannot see, nor learn that the customer exists."""
    seller = a_customer(world)
    colleagues = _buyer(world, member, owner_key="ab.sales_consultant")
    vehicle = _car(world, seller)
    client = _client(world, "a.sales_consultant")

    by_phone = client.post(_url(seller, vehicle), {"to_mobile": colleagues.mobile}).content.decode()
    by_pick = client.post(_url(seller, vehicle), {"to_customer": str(colleagues.pk)}).content.decode()
    searched = client.get(_url(seller, vehicle), {"q": "李二手"}).content.decode()

    assert f"未找到手机号为 {colleagues.mobile} 的客户（或您无权查看该客户）" in by_phone
    assert "未找到该客户，或您无权为其办理过户" in by_pick
    assert "李二手" not in searched.split('name="q"')[1]
    with tenant_context(world.store_a):
        assert Vehicle.objects.get(pk=vehicle.pk).owner_id == seller.pk


def test_the_service_refuses_a_member_who_cannot_edit_both_customers(world: Any, member: Any) -> None:
    seller = a_customer(world)
    colleagues = _buyer(world, member, owner_key="ab.sales_consultant")
    vehicle = _car(world, seller)
    with tenant_context(world.store_a):
        for key in ("a.sales_consultant", "ab.sales_consultant"):  # each sees only one of the two
            with pytest.raises(DomainError, match="无权为其办理过户"):
                services.vehicle_transfer(member=_in_a(world, key), vehicle=vehicle, customer=colleagues)
        assert VehicleOwnership.objects.filter(vehicle=vehicle).count() == 1
        done = services.vehicle_transfer(member=member("a.sales_manager"), vehicle=vehicle, customer=colleagues)
        assert done.previous_owner_id == seller.pk and Vehicle.objects.get(pk=vehicle.pk).owner_id == colleagues.pk


def test_the_360_page_offers_the_transfer_for_each_car(world: Any, db: Any) -> None:
    seller = a_customer(world)
    vehicle = _car(world, seller)
    body = _client(world, "a.sales_consultant").get(f"/customers/{seller.pk}/").content.decode()
    assert f'action="{_url(seller, vehicle)}"' in body and 'name="to_mobile"' in body
