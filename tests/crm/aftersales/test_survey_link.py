"""问卷链接: a return-visit survey the customer answers on the store's web page (issue #17).

The link is signed, expires, works once and only on its own store's host; a withdrawn consent refuses
it; the answers go through the call's own service (answers, the call closed, the complaint draft with
its SLA, the monthly report); the SMS is the personal link where the group has an approved template
for it, else the store's fixed page with a code (the code entry throttled)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from crm.aftersales.report import month_period, monthly_report
from crm.aftersales.survey_link import survey_delivery_for, survey_link_send
from crm.aftersales.visits import return_visit_record
from crm.cadence.outbox import outbox_dispatch
from crm.consent import consent_record
from crm.models import FollowUpTask, OutboxMessage
from crm.models.aftersales import Complaint, ReturnVisit, SurveyAnswer, SurveyInvitation
from hq.models import ReviewStatus
from hq.services.messaging import sms_signature_save, sms_template_save
from tenants.errors import Conflict, DomainError
from tests.conftest import client_for
from tests.crm.sms.conftest import SIGN, aliyun  # noqa: F401 - the local Aliyun peer fixture
from tests.vendors.aliyun_server import AliyunPeer, Template
from tests.world import World

from .conftest import all_yes, at, customer, return_visit

WED = dt.date(2026, 11, 25)
# Wednesday 25 November 2026, 16:00 in the store (hours 08:30–18:00, no holiday before New Year).
NOW = at(WED, 16)


class _Host:
    """A browser on a store's host (no sign-in unless a user is given); back to store A's schema after."""

    def __init__(self, world: World, store: Any, user_key: str | None = None) -> None:
        self.client: Client = client_for(world.user(user_key) if user_key else None, world.host(store))
        self.home = world.store_a

    def get(self, url: str) -> Any:
        try:
            return self.client.get(url)
        finally:
            connection.set_tenant(self.home)  # type: ignore[attr-defined]

    def post(self, url: str, data: dict[str, Any]) -> Any:
        try:
            return self.client.post(url, data)
        finally:
            connection.set_tenant(self.home)  # type: ignore[attr-defined]


def _token(msg: OutboxMessage) -> str:
    found = re.search(r"/s/([^/\s]+)/", msg.body)
    assert found, msg.body
    return found.group(1)


def _send(m: Any, visit: ReturnVisit | None = None) -> tuple[ReturnVisit, SurveyInvitation, str]:
    visit = visit or return_visit(c=customer(name="王建国"), due=WED)
    inv = survey_link_send(member=m("a.customer_service"), visit=visit)
    assert inv.outbox is not None
    return visit, inv, _token(inv.outbox) if inv.delivery == "link" else ""


def _form(**override: str) -> dict[str, str]:
    data = {"person_called": "owner", **{f"q_{k}": str(v["value"]) for k, v in all_yes().items()}}
    data.update(override)
    return data


@time_machine.travel(NOW, tick=False)
def test_a_customer_answers_once_and_it_is_recorded_as_a_call(store_a: Any, m: Any, world: World) -> None:
    visit, inv, token = _send(m)
    # With the default log provider the personal link goes out, on the store's own host.
    assert inv.delivery == "link" and inv.outbox is not None
    assert inv.outbox.rule_key == "survey_link" and inv.outbox.to == visit.number
    assert f"http://{world.host(store_a)}/s/{token}/" in inv.outbox.body and "7天内有效" in inv.outbox.body
    assert inv.expires_at == NOW + dt.timedelta(days=7)
    assert token not in inv.token_hash  # only the HMAC is kept
    web = _Host(world, store_a)
    page = web.get(f"/s/{token}/")
    html = page.content.decode()
    assert page.status_code == 200 and "服务满意度问卷" in html and "您车辆的问题是否一次修好？" in html
    assert "A店" in html and page["Cache-Control"].startswith("max-age=0")
    done = web.post(f"/s/{token}/", _form(remark="服务很好"))
    assert done.status_code == 302 and done["Location"] == "/s/thanks/"
    assert "感谢您的反馈" in web.get("/s/thanks/").content.decode()
    visit.refresh_from_db()
    assert (visit.status, visit.answered_via, visit.satisfied, visit.attempts) == ("completed", "web", True, 1)
    assert visit.survey_version_number == 1 and visit.remark == "服务很好" and visit.completed_at == NOW
    assert SurveyAnswer.objects.filter(visit=visit).count() == 8
    task = FollowUpTask.objects.get(return_visit=visit)
    assert (task.status, task.outcome) == ("done", "satisfied") and "客户网页填写" in task.outcome_note
    assert visit.calls.get().note == "客户网页填写"
    inv.refresh_from_db()
    assert inv.used_at == NOW
    # Opened again: refused with its own page, nothing recorded twice.
    again = web.get(f"/s/{token}/")
    assert again.status_code == 410 and "问卷已提交" in again.content.decode()
    assert web.post(f"/s/{token}/", _form()).status_code == 410
    assert SurveyAnswer.objects.filter(visit=visit).count() == 8 and not Complaint.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_low_answer_opens_the_complaint_draft_with_its_sla_in_working_time(store_a: Any, m: Any,
                                                                             world: World) -> None:
    visit, _inv, token = _send(m)
    web = _Host(world, store_a)
    assert web.post(f"/s/{token}/", _form(q_fixed="no", remark_fixed="异响没修好", q_score="2",
                                          remark_score="等了很久")).status_code == 302
    visit.refresh_from_db()
    assert (visit.satisfied, visit.complaint_raised) == (False, True)
    draft = Complaint.objects.get(return_visit=visit)
    assert draft.state == "draft" and draft.channel == "return_visit" and draft.reported_at == NOW
    assert "您车辆的问题是否一次修好？：否，异响没修好" in draft.description and "2/5 分，等了很久" in draft.description
    assert draft.created_by_id == world.user("a.customer_service").pk
    due = {d.step: d.due_at for d in draft.deadlines.all()}
    # Raised Wednesday 16:00; hours 08:30–18:00 (9.5 h). Half a working day (4.75 h): 2 h Wednesday +
    # 2.75 h Thursday from 08:30 → Thu 11:15. One working day (9.5 h): 2 h + 7.5 h → Thu 16:00. Five
    # working days (47.5 h): 2 h Wed + Thu, Fri, Mon, Tue (38 h) + 7.5 h → Wed 2 Dec 16:00.
    assert due[1] == at(dt.date(2026, 11, 26), 11, 15)
    assert due[2] == at(dt.date(2026, 11, 26), 16)
    assert due[3] == at(dt.date(2026, 12, 2), 16)
    task = FollowUpTask.objects.get(return_visit=visit)
    assert task.outcome == "complaint"
    # The service manager finds the draft in the complaint list.
    sm = _Host(world, store_a, "a.service_manager")
    assert draft.code in sm.get("/aftersales/complaints/?state=draft").content.decode()


@time_machine.travel(NOW, tick=False)
def test_bad_input_keeps_what_was_typed_and_leaves_the_link_unused(store_a: Any, m: Any, world: World) -> None:
    visit, inv, token = _send(m)
    web = _Host(world, store_a)
    bad = web.post(f"/s/{token}/", _form(q_clean="no", remark_clean="", remark="座椅有油渍"))
    html = bad.content.decode()
    assert bad.status_code == 400 and "请在备注中记录不满意的原因" in html
    assert 'id="q_clean_no" value="no" checked' in html and "座椅有油渍" in html
    no_person = web.post(f"/s/{token}/", _form(person_called=""))
    assert no_person.status_code == 400 and "请选择受访人" in no_person.content.decode()
    inv.refresh_from_db()
    visit.refresh_from_db()
    assert inv.used_at is None and visit.status == "due" and visit.attempts == 0
    assert not SurveyAnswer.objects.filter(visit=visit).exists() and not visit.calls.exists()
    assert web.post(f"/s/{token}/", _form()).status_code == 302


@time_machine.travel(NOW, tick=False)
def test_an_expired_a_tampered_and_a_revoked_link_are_refused_each_with_its_page(store_a: Any, m: Any,
                                                                               world: World) -> None:
    web = _Host(world, store_a)
    _visit, _inv, token = _send(m)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    page = web.get(f"/s/{tampered}/")
    assert page.status_code == 404 and "链接无效" in page.content.decode()
    assert web.get("/s/not-a-token/").status_code == 404
    with time_machine.travel(NOW + dt.timedelta(days=7, seconds=1), tick=False):
        late = web.get(f"/s/{token}/")
        assert late.status_code == 410 and "链接已过期" in late.content.decode()
        assert web.post(f"/s/{token}/", _form()).status_code == 410
    # Resent: the first link stops working; the call recorded by phone ends the second.
    visit2, _inv2, first = _send(m)
    _v, _i, second = _send(m, visit2)
    assert web.get(f"/s/{first}/").status_code == 410
    assert web.get(f"/s/{second}/").status_code == 200
    return_visit_record(member=m("a.customer_service"), visit=visit2, outcome="completed", person_called="owner",
                        answers=all_yes())
    closed = web.get(f"/s/{second}/")
    assert closed.status_code == 410 and "本次回访已结束" in closed.content.decode()
    assert SurveyInvitation.objects.filter(visit=visit2, revoked_at__isnull=False).count() == 2


@time_machine.travel(NOW, tick=False)
def test_a_withdrawn_consent_refuses_the_link_and_the_sending(store_a: Any, m: Any, world: World) -> None:
    visit, _inv, token = _send(m)
    consent_record(customer=visit.customer, channel="call", purpose="return_visit", granted=False, source="customer")
    web = _Host(world, store_a)
    page = web.get(f"/s/{token}/")
    assert page.status_code == 403 and "已停止回访" in page.content.decode()
    assert web.post(f"/s/{token}/", _form()).status_code == 403
    visit.refresh_from_db()
    assert visit.status == "due" and not SurveyAnswer.objects.filter(visit=visit).exists()
    with pytest.raises(DomainError, match="未同意"):
        survey_link_send(member=m("a.customer_service"), visit=return_visit(c=visit.customer, due=WED + dt.timedelta(1)))


@time_machine.travel(NOW, tick=False)
def test_a_token_of_store_a_on_store_b_host_is_refused_without_revealing_anything(store_a: Any, m: Any,
                                                                                   world: World) -> None:
    _visit, _inv, token = _send(m)
    b = _Host(world, world.store_b)
    on_b, made_up = b.get(f"/s/{token}/"), b.get("/s/x" + token[1:] + "/")
    assert on_b.status_code == made_up.status_code == 404
    assert "链接无效" in on_b.content.decode() and "A店" not in on_b.content.decode()
    assert on_b.content.decode().count("王建国") == 0
    assert b.post(f"/s/{token}/", _form()).status_code == 404
    with tenant_context(world.store_b):
        assert not SurveyInvitation.objects.exists() and not ReturnVisit.objects.filter(status="completed").exists()
    assert _Host(world, store_a).get(f"/s/{token}/").status_code == 200  # still good on its own host


@time_machine.travel(NOW, tick=False)
def test_only_return_visit_staff_of_this_store_send_links(store_a: Any, m: Any, world: World) -> None:
    visit = return_visit(due=WED)
    cs = _Host(world, store_a, "a.customer_service")
    screen = cs.get(f"/aftersales/visits/{visit.pk}/").content.decode()
    assert "发送问卷链接" in screen and 'id="survey-waiting"' not in screen
    sent = cs.post(f"/aftersales/visits/{visit.pk}/survey-link/", {})
    assert sent.status_code == 302
    screen = cs.get(f"/aftersales/visits/{visit.pk}/").content.decode()
    assert 'id="survey-waiting"' in screen and "待客户填写" in screen and "重新发送问卷链接" in screen
    assert "data-awaiting-web" in cs.get(f"/aftersales/visits/?scope=day&day={WED.isoformat()}").content.decode()
    # The call stays open while the customer has the link (one work item per call).
    assert FollowUpTask.objects.get(return_visit=visit).status == "open"
    # A consultant (no return-visit permission), store B's staff, and nobody signed in: nothing sent.
    for who, store in (("a.sales_consultant", store_a), ("b.customer_service", world.store_b)):
        denied = _Host(world, store, who).post(f"/aftersales/visits/{visit.pk}/survey-link/", {})
        assert denied.status_code in (403, 404)
    anon = _Host(world, store_a).post(f"/aftersales/visits/{visit.pk}/survey-link/", {})
    assert anon.status_code == 302 and "/signin/" in anon["Location"]
    assert SurveyInvitation.objects.filter(visit=visit).count() == 1
    # Answered online: the call screen says so.
    token = _token(SurveyInvitation.objects.get(visit=visit).outbox)  # type: ignore[arg-type]
    _Host(world, store_a).post(f"/s/{token}/", _form())
    screen = cs.get(f"/aftersales/visits/{visit.pk}/").content.decode()
    assert 'id="survey-answered"' in screen and "客户网页填写" in screen
    with pytest.raises(Conflict):
        survey_link_send(member=m("a.customer_service"), visit=visit)


@time_machine.travel(NOW, tick=False)
def test_the_monthly_report_and_hq_metrics_count_the_web_answer(store_a: Any, m: Any, world: World) -> None:
    from crm.aftersales.metrics import compute

    web = _Host(world, store_a)
    happy, _i, t1 = _send(m)
    unhappy, _j, t2 = _send(m, return_visit(c=customer(), due=WED))
    return_visit(c=customer(), due=WED)  # due, not yet answered
    web.post(f"/s/{t1}/", _form())
    web.post(f"/s/{t2}/", _form(q_overall="no", remark_overall="态度不好"))
    r = monthly_report(month_period(WED))
    # Due in November: 3; made (attempts > 0) 2 → 66.7 %; successful 2; one found a complaint.
    assert (r.due, r.made, r.successful, r.complaints_found) == (3, 2, 2, 1)
    # 回访总体满意度 = "overall": yes, no → 1/2 = 50.0 %.
    assert (r.overall_answered, r.satisfied, r.satisfaction_pct) == (2, 1, 50.0)
    figures = compute(month_period(WED))
    assert (figures["revisits_made"], figures["revisits_successful"], figures["satisfaction_pct"]) == (2, 2, 50.0)
    assert {happy.pk, unhappy.pk} == set(ReturnVisit.objects.filter(answered_via="web").values_list("pk", flat=True))


# ------------------------------------------------------------------ the SMS: personal link or code


def _register(world: World, peer: AliyunPeer, *, link: str | None, code: str | None) -> None:
    """HQ's registry (/hq/sms/): the survey-link template and/or the code notification template."""
    sign = sms_signature_save(group=world.group_x, name=SIGN, status=ReviewStatus.APPROVED)
    if link is not None:
        peer.templates["SMS_500001"] = Template(["store", "link", "days"])
        sms_template_save(group=world.group_x, signature_id=sign.pk, code="SMS_500001", name="回访问卷链接",
                          kind="notification", status=link, rule_keys=["survey_link"],
                          content="${store}邀请您花一分钟评价本次服务：${link} ，${days}天内有效。")
    if code is not None:
        peer.templates["SMS_500002"] = Template(["store", "link", "code", "days"])
        sms_template_save(group=world.group_x, signature_id=sign.pk, code="SMS_500002", name="服务评价验证码",
                          kind="notification", status=code, rule_keys=["survey_code"],
                          content="${store}邀请您评价本次服务：请打开 ${link} 输入验证码 ${code}，${days}天内有效。")


@time_machine.travel(NOW, tick=False)
def test_the_link_goes_out_where_its_template_is_approved_else_the_code(store_a: Any, m: Any, world: World,
                                                                      aliyun: AliyunPeer) -> None:  # noqa: F811
    gid = world.group_x.pk
    with pytest.raises(DomainError, match="survey_link"):
        survey_delivery_for(gid)  # a live vendor and neither template: refused before anything is queued
    _register(world, aliyun, link=ReviewStatus.PENDING, code=ReviewStatus.APPROVED)
    assert survey_delivery_for(gid) == "code"  # the survey template is still under review (or refused)
    _register(world, aliyun, link=ReviewStatus.APPROVED, code=None)
    assert survey_delivery_for(gid) == "link"
    visit, inv, token = _send(m)
    assert outbox_dispatch(now=NOW) == 1
    [sent] = aliyun.sent
    assert (sent["phone"], sent["sign"], sent["template"]) == (visit.number, SIGN, "SMS_500001")
    assert sent["params"] == {"store": "A店", "link": f"http://{world.host(store_a)}/s/{token}/", "days": "7"}


@time_machine.travel(NOW, tick=False)
def test_the_code_variant_opens_the_survey_from_the_fixed_page_and_is_throttled(store_a: Any, m: Any,
                                                                              world: World, aliyun: AliyunPeer,  # noqa: F811
                                                                              settings: Any) -> None:
    from django.core.cache import cache

    settings.SURVEY_CODE_FAILURE_LIMIT = 3
    cache.delete("survey-code-failures:127.0.0.1")  # Redis outlives a test's transaction
    _register(world, aliyun, link=ReviewStatus.REJECTED, code=ReviewStatus.APPROVED)
    visit, inv, _t = _send(m)
    assert inv.delivery == "code" and inv.code_hash
    assert outbox_dispatch(now=NOW) == 1
    [sent] = aliyun.sent
    code = sent["params"]["code"]
    assert sent["template"] == "SMS_500002" and re.fullmatch(r"\d{6}", code)
    assert sent["params"]["link"] == f"http://{world.host(store_a)}/s/" and "/s/" + code not in str(sent)
    web = _Host(world, store_a)
    assert "请输入短信中的 6 位验证码" in web.get("/s/").content.decode()
    wrong = web.post("/s/", {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    ok = web.post("/s/", {"code": f" {code[:3]} {code[3:]} "})
    assert ok.status_code == 302 and ok["Location"].startswith("/s/")
    assert web.post(ok["Location"], _form()).status_code == 302
    visit.refresh_from_db()
    assert visit.status == "completed" and visit.answered_via == "web"
    assert web.post("/s/", {"code": code}).status_code == 400  # used: the code is gone
    # Three wrong codes from one address: even a right one waits 15 minutes.
    _v2, _inv2, _t2 = _send(m)
    outbox_dispatch(now=NOW)
    code2 = aliyun.sent[-1]["params"]["code"]
    web.post("/s/", {"code": "12"})
    locked = web.post("/s/", {"code": code2})
    assert locked.status_code == 429 and "尝试次数过多" in locked.content.decode()
    other_address = Client(HTTP_HOST=world.host(store_a), REMOTE_ADDR="10.0.0.9")
    try:
        assert other_address.post("/s/", {"code": code2}).status_code == 302
    finally:
        connection.set_tenant(store_a)  # type: ignore[attr-defined]


@time_machine.travel(NOW, tick=False)
def test_a_link_sent_by_someone_who_has_left_is_recorded_under_the_gm(store_a: Any, m: Any, world: World) -> None:
    visit, _inv, token = _send(m)
    type(m("a.customer_service")).objects.filter(pk=m("a.customer_service").pk).update(is_active=False)
    assert _Host(world, store_a).post(f"/s/{token}/", _form(q_clean="no", remark_clean="座椅脏")).status_code == 302
    gm = world.user("a.general_manager").pk
    visit.refresh_from_db()
    assert visit.called_by_id == gm and Complaint.objects.get(return_visit=visit).created_by_id == gm
