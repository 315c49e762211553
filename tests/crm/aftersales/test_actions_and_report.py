"""整改措施 (GM approval, never one's own) and the 回访月报 figures on known data, with its exports."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from crm.aftersales.actions import (
    corrective_action_approve,
    corrective_action_complete,
    corrective_action_create,
)
from crm.aftersales.complaints import complaint_transition
from crm.aftersales.report import month_period, monthly_report, parse_report_period, week_period
from crm.aftersales.visits import return_visit_record
from crm.models.aftersales import ComplaintDeadline, CorrectiveAction
from tenants.errors import Conflict, DomainError
from tests.conftest import client_for

from .conftest import all_yes, at, return_visit, submitted_complaint

TODAY = dt.date(2026, 11, 23)
# The report counts deadlines that fall due in the month: the clock stands on TODAY, 14:00 in the store.
NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _action(member: Any, **kw: Any) -> CorrectiveAction:
    kw.setdefault("kind", "corrective")
    kw.setdefault("source", "monthly_report")
    kw.setdefault("report_month", dt.date(2026, 11, 1))
    kw.setdefault("deadline", timezone.localdate() + dt.timedelta(days=10))
    return corrective_action_create(member=member, description="交车前增加洗车检查", **kw)


def test_the_gm_approves_others_measures_but_never_their_own(store_a: Any, m: Any) -> None:
    gm, sm = m("a.general_manager"), m("a.service_manager")
    own = _action(gm, owner_id=sm.user_id)
    with pytest.raises(DomainError, match="不能批准自己提出"):
        corrective_action_approve(member=gm, action=own)
    own.refresh_from_db()
    assert own.status == "proposed" and own.approved_by_id is None
    theirs = _action(sm, owner_id=sm.user_id)
    with pytest.raises(DomainError, match="总经理"):
        corrective_action_approve(member=sm, action=theirs)
    approved = corrective_action_approve(member=gm, action=theirs)
    assert approved.status == "approved" and approved.approved_by_id == gm.user_id
    with pytest.raises(Conflict):
        corrective_action_approve(member=gm, action=theirs)


def test_a_measure_needs_owner_deadline_and_a_source(store_a: Any, m: Any) -> None:
    sm = m("a.service_manager")
    with pytest.raises(DomainError, match="责任人"):
        _action(sm, owner_id=None)
    with pytest.raises(DomainError, match="关联一条投诉"):
        _action(sm, owner_id=sm.user_id, source="complaint")
    with pytest.raises(DomainError, match="完成期限不能早于今天"):
        _action(sm, owner_id=sm.user_id, deadline=timezone.localdate() - dt.timedelta(days=1))
    assert CorrectiveAction.objects.count() == 0


def test_the_owner_reports_result_and_evidence_after_approval(store_a: Any, m: Any) -> None:
    gm, sm, advisor = m("a.general_manager"), m("a.service_manager"), m("a.service_advisor")
    complaint = submitted_complaint(m("a.customer_service"))
    a = _action(sm, owner_id=advisor.user_id, source="complaint", complaint=complaint, kind="preventive")
    with pytest.raises(Conflict, match="尚未经总经理批准"):
        corrective_action_complete(member=advisor, action=a, result="已培训", evidence="签到表")
    corrective_action_approve(member=gm, action=a)
    with pytest.raises(DomainError, match="佐证"):
        corrective_action_complete(member=advisor, action=a, result="已培训", evidence="")
    with pytest.raises(DomainError, match="责任人"):
        corrective_action_complete(member=m("a.customer_service"), action=a, result="x", evidence="y")
    done = corrective_action_complete(member=advisor, action=a, result="全员培训交车解释", evidence="培训签到表 11-25")
    assert done.status == "done" and done.completed_by_id == advisor.user_id


@time_machine.travel(NOW, tick=False)
def test_overdue_measures_and_escalated_complaints_show_on_the_gm_page(store_a: Any, m: Any, world: Any) -> None:
    from crm.aftersales.complaints import complaint_sla_sweep

    sm = m("a.service_manager")
    a = _action(sm, owner_id=sm.user_id)
    CorrectiveAction.objects.filter(pk=a.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2),
                                                    status="approved")
    c = submitted_complaint(m("a.customer_service"), reported_at=at(dt.date(2026, 11, 20), 16))
    complaint_sla_sweep(now=at(dt.date(2026, 11, 23), 17))
    page = client_for(world.user("a.general_manager"), world.host(world.store_a)).get("/aftersales/gm/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "交车前增加洗车检查" in html and c.code in html
    assert client_for(world.user("a.service_manager"), world.host(world.store_a)).get(
        "/aftersales/gm/").status_code == 404


def _known_month(m: Any) -> None:
    """November 2026: 5 visits due, 4 called, 3 successful (2 after service, 1 after delivery).
    v1 service: all yes, score 5 · v2 service: all yes but clean "no", score 3 · v3 delivery: overall
    yes, clean no · v4 no answer · v5 not called · a December visit outside the month."""
    cs = m("a.customer_service")
    v1 = return_visit(due=dt.date(2026, 11, 3))
    return_visit_record(member=cs, visit=v1, outcome="completed", person_called="owner", answers=all_yes())
    v2 = return_visit(due=dt.date(2026, 11, 5))
    return_visit_record(member=cs, visit=v2, outcome="completed", person_called="served",
                        answers=all_yes(clean={"value": "no", "remark": "车内有油污"}, score={"value": 3,
                                                                                      "remark": "一般"}))
    v3 = return_visit(due=dt.date(2026, 11, 10), subject="delivery")
    return_visit_record(member=cs, visit=v3, outcome="completed", person_called="owner",
                        answers={"overall": {"value": "yes"}, "clean": {"value": "no", "remark": "交车时没洗车"}})
    v4 = return_visit(due=dt.date(2026, 11, 12))
    return_visit_record(member=cs, visit=v4, outcome="no_answer")
    return_visit(due=dt.date(2026, 11, 20))
    return_visit(due=dt.date(2026, 12, 1))  # next month: not counted


@time_machine.travel(NOW, tick=False)
def test_the_monthly_report_figures_on_known_data(store_a: Any, m: Any) -> None:
    _known_month(m)
    cs = m("a.customer_service")
    c1 = submitted_complaint(cs, reported_at=at(dt.date(2026, 11, 20), 16))
    complaint_transition(member=cs, complaint=c1, action="acknowledge", apologised=True,
                         reply_promised_at=timezone.now() + dt.timedelta(days=1))
    # Make the numbers exact: received Friday 16:00, first reply Monday 10:00 (66 h), on time for step 2.
    c1.refresh_from_db()
    type(c1).objects.filter(pk=c1.pk).update(received_at=at(dt.date(2026, 11, 20), 16),
                                             first_reply_at=at(dt.date(2026, 11, 23), 10))
    ComplaintDeadline.objects.filter(complaint=c1, step=1).update(met_at=at(dt.date(2026, 11, 20), 16, 30))
    ComplaintDeadline.objects.filter(complaint=c1, step=2).update(met_at=at(dt.date(2026, 11, 23), 10))
    gm, sm = m("a.general_manager"), m("a.service_manager")
    a = _action(sm, owner_id=sm.user_id)
    CorrectiveAction.objects.filter(pk=a.pk).update(deadline=dt.date(2026, 11, 28))
    r = monthly_report(month_period(TODAY))
    # Due in November: v1..v5 = 5; called (attempts > 0): v1..v4 = 4 → 4/5 = 80.0 %; successful
    # (completed): v1, v2, v3 = 3 → 3/5 = 60.0 %. Calls that raised a complaint: none.
    assert (r.due, r.made, r.successful, r.complaints_found) == (5, 4, 3, 0)
    assert (r.made_pct, r.successful_pct) == (80.0, 60.0)
    # 回访总体满意度 = the "overall" question: v1 yes, v2 yes, v3 yes → 3/3 = 100.0 %.
    assert (r.overall_answered, r.satisfied, r.satisfaction_pct) == (3, 3, 100.0)
    # 对上次维修的满意度 = the 1–5 "score" after service: v1 5 (≥ 4, satisfied), v2 3 (< 4, not) → 1/2 = 50.0 %.
    # (Under the old rule "at or above the remark mark 3" the 3 counted as satisfied: 100 %.)
    assert (r.repair_done, r.repair_satisfied, r.repair_satisfaction_pct) == (2, 1, 50.0)
    q = {row.key: row for row in r.questions}
    assert list(q) == ["overall", "on_time", "explained", "fixed", "clean", "reception", "recommend", "score"]
    # clean: v1 yes, v2 no, v3 no → 1/3 = 33.3 %; score: (5 + 3) / 2 = 4.0 average, 1/2 = 50.0 %.
    assert (q["clean"].answered, q["clean"].satisfied, q["clean"].pct) == (3, 1, 33.3)
    assert (q["score"].answered, q["score"].satisfied, q["score"].avg_rating, q["score"].pct) == (2, 1, 4.0, 50.0)
    assert (q["overall"].answered, q["overall"].pct) == (3, 100.0)
    # Asked in v1 and v2 only, all yes: 2/2 = 100.0 % each.
    for key in ("on_time", "explained", "fixed", "reception", "recommend"):
        assert (q[key].answered, q[key].satisfied, q[key].pct) == (2, 2, 100.0)
    # Most unsatisfied answers: clean 2, then score 1.
    assert [(i.key, i.unsatisfied) for i in r.issues] == [("clean", 2), ("score", 1)]
    # Complaint received Fri 20 Nov 16:00, not closed; first reply Mon 23 10:00: 8 h Fri + 24 h Sat +
    # 24 h Sun + 10 h Mon = 66 h.
    assert (r.complaints_opened, r.complaints_closed) == (1, 0)
    assert r.first_reply_avg_h == 66.0
    # Deadlines due in November and already due or met at Mon 23 14:00: step 1 (met 20th 16:30, due
    # Mon 11:15) and step 2 (met Mon 10:00, due Mon 16:00) → 2, both on time → 100.0 %; step 3 (Fri 27)
    # not yet due. No complaint overdue. No cause named yet.
    assert r.deadlines_due == 2 and r.deadlines_on_time == 2 and r.sla_pct == 100.0
    assert r.complaints_overdue == 0 and r.causes == []
    # One measure due 28 Nov, not done; none done in the month; none overdue on the 23rd.
    assert (r.actions_due, r.actions_done, r.actions_done_in_period, r.actions_overdue) == (1, 0, 0, 0)
    week = monthly_report(week_period(dt.date(2026, 11, 4)))
    assert (week.period.start, week.due, week.successful) == (dt.date(2026, 11, 2), 2, 2)
    _ = gm


def test_report_periods_are_parsed_with_clear_messages() -> None:
    assert parse_report_period("2026-02", None).end == dt.date(2026, 3, 1)
    assert parse_report_period(None, "2026-11-26").start == dt.date(2026, 11, 23)
    with pytest.raises(DomainError, match="2026-11"):
        parse_report_period("11/2026", None)
    # One parser: the report's month is HQ's month period; its week is a Monday-to-Sunday Period.
    from hq.metrics.periods import Period, parse_period

    assert parse_report_period("2026-11", None) == parse_period("2026-11") == Period("month", dt.date(2026, 11, 1))
    assert parse_report_period(None, "2026-11-26") == Period("week", dt.date(2026, 11, 23))
    assert parse_report_period(None, "2026-11-26").label == "11月23日—11月29日"
    with pytest.raises(DomainError, match="2026-11-18"):
        parse_report_period(None, "2026-02-30")
    with pytest.raises(DomainError, match="请写作 2026-11"):
        parse_report_period("2026-11-05", None)  # a day is not a month
    with time_machine.travel(dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        # 00:30 on 1 Dec in the store is still 30 Nov in UTC: the report's "this month" is December.
        assert parse_report_period(None, None) == Period("month", dt.date(2026, 12, 1))


@time_machine.travel(NOW, tick=False)
def test_the_report_page_xlsx_and_print(store_a: Any, m: Any, world: Any) -> None:
    _known_month(m)
    client = client_for(world.user("a.customer_service"), world.host(world.store_a))
    page = client.get("/aftersales/report/?month=2026-11")
    assert page.status_code == 200
    html = page.content.decode()
    assert "回访月报" in html and "report-charts" in html and "交车时车辆是否清洁" in html
    xlsx = client.get("/aftersales/report.xlsx?month=2026-11")
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    summary = {row[0]: row[1] for row in wb["回访月报"].iter_rows(min_row=4, values_only=True)}
    assert summary["本期应回访数量"] == 5 and summary["成功回访百分比(成功/应回访)"] == "60.0%"
    assert client.get("/aftersales/report/print/?week=2026-11-04").status_code == 200
    assert client.get("/aftersales/report/?month=2026-13").status_code == 400
    api = client.get("/api/aftersales/report/?month=2026-11").json()
    assert api["visits_due"] == 5 and api["visits_successful_pct"] == 60.0
    # Page, XLSX and API read the one report: 100.0 % overall, 50.0 % for the last repair.
    assert api["satisfaction_pct"] == 100.0 and api["repair_satisfaction_pct"] == 50.0
    assert summary["回访总体满意度"] == "100.0%" and summary["对上次维修的满意度"] == "50.0%"


@time_machine.travel(NOW, tick=False)
def test_the_report_page_and_xlsx_speak_english_with_the_language_cookie(store_a: Any, m: Any, world: Any) -> None:
    from django.conf import settings

    _known_month(m)
    client = client_for(world.user("a.customer_service"), world.host(world.store_a))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/aftersales/report/?month=2026-11").content.decode()
    assert "Return visits due this period" in html and "Overall return-visit satisfaction" in html
    for chinese in ("本期应回访数量", "回访总体满意度", "投诉时限达成率", "当前逾期未完成的整改措施", "实施回访"):
        assert chinese not in html, chinese
    wb = load_workbook(io.BytesIO(client.get("/aftersales/report.xlsx?month=2026-11").content))
    assert "Satisfaction by question" in wb.sheetnames and "Most raised issues" in wb.sheetnames
    summary = {row[0]: row[1] for row in wb.worksheets[0].iter_rows(min_row=4, values_only=True)}
    # The same figures as in Chinese (test_the_report_page_xlsx_and_print), under English labels.
    assert summary["Return visits due this period"] == 5 and summary["Successful visits (successful / due)"] == "60.0%"
    assert [c.value for c in wb["Satisfaction by question"][1]][:3] == ["Question code", "Question", "Answers"]


@time_machine.travel(NOW, tick=False)
def test_the_hq_provider_reports_the_same_figures(store_a: Any, m: Any) -> None:
    from crm.aftersales.metrics import compute
    from hq.metrics.catalogue import metric
    from hq.metrics.periods import Period

    _known_month(m)
    values = compute(Period("month", dt.date(2026, 11, 1)))
    assert values["revisits_due"] == 5 and values["revisits_successful_pct"] == 60.0
    # The same figures as the report page (worked in test_the_monthly_report_figures_on_known_data).
    assert values["satisfaction_q.clean"] == 33.3 and values["satisfaction_last_repair_pct"] == 50.0
    assert values["satisfaction_pct"] == 100.0 and values["satisfaction_q.score"] == 50.0
    assert values["revisits_made_pct"] == 80.0 and values["satisfaction_q.overall"] == 100.0
    assert metric("satisfaction_q.clean") is not None and metric("revisits_made_pct") is not None


@time_machine.travel(NOW, tick=False)
def test_a_visit_ended_by_a_refusal_before_its_day_is_not_due(store_a: Any, m: Any) -> None:
    from crm.cadence.services import customer_calls_refuse

    cs = m("a.customer_service")

    def refuse_on(visit: Any, day: dt.date) -> None:
        with time_machine.travel(at(day, 15), tick=False):
            customer_calls_refuse(member=cs, customer=visit.customer)

    # The clock stands on Mon 23 Nov 14:00. Five visits of November:
    r1 = return_visit(due=dt.date(2026, 11, 16))  # completed on its day: due, made, successful
    with time_machine.travel(at(dt.date(2026, 11, 16), 10), tick=False):
        return_visit_record(member=cs, visit=r1, outcome="completed", person_called="owner", answers=all_yes())
    r2 = return_visit(due=dt.date(2026, 11, 21))  # the customer refused on the 18th, before its day: not due
    refuse_on(r2, dt.date(2026, 11, 18))
    r3 = return_visit(due=dt.date(2026, 11, 19))  # "不再回访" said on the call on its day: due and made
    with time_machine.travel(at(dt.date(2026, 11, 19), 10), tick=False):
        return_visit_record(member=cs, visit=r3, outcome="do_not_call")
    r4 = return_visit(due=dt.date(2026, 11, 20))  # refused on the 23rd, after its day had come: due
    refuse_on(r4, dt.date(2026, 11, 23))
    r5 = return_visit(due=dt.date(2026, 11, 25))  # refused on the 20th; its day has not come anyway
    refuse_on(r5, dt.date(2026, 11, 20))
    for v in (r2, r3, r4, r5):
        v.refresh_from_db()
        assert v.status == "do_not_call" and v.ended_at is not None
    r = monthly_report(month_period(TODAY))
    # Due: r1, r3, r4 = 3 (r2 ended on the 18th before its day the 21st; r5's day the 25th is ahead).
    # Made (attempts > 0): r1, r3 = 2 → 2/3 = 66.7 %; successful: r1 = 1 → 1/3 = 33.3 %.
    assert (r.due, r.made, r.successful) == (3, 2, 1)
    assert (r.made_pct, r.successful_pct) == (66.7, 33.3)
    # The same figure reaches HQ (the store's snapshot provider reads this report).
    from crm.aftersales.metrics import compute

    assert compute(month_period(TODAY))["revisits_due"] == 3.0
