"""The GM's side of handbook 002/003: each open complaint with its deadline and time left (store time), the
unread badge, measures approved or sent back with a comment, owners and the GM notified."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from crm.aftersales.actions import (
    corrective_action_approve,
    corrective_action_complete,
    corrective_action_create,
    corrective_action_return,
    corrective_action_revise,
)
from crm.aftersales.selectors import time_left
from crm.models.aftersales import CorrectiveAction, Notification
from tenants.errors import Conflict, DomainError
from tests.conftest import client_for

from .conftest import TZ, submitted_complaint

# Wednesday 2026-11-25 11:00 in Shanghai.
NOW = dt.datetime(2026, 11, 25, 11, 0, tzinfo=TZ)


def _measure(member: Any, owner_id: int) -> CorrectiveAction:
    return corrective_action_create(member=member, kind="corrective", source="monthly_report",
                                    report_month=dt.date(2026, 11, 1), description="交车前增加洗车检查",
                                    owner_id=owner_id, deadline=dt.date(2026, 12, 10))


def _titles(user_id: int) -> list[str]:
    return list(Notification.objects.filter(recipient_id=user_id, kind="action").order_by("id")
                .values_list("title", flat=True))


def test_time_left_reads_as_a_person_says_it() -> None:
    assert time_left(dt.timedelta(hours=2, minutes=15)) == ("剩余 2 小时 15 分", False)
    assert time_left(-dt.timedelta(hours=1, minutes=5)) == ("已超时 1 小时 5 分", True)
    # Working hours, whole minutes rounded down; no days (a working day is the store's opening hours).
    assert time_left(dt.timedelta(hours=45, seconds=59)) == ("剩余 45 小时 0 分", False)


def test_time_left_is_working_time_in_the_store(store_a: Any) -> None:
    from crm.aftersales.policy import working_time_left

    # Store A is open 08:30–18:00 on working days. Friday 2026-11-27 17:00 to a deadline on Monday
    # 11-30 10:00: 17:00–18:00 (1 h) + Monday 08:30–10:00 (1 h 30) = 2 h 30, not the 65 h on the clock.
    left = working_time_left(store_a, dt.datetime(2026, 11, 30, 10, 0, tzinfo=TZ),
                             dt.datetime(2026, 11, 27, 17, 0, tzinfo=TZ))
    assert time_left(left) == ("剩余 2 小时 30 分", False)
    # Monday 11:00, the same deadline: 1 h overdue (10:00–11:00 is working time).
    left = working_time_left(store_a, dt.datetime(2026, 11, 30, 10, 0, tzinfo=TZ),
                             dt.datetime(2026, 11, 30, 11, 0, tzinfo=TZ))
    assert time_left(left) == ("已超时 1 小时 0 分", True)


@time_machine.travel(NOW, tick=False)
def test_the_gm_page_shows_every_open_complaint_with_deadline_and_time_left(store_a: Any, m: Any,
                                                                         world: Any) -> None:
    # Received 03:54 today, before the 08:30 opening: half a day → 13:15 (2 h 15 left at 11:00);
    # one working day → Thursday 08:30; closing, five working days → Wed 2 Dec 08:30. Time left is working
    # time (open 08:30–18:00): to Thursday 08:30, 11:00–18:00 today = 7 h; to Wed 2 Dec 08:30, 7 h today,
    # Thu 26 + Fri 27 (9 h 30 each), the weekend off, Mon 30 + Tue 1 (9 h 30 each) → 7 + 38 = 45 h.
    c = submitted_complaint(m("a.customer_service"), reported_at=dt.datetime(2026, 11, 25, 3, 54, tzinfo=TZ))
    # Step 1 (递交总经理) is met on submission; the GM sees it done and the two deadlines still open.
    page = client_for(world.user("a.general_manager"), world.host(world.store_a)).get("/aftersales/gm/")
    html = page.content.decode()
    assert page.status_code == 200 and c.code in html
    assert re.search(r'2026年11月25日 13:15</td><td class="left[^"]*">已完成', html)
    assert "2026年11月26日 08:30" in html and "剩余 7 小时 0 分" in html
    assert "2026年12月2日 08:30" in html and "剩余 45 小时 0 分" in html


@time_machine.travel(NOW, tick=False)
def test_a_measure_sent_back_is_corrected_approved_and_done_with_everyone_told(store_a: Any, m: Any,
                                                                              world: Any) -> None:
    gm, sm, advisor = m("a.general_manager"), m("a.service_manager"), m("a.service_advisor")
    a = _measure(sm, advisor.user_id)
    assert _titles(gm.user_id) == ["整改措施待批准：交车前增加洗车检查"]
    with pytest.raises(DomainError, match="写明需要修改"):
        corrective_action_return(member=gm, action=a, comment=" ")
    a = corrective_action_return(member=gm, action=a, comment="请写明由谁检查、检查哪些位置")
    assert a.status == "returned" and a.review_comment == "请写明由谁检查、检查哪些位置"
    # The owner and the manager who raised it are told, with the comment.
    for uid in (advisor.user_id, sm.user_id):
        note = Notification.objects.filter(recipient_id=uid, kind="action", title__contains="退回修改").get()
        assert note.body == "请写明由谁检查、检查哪些位置" and note.action_id == a.pk
    with pytest.raises(Conflict):
        corrective_action_approve(member=gm, action=a)  # must be corrected first
    with pytest.raises(DomainError, match="责任人或提出人"):
        corrective_action_revise(member=m("a.customer_service"), action=a, description="x",
                                 deadline=dt.date(2026, 12, 10))
    a = corrective_action_revise(member=advisor, action=a, description="交车前由服务顾问检查座椅、脚垫、方向盘",
                                 deadline=dt.date(2026, 12, 12))
    assert a.status == "proposed" and _titles(gm.user_id)[-1].startswith("整改措施已修改，待批准")
    a = corrective_action_approve(member=gm, action=a, comment="同意")
    assert _titles(advisor.user_id)[-1] == "整改措施已批准，请落实：交车前由服务顾问检查座椅、脚垫、方向盘"
    corrective_action_complete(member=advisor, action=a, result="已执行两周", evidence="检查表 12-01")
    assert _titles(gm.user_id)[-1].startswith("整改措施已完成")
    # The owner's notifications page links to their measures; the nav shows the unread count.
    unread = Notification.objects.filter(recipient_id=advisor.user_id, read_at__isnull=True).count()
    assert unread == 2  # sent back, approved
    client = client_for(world.user("a.service_advisor"), world.host(world.store_a))
    html = client.get("/aftersales/notifications/").content.decode()
    assert f'/aftersales/actions/mine/#action-{a.pk}' in html
    assert f'id="nav-unread">{unread}<' in client.get("/aftersales/actions/mine/").content.decode()
    client.post("/aftersales/notifications/")
    assert 'id="nav-unread"' not in client.get("/aftersales/actions/mine/").content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_measure_the_gm_raises_is_approved_by_the_service_manager(store_a: Any, m: Any) -> None:
    gm, sm, cs = m("a.general_manager"), m("a.service_manager"), m("a.customer_service")
    a = _measure(gm, sm.user_id)
    assert a.approver_role == "service_manager"
    assert _titles(sm.user_id) == ["整改措施待批准：交车前增加洗车检查"] and _titles(gm.user_id) == []
    with pytest.raises(DomainError, match="不能批准自己提出"):
        corrective_action_approve(member=gm, action=a)
    with pytest.raises(DomainError, match="由服务经理审批"):
        corrective_action_approve(member=cs, action=a)
    a = corrective_action_approve(member=sm, action=a)
    assert a.status == "approved" and a.approved_by_id == sm.user_id
    corrective_action_complete(member=sm, action=a, result="已落实", evidence="照片 3 张")
    assert _titles(gm.user_id)[-1].startswith("整改措施已完成")  # the GM is told it is done


@time_machine.travel(NOW, tick=False)
def test_the_send_back_and_revise_pages_keep_the_rules(store_a: Any, m: Any, world: Any) -> None:
    gm, sm = m("a.general_manager"), m("a.service_manager")
    a = _measure(sm, sm.user_id)
    pk = a.pk
    gm_client = client_for(world.user("a.general_manager"), world.host(world.store_a))
    def status() -> str:
        with tenant_context(world.store_a):
            return str(CorrectiveAction.objects.get(pk=pk).status)

    r = gm_client.post(f"/aftersales/actions/{pk}/return/", {"comment": "", "next": "/aftersales/gm/"})
    assert r.status_code == 302
    assert status() == "proposed"  # no comment, nothing changed
    gm_client.post(f"/aftersales/actions/{pk}/return/", {"comment": "期限太晚", "next": "/aftersales/gm/"})
    assert status() == "returned"
    sm_client = client_for(world.user("a.service_manager"), world.host(world.store_a))
    assert "期限太晚" in sm_client.get("/aftersales/actions/mine/").content.decode()
    sm_client.post(f"/aftersales/actions/{pk}/revise/", {"description": "交车前增加洗车检查", "deadline": "bad"})
    assert status() == "returned"  # a bad date is refused, nothing written
    later = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    sm_client.post(f"/aftersales/actions/{pk}/revise/", {"description": "交车前增加洗车检查", "deadline": later})
    assert status() == "proposed"
    _ = gm
