"""Services: what staff record, and every bad input refused with a Chinese message and nothing written."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from crm import services
from crm.errors import DuplicateMobile
from crm.models import Customer, CustomerAssignment, FollowUp, Lead, MileageReading, Vehicle
from crm.services.defeat import lead_defeat_approve
from crm.validators import clean_plate, clean_vin
from tenants.errors import DomainError

from .conftest import mobile, vin


def test_it_creates_a_customer_owned_by_the_consultant(world: Any, member: Any) -> None:
    m = member("a.sales_consultant")
    with tenant_context(world.store_a):
        c = services.customer_create(member=m, name="张伟", mobile="138 0013 8000", tags=["女车主", " "])
        assert (c.mobile, c.consultant_id, c.tags) == ("13800138000", m.user_id, ["女车主"])


def test_a_duplicate_phone_offers_the_existing_customer(world: Any, member: Any) -> None:
    m = member("a.sales_consultant")
    with tenant_context(world.store_a):
        first = services.customer_create(member=m, name="张伟", mobile=mobile(1))
        with pytest.raises(DuplicateMobile) as exc:
            services.customer_create(member=m, name="张伟二", mobile=mobile(1))
        assert exc.value.customer_id == first.pk and "张伟" in exc.value.message
        assert Customer.objects.count() == 1


def test_the_same_phone_is_fine_in_another_store(world: Any, member: Any) -> None:
    with tenant_context(world.store_a):
        services.customer_create(member=member("a.sales_consultant"), name="甲", mobile=mobile(2))
    with tenant_context(world.store_b):
        services.customer_create(member=member("b.sales_consultant"), name="乙", mobile=mobile(2))
        assert Customer.objects.count() == 1


@pytest.mark.parametrize("bad", ["1380013800", "23800138000", "abc"])
def test_it_rejects_a_malformed_phone(world: Any, member: Any, bad: str) -> None:
    with tenant_context(world.store_a):
        with pytest.raises(DomainError, match="手机号格式不正确"):
            services.customer_create(member=member("a.sales_consultant"), name="张伟", mobile=bad)
        assert not Customer.objects.exists()


def test_it_rejects_a_future_birthday(world: Any, member: Any) -> None:
    with tenant_context(world.store_a):
        with pytest.raises(DomainError, match="生日不能晚于今天"):
            services.customer_create(member=member("a.sales_consultant"), name="张伟", mobile=mobile(3),
                                     birthday=timezone.localdate() + timedelta(days=1))
        assert not Customer.objects.exists()


def test_vin_check_digit_and_plates() -> None:
    assert clean_vin("1m8gdm9axkp042788") == "1M8GDM9AXKP042788"
    with pytest.raises(DomainError, match="校验位不正确"):
        clean_vin("1M8GDM9A1KP042788")
    with pytest.raises(DomainError, match="17 位"):
        clean_vin("1M8GDM9AXKP04278")
    with pytest.raises(DomainError, match="I、O、Q"):
        clean_vin("1M8GDM9AXKP04278O")
    assert clean_plate("浙A·12345") == "浙A12345"
    assert clean_plate("浙AD12345") == "浙AD12345"  # 8-character new-energy plate
    assert clean_plate("粤B12345F") == "粤B12345F"
    for bad in ("浙12345", "浙A1234", "XA12345", "浙AI2345"):
        with pytest.raises(DomainError, match="车牌号格式不正确"):
            clean_plate(bad)


def _customer_with_car(world: Any, m: Any, n: int) -> tuple[Customer, Vehicle]:
    c = services.customer_create(member=m, name=f"车主{n}", mobile=mobile(n))
    v = services.vehicle_create(customer=c, vin=vin(), plate=f"浙A{n:05d}", km=1000,
                                delivered_on=timezone.localdate() - timedelta(days=100))
    return c, v


def test_a_bad_vin_writes_nothing(world: Any, member: Any) -> None:
    with tenant_context(world.store_a):
        c = services.customer_create(member=member("a.sales_consultant"), name="张伟", mobile=mobile(4))
        with pytest.raises(DomainError, match="校验位"):
            services.vehicle_create(customer=c, vin="1M8GDM9A1KP042788")
        with pytest.raises(DomainError, match="交车日期不能晚于今天"):
            services.vehicle_create(customer=c, vin=vin(), delivered_on=timezone.localdate() + timedelta(days=3))
        assert not Vehicle.objects.exists()


def test_mileage_derives_daily_km_and_refuses_going_backwards(world: Any, member: Any) -> None:
    today = timezone.localdate()
    with tenant_context(world.store_a):
        _, v = _customer_with_car(world, member("a.sales_consultant"), 5)
        MileageReading.objects.filter(vehicle=v).update(read_on=today - timedelta(days=10))
        r = services.mileage_record(vehicle=v, km=1500, read_on=today)
        assert r.daily_km == Decimal("50.0")
        with pytest.raises(DomainError, match="里程不能倒退"):
            services.mileage_record(vehicle=v, km=1400, read_on=today)
        with pytest.raises(DomainError, match="负数"):
            services.mileage_record(vehicle=v, km=-1, read_on=today)
        with pytest.raises(DomainError, match="不能晚于今天"):
            services.mileage_record(vehicle=v, km=2000, read_on=today + timedelta(days=1))
        assert MileageReading.objects.filter(vehicle=v).count() == 2
        v.refresh_from_db()
        assert (v.last_km, v.daily_km) == (1500, Decimal("50.0"))


def test_reception_creates_customer_and_lead_due_tonight(world: Any, member: Any) -> None:
    m = member("a.sales_consultant")
    with tenant_context(world.store_a):
        r = services.reception_create(member=m, mobile=mobile(6), name="李娜", grade="A", models_of_interest="途观L")
        lead = Lead.objects.get()
        assert (r.customer.name, lead.grade, lead.next_followup_on) == ("李娜", "A", timezone.localdate())
        services.reception_create(member=m, mobile=mobile(6), grade="H")
        assert Customer.objects.count() == 1 and Lead.objects.get().is_key


def test_followup_needs_content_and_moves_the_next_date(world: Any, member: Any) -> None:
    m = member("a.sales_consultant")
    with tenant_context(world.store_a):
        r = services.reception_create(member=m, mobile=mobile(7), grade="B")
        with pytest.raises(DomainError, match="沟通内容"):
            services.followup_create(member=m, customer=r.customer, lead=r.lead, channel="phone", content=" ")
        with pytest.raises(DomainError, match="下次跟进日期不能早于今天"):
            services.followup_create(member=m, customer=r.customer, lead=r.lead, channel="phone", content="x",
                                     next_on=timezone.localdate() - timedelta(days=1))
        assert not FollowUp.objects.exists()
        nxt = timezone.localdate() + timedelta(days=7)
        services.followup_create(member=m, customer=r.customer, lead=r.lead, channel="wechat", content="邀约试驾",
                                 next_step="周六试驾", next_on=nxt)
        lead = Lead.objects.get()
        assert (lead.next_followup_on, lead.next_step) == (nxt, "周六试驾")


def test_deal_delivers_a_vehicle_and_defeat_keeps_the_competitor(world: Any, member: Any) -> None:
    m = member("a.sales_consultant")
    with tenant_context(world.store_a):
        r1 = services.reception_create(member=m, mobile=mobile(8))
        lead = services.lead_close_deal(member=m, lead=r1.lead, vin=vin(), amount=Decimal("158000"))
        assert lead.status == "deal" and lead.deal_vehicle.owner_id == r1.customer_id
        assert Customer.objects.get(pk=r1.customer_id).lifecycle == "owner"
        with pytest.raises(DomainError, match="已成交"):
            services.lead_defeat(member=m, lead=lead, reason="price")
        r2 = services.reception_create(member=m, mobile=mobile(9))
        with pytest.raises(DomainError, match="竞品品牌"):
            services.lead_defeat(member=m, lead=r2.lead, reason="competitor")
        lead2 = services.lead_defeat(member=m, lead=r2.lead, reason="competitor", competitor_brand="比亚迪",
                                     competitor_model="汉")
        assert (lead2.status, lead2.competitor_model) == ("defeat_pending", "汉")  # 战败审核 decides
        lead2 = lead_defeat_approve(member=member("a.sales_manager"), lead=lead2)
        assert (lead2.status, lead2.competitor_model) == ("defeated", "汉")
        assert Customer.objects.get(pk=r2.customer_id).lifecycle == "defeated"


def test_reassign_is_a_recorded_manager_action(world: Any, member: Any) -> None:
    consultant, manager = member("a.sales_consultant"), member("a.sales_manager")
    with tenant_context(world.store_a):
        r = services.reception_create(member=consultant, mobile=mobile(10))
        with pytest.raises(DomainError, match="只有经理"):
            services.customer_reassign(member=consultant, customer=r.customer, consultant_id=manager.user_id)
        with pytest.raises(DomainError, match="不是本店在职销售"):
            services.customer_reassign(member=manager, customer=r.customer,
                                       consultant_id=member("b.sales_consultant").user_id)
        services.customer_reassign(member=manager, customer=r.customer, consultant_id=manager.user_id, reason="离职")
        a = CustomerAssignment.objects.get()
        assert (a.from_consultant_id, a.to_consultant_id, a.by_user_id) == (
            consultant.user_id, manager.user_id, manager.user_id)
        assert Lead.objects.get().consultant_id == manager.user_id


def test_service_visit_classifies_the_customer_at_once(world: Any, member: Any) -> None:
    today = timezone.localdate()
    with tenant_context(world.store_a):
        c, v = _customer_with_car(world, member("a.sales_consultant"), 11)
        adv = member("a.service_advisor")
        with pytest.raises(DomainError, match="金额不能为负数"):
            services.service_visit_create(member=adv, vehicle=v, kind="periodic", visited_on=today, amount=-1)
        with pytest.raises(DomainError, match="进站日期不能晚于今天"):
            services.service_visit_create(member=adv, vehicle=v, kind="periodic", visited_on=today + timedelta(1))
        services.service_visit_create(member=adv, vehicle=v, kind="periodic", visited_on=today - timedelta(30),
                                      amount=1800, km=500)
        services.service_visit_create(member=adv, vehicle=v, kind="repair", visited_on=today, amount=1500, km=4000)
        c.refresh_from_db()
        assert (c.loyalty, c.paid_visits_12m, c.spend_12m, c.service_class) == ("loyal", 2, Decimal("3300"), "repair")
        assert Vehicle.objects.get(pk=v.pk).age_band == "warranty"


def test_store_classification_follows_the_quotas(world: Any, member: Any) -> None:
    from crm.models import ServiceVisit

    m = member("a.sales_consultant")
    today = timezone.localdate()
    with tenant_context(world.store_a):
        for n in range(20):
            c, v = _customer_with_car(world, m, 100 + n)
            ServiceVisit.objects.create(vehicle=v, customer=c, kind="periodic", visited_on=today - timedelta(days=n),
                                        amount=100 * (n + 1))
        old, _ = _customer_with_car(world, m, 200)
        Vehicle.objects.filter(owner=old).update(delivered_on=today - timedelta(days=400))
        assert services.classification_recompute_store() == 21
        counts = {k: Customer.objects.filter(value_class=k).count() for k in "ABCD"}
        assert counts == {"A": 4, "B": 6, "C": 8, "D": 2}
        assert Customer.objects.get(pk=old.pk).loyalty == "lost"
        assert Customer.objects.get(pk=old.pk).value_class == ""
