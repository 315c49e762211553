"""回访: visits come with their calls from the cadence, answers are checked against the survey version used, the
outcomes (no answer → redial, wrong number, refused, do not call → consent) do what they say."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from crm.aftersales.policy import survey_current
from crm.aftersales.selectors import visit_queue
from crm.aftersales.visits import return_visit_record, visit_open_call
from crm.cadence.engine import cadence_run_store
from crm.models import Customer, FollowUpTask
from crm.models.aftersales import ReturnVisit, ReturnVisitCall, SurveyAnswer
from hq.services.policies import policy_draft_start, policy_draft_update, policy_version_publish
from tenants.errors import Conflict, DomainError

from .conftest import all_yes, customer, return_visit, service_visit, vehicle


def test_due_visits_come_from_the_cadence_only_for_customers_who_agreed(store_a: Any, m: Any) -> None:
    today = timezone.localdate()
    agreed, declined = customer(call_time="19:00", call_number="13912345678"), customer(may_call=False)
    v1 = vehicle(agreed, delivered_on=today - dt.timedelta(days=3))
    vehicle(declined, delivered_on=today - dt.timedelta(days=3))
    sv = service_visit(vehicle(customer()), today - dt.timedelta(days=3))
    cadence_run_store(today=today)
    before = ReturnVisit.objects.count()
    cadence_run_store(today=today)
    assert ReturnVisit.objects.count() == before  # idempotent
    rows = {(r.customer_id, r.rule_key): r for r in ReturnVisit.objects.all()}
    # One record per planned visit, made with its first call (the task) by the engine.
    assert all(r.task is not None and r.task.rule_key == r.rule_key and r.task.due_date == r.due_date
               for r in rows.values())
    assert (agreed.pk, "delivery_3dc") in rows and not any(c == declined.pk for c, _ in rows)
    d3 = rows[(agreed.pk, "delivery_3dc")]
    assert d3.subject == "delivery" and d3.vehicle_id == v1.pk and d3.number == "13912345678"
    assert d3.task is not None and d3.task.call_window == "19:00" and d3.policy_version_number == 1
    s3 = rows[(sv.customer_id, "service_3dc")]
    assert s3.service_visit_id == sv.pk and s3.subject == "service"
    assert {r.rule_key for r in rows.values()} <= {"delivery_first_visit", "delivery_3dc", "delivery_7dc",
                                                   "delivery_15d_care", "service_3dc"}
    assert d3 in list(visit_queue(day=today))


def test_a_completed_call_records_answers_with_the_survey_version_and_closes_the_task(store_a: Any, m: Any) -> None:
    today = timezone.localdate()
    sv = service_visit(vehicle(customer()), today - dt.timedelta(days=3))
    cadence_run_store(today=today)
    visit = ReturnVisit.objects.get(service_visit=sv)
    cs = m("a.customer_service")
    visit = return_visit_record(member=cs, visit=visit, outcome="completed", person_called="served",
                                person_name="王先生", answers=all_yes(score={"value": 4}))
    assert visit.status == "completed" and visit.satisfied is True and visit.attempts == 1
    assert visit.survey_version_number == survey_current().version_number
    assert SurveyAnswer.objects.filter(visit=visit).count() == 8
    assert visit.task_id is not None
    task = FollowUpTask.objects.get(pk=visit.task_id)
    assert task.status == "done" and task.outcome == "satisfied" and task.completed_by_id == cs.user_id
    with pytest.raises(Conflict):
        return_visit_record(member=cs, visit=visit, outcome="no_answer")


def test_a_no_needs_its_reason_and_nothing_is_half_written(store_a: Any, m: Any) -> None:
    visit = return_visit(c=customer())
    with pytest.raises(DomainError, match="原因") as exc:
        return_visit_record(member=m("a.customer_service"), visit=visit, outcome="completed", person_called="owner",
                            answers=all_yes(clean={"value": "no", "remark": "  "}))
    assert exc.value.field == "remark_clean"
    with pytest.raises(DomainError, match="低于 3 分"):
        return_visit_record(member=m("a.customer_service"), visit=visit, outcome="completed", person_called="owner",
                            answers=all_yes(score={"value": 2}))
    visit.refresh_from_db()
    assert visit.status == "due" and visit.attempts == 0
    assert not SurveyAnswer.objects.filter(visit=visit).exists() and not ReturnVisitCall.objects.filter(visit=visit)


def test_an_answer_to_a_question_not_in_the_version_used_is_refused(store_a: Any, m: Any, world: Any) -> None:
    visit = return_visit()
    with pytest.raises(DomainError, match="不在本次使用的回访问卷 v1") as exc:
        return_visit_record(member=m("a.customer_service"), visit=visit, outcome="completed", person_called="owner",
                            answers=all_yes(parking={"value": "yes"}))
    assert exc.value.field == "answers"
    visit.refresh_from_db()
    assert visit.status == "due" and not SurveyAnswer.objects.filter(visit=visit).exists()
    # HQ publishes v2 with the question: the next call uses v2 and records it.
    from django_tenants.utils import schema_context

    with schema_context("public"):
        draft = policy_draft_start(group=world.group_x, kind="survey")
        body = dict(draft.body)
        body["questions"] = [*body["questions"], {"key": "parking", "text": "停车是否方便？", "kind": "yes_no",
                                                  "remark_required_on_no": True}]
        policy_draft_update(version=draft, body=body)
        published = policy_version_publish(version=draft)
        from hq.services.policies import store_policy_adopt

        store_policy_adopt(store_id=world.store_a.pk, version_id=published.pk)
    visit = return_visit_record(member=m("a.customer_service"), visit=visit, outcome="completed",
                                person_called="owner", answers=all_yes(parking={"value": "yes"}))
    assert visit.survey_version_number == published.number


def test_the_person_called_must_be_named(store_a: Any, m: Any) -> None:
    with pytest.raises(DomainError, match="受访人"):
        return_visit_record(member=m("a.customer_service"), visit=return_visit(), outcome="completed",
                            answers=all_yes())


def test_no_answer_is_redialled_on_the_next_working_day_then_given_up(store_a: Any, m: Any) -> None:
    cs = m("a.customer_service")
    visit = return_visit()
    visit = return_visit_record(member=cs, visit=visit, outcome="no_answer")
    today = timezone.localdate()
    redial = visit_open_call(visit)
    assert visit.status == "retry" and redial is not None and redial.due_date > today
    assert redial.due_date.weekday() < 5
    visit = return_visit_record(member=cs, visit=visit, outcome="no_answer")
    visit = return_visit_record(member=cs, visit=visit, outcome="no_answer")
    assert visit.status == "unreachable" and visit.attempts == 3
    assert ReturnVisitCall.objects.filter(visit=visit, outcome="no_answer").count() == 3


def test_wrong_number_and_refusal_end_the_visit(store_a: Any, m: Any) -> None:
    cs = m("a.customer_service")
    assert return_visit_record(member=cs, visit=return_visit(), outcome="wrong_number").status == "wrong_number"
    refused = return_visit_record(member=cs, visit=return_visit(), outcome="refused")
    assert refused.status == "refused" and Customer.objects.get(pk=refused.customer_id).may_call is True


def test_do_not_call_withdraws_the_consent(store_a: Any, m: Any) -> None:
    today = timezone.localdate()
    c = customer()
    vehicle(c, delivered_on=today - dt.timedelta(days=3))
    cadence_run_store(today=today)
    return_visit(c, due=today)  # another open visit of theirs (after a repair)
    visits = list(ReturnVisit.objects.filter(customer=c).order_by("rule_key"))
    # 3 days after delivery: the 3DC is due today, 7DC and 15-day care planned ahead; plus the repair visit.
    assert [v.rule_key for v in visits] == ["delivery_15d_care", "delivery_3dc", "delivery_7dc", "service_3dc"]
    first = return_visit_record(member=m("a.customer_service"), visit=visits[0], outcome="do_not_call")
    assert first.status == "do_not_call"
    c.refresh_from_db()
    assert c.may_call is False
    assert set(ReturnVisit.objects.filter(customer=c).values_list("status", flat=True)) == {"do_not_call"}
    assert not FollowUpTask.objects.filter(customer=c, channel="call", status__in=["open", "overdue"]).exists()
    assert list(visit_queue(day=today).filter(customer=c)) == []
