"""投诉: intake, the state machine of handbook 003 (every illegal move refused), bad input, visibility."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from crm.aftersales.complaints import (
    TRANSITIONS,
    complaint_create,
    complaint_draft_from_visit,
    complaint_transition,
)
from crm.aftersales.visits import return_visit_record
from crm.models.aftersales import Complaint, ComplaintState, ComplaintTransition, StaffNegligence
from tenants.errors import DomainError
from tests.conftest import client_for

from .conftest import all_yes, customer, return_visit, submitted_complaint

LATER = timezone.now() + dt.timedelta(hours=20)
# What each move needs to succeed (the happy path's inputs).
GOOD: dict[str, dict[str, Any]] = {
    "submit": {},
    "acknowledge": {"apologised": True, "reply_promised_at": LATER},
    "investigate": {"departments": "售后、配件"},
    "name_cause": {"cause_category": "service_process", "responsible_party": "车间"},
    "propose": {"solution": "免费重新检修，赠送一次保养"},
    "agree": {},
    "carry_out": {"note": "已于周三完成检修"},
    "close": {"satisfaction": "satisfied"},
    "reopen": {"note": "客户反映异响复现"},
    "reply": {"note": "经理已回复客户调查结果"},
}
PATH = ["acknowledge", "investigate", "name_cause", "propose", "agree", "carry_out", "close"]


def _move(member: Any, c: Complaint, action: str) -> Complaint:
    data = dict(GOOD[action])
    note = data.pop("note", "")
    return complaint_transition(member=member, complaint=c, action=action, note=note, **data)


def test_it_walks_the_whole_flow_and_records_every_step(store_a: Any, m: Any) -> None:
    cs = m("a.customer_service")
    c = submitted_complaint(cs)
    assert c.state == ComplaintState.RECEIVED and c.received_at is not None
    for action in PATH:
        c = _move(cs, c, action)
    assert c.state == ComplaintState.CLOSED and c.satisfaction == "satisfied" and c.closed_at
    moves = list(ComplaintTransition.objects.filter(complaint=c).values_list("from_state", "to_state", "by_user_id"))
    assert [(f, t) for f, t, _ in moves] == [
        ("draft", "draft"), ("draft", "received"), ("received", "acknowledged"), ("acknowledged", "investigating"),
        ("investigating", "cause_named"), ("cause_named", "solution_proposed"), ("solution_proposed", "agreed"),
        ("agreed", "carried_out"), ("carried_out", "closed")]
    assert {u for *_, u in moves} == {cs.user_id}
    c = _move(cs, c, "reopen")
    assert c.state == ComplaintState.INVESTIGATING and c.reopen_count == 1 and c.satisfaction == ""
    assert c.deadlines.get(milestone="closed").met_at is None


def _complaint_in(state: str, member: Any) -> Complaint:
    if state == ComplaintState.DRAFT:
        return complaint_create(member=member, customer=customer(), channel="wechat", submit=False)
    c = submitted_complaint(member)
    for action in PATH:
        if c.state == state:
            break
        c = _move(member, c, action)
    assert c.state == state
    return c


@pytest.mark.parametrize("state", ComplaintState.values)
def test_it_refuses_every_illegal_transition(store_a: Any, m: Any, state: str) -> None:
    cs = m("a.customer_service")
    c = _complaint_in(state, cs)
    illegal = [a for a, move in TRANSITIONS.items() if state not in move.sources]
    assert illegal
    for action in illegal:
        before = ComplaintTransition.objects.filter(complaint=c).count()
        with pytest.raises(DomainError) as exc:
            _move(cs, c, action)
        assert "不能执行" in exc.value.message and "投诉当前为" in exc.value.message
        c.refresh_from_db()
        assert c.state == state
        assert ComplaintTransition.objects.filter(complaint=c).count() == before


def test_it_refuses_closing_without_the_customers_satisfaction(store_a: Any, m: Any) -> None:
    cs = m("a.customer_service")
    c = _complaint_in(ComplaintState.CARRIED_OUT, cs)
    with pytest.raises(DomainError, match="满意度"):
        complaint_transition(member=cs, complaint=c, action="close", satisfaction="")
    c.refresh_from_db()
    assert c.state == ComplaintState.CARRIED_OUT and c.closed_at is None
    assert c.deadlines.get(milestone="closed").met_at is None


@pytest.mark.parametrize(("state", "action", "data", "word"), [
    ("received", "acknowledge", {"reply_promised_at": LATER}, "致歉"),
    ("received", "acknowledge", {"apologised": True}, "承诺"),
    ("acknowledged", "investigate", {"departments": "  "}, "部门"),
    ("investigating", "name_cause", {"cause_category": "weather", "responsible_party": "车间"}, "原因类别"),
    ("investigating", "name_cause", {"cause_category": "product_quality"}, "责任方"),
    ("cause_named", "propose", {}, "解决方案"),
    ("agreed", "carry_out", {"note": ""}, "执行情况"),
    ("closed", "reopen", {"note": ""}, "原因"),
])
def test_it_refuses_a_step_without_its_required_reason(store_a: Any, m: Any, state: str, action: str,
                                                       data: dict[str, Any], word: str) -> None:
    cs = m("a.customer_service")
    c = _complaint_in(state, cs)
    before = ComplaintTransition.objects.filter(complaint=c).count()
    with pytest.raises(DomainError, match=word):
        complaint_transition(member=cs, complaint=c, action=action, **data)
    c.refresh_from_db()
    assert c.state == state and ComplaintTransition.objects.filter(complaint=c).count() == before


def test_intake_needs_the_facts_and_the_read_back(store_a: Any, m: Any) -> None:
    cs, c = m("a.customer_service"), customer()
    with pytest.raises(DomainError, match="复述"):
        complaint_create(member=cs, customer=c, channel="phone", description="等待时间太长",
                         expected_resolution="道歉", contact_phone=c.mobile, read_back_confirmed=False)
    with pytest.raises(DomainError, match="期望"):
        complaint_create(member=cs, customer=c, channel="in_store", description="等待时间太长",
                         contact_phone=c.mobile, read_back_confirmed=True)
    with pytest.raises(DomainError, match="渠道"):
        complaint_create(member=cs, customer=c, channel="fax", description="x", expected_resolution="y",
                         contact_phone=c.mobile, read_back_confirmed=True)
    assert Complaint.objects.filter(customer=c).count() == 0
    landline = complaint_create(member=cs, customer=c, channel="website", description="等待时间太长",
                                expected_resolution="道歉", contact_phone="0571-88886666", read_back_confirmed=True)
    assert landline.contact_phone == "0571-88886666" and landline.state == "received"


def test_consultants_cannot_handle_complaints(store_a: Any, m: Any) -> None:
    with pytest.raises(DomainError, match="只有客服"):
        submitted_complaint(m("a.sales_consultant"))


def test_negligence_found_in_a_complaint_is_recorded_against_the_staff_member(store_a: Any, m: Any) -> None:
    cs, advisor = m("a.customer_service"), m("a.service_advisor")
    c = _complaint_in(ComplaintState.INVESTIGATING, cs)
    complaint_transition(member=cs, complaint=c, action="name_cause", cause_category="service_process",
                         responsible_party="服务顾问", negligence_staff_id=advisor.user_id,
                         negligence="未向客户解释维修项目和费用")
    rec = StaffNegligence.objects.get(complaint=c)
    assert rec.staff_id == advisor.user_id and rec.recorded_by_id == cs.user_id


def test_a_no_answer_makes_a_prefilled_draft_in_one_click(store_a: Any, m: Any) -> None:
    cs, advisor = m("a.customer_service"), m("a.service_advisor")
    v = return_visit(advisor_id=advisor.user_id)
    v = return_visit_record(member=cs, visit=v, outcome="completed", person_called="owner",
                            answers=all_yes(fixed={"value": "no", "remark": "空调仍然不制冷"}),
                            remark="希望尽快处理", complaint_raised=True)
    draft = complaint_draft_from_visit(member=cs, visit=v)
    assert draft.state == ComplaintState.DRAFT and draft.channel == "return_visit"
    assert "空调仍然不制冷" in draft.description and "希望尽快处理" in draft.description
    assert draft.vehicle_id == v.vehicle_id and draft.service_visit_id == v.service_visit_id
    assert draft.staff_involved_id == advisor.user_id and draft.object_model == "408"
    assert draft.contact_phone == v.customer.mobile and draft.reported_at == v.completed_at
    assert draft.deadlines.count() == 3  # the clock runs from the call, draft or not
    assert complaint_draft_from_visit(member=cs, visit=v).pk == draft.pk  # one click, one draft


def test_consultant_sees_own_customers_complaints_only(store_a: Any, m: Any, world: Any) -> None:
    cs = m("a.customer_service")
    mine = submitted_complaint(cs, c=customer(consultant_id=world.user("a.sales_consultant").pk))
    theirs = submitted_complaint(cs, c=customer(consultant_id=world.user("ab.sales_consultant").pk))
    client = client_for(world.user("a.sales_consultant"), world.host(world.store_a))
    assert client.get(f"/aftersales/complaints/{mine.pk}/").status_code == 200
    assert client.get(f"/aftersales/complaints/{theirs.pk}/").status_code == 404
    page = client.get("/aftersales/complaints/?state=all").content.decode()
    assert mine.code in page and theirs.code not in page
    gm = client_for(world.user("a.general_manager"), world.host(world.store_a))
    assert gm.get(f"/aftersales/complaints/{theirs.pk}/").status_code == 200
