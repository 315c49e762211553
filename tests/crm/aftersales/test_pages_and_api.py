"""Pages and API as staff use them: the call screen, one-click complaint draft, intake, print, API."""

from __future__ import annotations

from typing import Any

from crm.models import Customer
from crm.models.aftersales import Complaint, ReturnVisit
from tests.conftest import client_for  # noqa: F401

from .conftest import customer, return_visit, submitted_complaint


class _Back:
    """A test-client request leaves the connection on the public schema: go back to store A."""

    def __init__(self, client: Any, store: Any) -> None:
        self.client, self.store = client, store

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.client, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            from django.db import connection

            try:
                return method(*args, **kwargs)
            finally:
                connection.set_tenant(self.store)  # type: ignore[attr-defined]

        return call


def _cs(world: Any, key: str = "a.customer_service") -> Any:
    return _Back(client_for(world.user(key), world.host(world.store_a)), world.store_a)


def test_the_call_screen_records_answers_and_makes_a_draft_in_one_click(store_a: Any, world: Any) -> None:
    v = return_visit()
    client = _cs(world)
    screen = client.get(f"/aftersales/visits/{v.pk}/")
    assert screen.status_code == 200
    html = screen.content.decode()
    assert v.customer.name in html and "回访问卷 v1" in html and "一次修好" in html and "408" in html
    assert client.get("/aftersales/visits/").status_code == 200
    form = {"outcome": "completed", "person_called": "owner", "q_overall": "yes", "q_fixed": "no",
            "remark_fixed": "异响没修好", "q_score": "3", "then": "complaint"}
    missing = client.post(f"/aftersales/visits/{v.pk}/", {**form, "remark_fixed": ""})
    assert missing.status_code == 400 and "请在备注中记录不满意的原因" in missing.content.decode()
    assert not Complaint.objects.filter(return_visit=v).exists()
    done = client.post(f"/aftersales/visits/{v.pk}/", form)
    draft = Complaint.objects.get(return_visit=v)
    assert done.status_code == 302 and done["Location"] == f"/aftersales/complaints/{draft.pk}/"
    assert "异响没修好" in draft.description and draft.state == "draft"
    page = client.get(f"/aftersales/complaints/{draft.pk}/").content.decode()
    assert "受理并递交总经理" in page
    submit = client.post(f"/aftersales/complaints/{draft.pk}/edit/", {
        "description": draft.description, "expected_resolution": "重新检修", "contact_phone": draft.contact_phone,
        "read_back_confirmed": "on", "submit": "1"})
    assert submit.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "received"
    printed = client.get(f"/aftersales/complaints/{draft.pk}/print/").content.decode()
    assert "维修回访/投诉处理表" in printed and "print.css" in printed and "异响没修好" in printed  # A4 rules: static/print.css


def test_do_not_call_from_the_call_screen(store_a: Any, world: Any) -> None:
    v = return_visit()
    assert _cs(world).post(f"/aftersales/visits/{v.pk}/", {"outcome": "do_not_call"}).status_code == 302
    assert Customer.objects.get(pk=v.customer_id).may_call is False


def test_intake_page_and_state_machine_buttons(store_a: Any, world: Any) -> None:
    c = customer()
    client = _cs(world)
    assert client.get(f"/aftersales/complaints/new/?mobile={c.mobile}").status_code == 200
    assert client.get("/aftersales/complaints/new/?mobile=13000000000").status_code == 400
    bad = client.post("/aftersales/complaints/new/", {"customer": c.pk, "channel": "phone", "description": "x",
                                                      "expected_resolution": "y", "contact_phone": c.mobile})
    assert bad.status_code == 400 and "复述" in bad.content.decode()
    ok = client.post("/aftersales/complaints/new/", {"customer": c.pk, "channel": "phone", "description": "等太久",
                                                     "expected_resolution": "道歉", "contact_phone": c.mobile,
                                                     "read_back_confirmed": "on"})
    complaint = Complaint.objects.get(customer=c)
    assert ok.status_code == 302 and complaint.state == "received"
    refused = client.post(f"/aftersales/complaints/{complaint.pk}/transition/", {"action": "close",
                                                                                 "satisfaction": "satisfied"})
    assert refused.status_code == 400 and "不能执行" in refused.content.decode()
    ack = client.post(f"/aftersales/complaints/{complaint.pk}/transition/", {
        "action": "acknowledge", "apologised": "on", "reply_promised_at": "2030-01-02T10:00"})
    assert ack.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "acknowledged"


def test_api_complaint_flow_and_clear_errors(store_a: Any, world: Any) -> None:
    c = customer()
    client = _cs(world)
    created = client.post("/api/aftersales/complaints/", {
        "customer": c.pk, "channel": "wechat", "description": "销售承诺的赠品没给", "expected_resolution": "补发",
        "contact_phone": c.mobile, "read_back_confirmed": True}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "received" and len(body["deadlines"]) == 3 and body["allowed_actions"] == ["acknowledge"]
    bad = client.post(f"/api/aftersales/complaints/{body['id']}/transition/", {"action": "agree"},
                      content_type="application/json")
    assert bad.status_code == 400 and "不能执行" in bad.json()["detail"]
    v = return_visit()
    unknown = client.post(f"/api/aftersales/return-visits/{v.pk}/record/", {
        "outcome": "completed", "person_called": "owner", "answers": {"wifi": {"value": "yes"}}},
        content_type="application/json")
    assert unknown.status_code == 400 and "不在本次使用的回访问卷" in unknown.json()["detail"]
    assert ReturnVisit.objects.get(pk=v.pk).attempts == 0
    assert client.get("/api/aftersales/return-visits/").status_code == 200
    gm = _cs(world, "a.general_manager")
    action = gm.post("/api/aftersales/corrective-actions/", {
        "kind": "corrective", "source": "complaint", "complaint": body["id"], "description": "赠品登记表",
        "owner_id": world.user("a.sales_manager").pk, "deadline": "2030-01-01"}, content_type="application/json")
    assert action.status_code == 201, action.content
    own = gm.post(f"/api/aftersales/corrective-actions/{action.json()['id']}/approve/")
    assert own.status_code == 400 and "不能批准自己提出" in own.json()["detail"]


def test_the_360_timeline_can_link_complaints(store_a: Any, m: Any) -> None:
    from crm.aftersales.selectors import customer_complaints

    c = customer()
    complaint = submitted_complaint(m("a.customer_service"), c=c)
    assert [x.pk for x in customer_complaints(c.pk)] == [complaint.pk]
