"""What reaches staff by WeCom, each through notify(): approvals waiting (战败审核, 整改措施), invitations
(邀约到店: an appointment booked with an advisor), and hand-overs (离职交接 / 批量转移)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

from crm import services
from crm.aftersales.actions import corrective_action_create
from crm.cadence.outbox import outbox_dispatch
from crm.services.handover import member_handover
from tests.crm.aftersales.conftest import customer, vehicle
from tests.vendors.wecom_server import WeComPeer
from tests.world import World

from .conftest import GM, SALES_M, set_userid

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _cards(wecom: WeComPeer) -> list[tuple[str, str]]:
    assert outbox_dispatch(now=NOW) >= 1
    return [(d["touser"], d["title"]) for d in wecom.delivered]


@time_machine.travel(NOW, tick=False)
def test_a_defeat_waiting_for_approval_reaches_the_sales_manager(world: World, store_a: Any, m: Any,
                                                                wecom: WeComPeer) -> None:
    consultant = m("a.sales_consultant")
    lead = services.reception_create(member=consultant, mobile="13955700001", name="郑先生", grade="B",
                                     models_of_interest="朗逸").lead
    assert lead is not None
    services.lead_defeat(member=consultant, lead=lead, reason="price")
    assert _cards(wecom) == [(SALES_M, "战败待审：郑先生（价格因素）")]


@time_machine.travel(NOW, tick=False)
def test_a_corrective_action_waiting_for_approval_reaches_the_gm(world: World, store_a: Any, m: Any,
                                                                wecom: WeComPeer) -> None:
    sm = m("a.service_manager")
    corrective_action_create(member=sm, kind="corrective", source="monthly_report", report_month=dt.date(2026, 11, 1),
                             description="交车前增加洗车检查", owner_id=sm.user_id,
                             deadline=timezone.localdate() + dt.timedelta(days=10))
    assert _cards(wecom) == [(GM, "整改措施待批准：交车前增加洗车检查")]


@time_machine.travel(NOW, tick=False)
def test_an_appointment_invitation_reaches_the_advisor(world: World, store_a: Any, m: Any, wecom: WeComPeer) -> None:
    wecom.users.add("zhao.sa")
    set_userid(world, "a.service_advisor", "zhao.sa")
    c = customer(name="钱女士")
    v = vehicle(c)
    services.appointment_book(member=m("a.customer_service"), customer=c, vehicle=v, kind="maintenance",
                              starts_at=NOW + dt.timedelta(days=2, hours=4), advisor_id=m("a.service_advisor").user_id)
    assert _cards(wecom) == [("zhao.sa", "新预约：钱女士 11-25 14:00")]


@time_machine.travel(NOW, tick=False)
def test_a_hand_over_reaches_the_colleague_who_takes_the_work(world: World, store_a: Any, m: Any,
                                                             wecom: WeComPeer) -> None:
    consultant = m("a.sales_consultant")
    services.reception_create(member=consultant, mobile="13955700002", name="孙先生", grade="B",
                              models_of_interest="朗逸")
    member_handover(consultant.user_id, m("a.sales_manager").user_id, m("a.general_manager").user_id)
    [(to, title)] = _cards(wecom)
    assert (to, title) == (SALES_M, f"交接：{consultant.user.name} 的工作已转给您")
    assert wecom.delivered[0]["description"].startswith("客户 1 位、线索 1 条")
