"""重新定级: a lead's intent-grade follow-ups count from when its current grade was given, so a regrade
restarts them at the new grade's interval and closes what the old grade had planned."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from crm.cadence.engine import cadence_run_customer, cadence_run_store
from crm.models import FollowUpTask, Lead
from crm.services.funnel import lead_create, lead_grade
from tenants.models import Store, StoreMembership
from tests.world import World

from .conftest import TODAY, at, customer


def _member(world: World, key: str) -> StoreMembership:
    return StoreMembership.objects.get(user=world.user(key), store=world.store_a)


def _at(monkeypatch: pytest.MonkeyPatch, when: dt.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: when)


def _graded(c: Any) -> list[tuple[str, dt.date, dt.date, str]]:
    return list(FollowUpTask.objects.filter(customer=c, trigger="lead_graded").order_by("due_date")
                .values_list("rule_key", "event_date", "due_date", "status"))


def test_regrading_b_to_h_moves_the_next_follow_up_to_the_h_interval_from_the_regrade(
    world: World, store_a: Store, monkeypatch: pytest.MonkeyPatch,
) -> None:
    consultant = _member(world, "a.sales_consultant")
    c = customer(consultant_id=consultant.user_id)
    graded_b = TODAY - dt.timedelta(days=17)
    _at(monkeypatch, at(graded_b))
    lead = lead_create(member=consultant, customer=c, grade="B")
    assert lead.graded_at == at(graded_b)
    # Given the B cadence (every 14 days from the grading): its follow-up fell due 3 days ago, undone.
    cadence_run_store(today=TODAY - dt.timedelta(days=3))
    cadence_run_store(today=TODAY)
    assert _graded(c) == [("medium_intent_fortnightly", graded_b, TODAY - dt.timedelta(days=3), "overdue")]

    # When the consultant regrades the lead to H this morning (the after-commit run follows).
    _at(monkeypatch, at(TODAY, 11))
    lead = lead_grade(member=consultant, lead=lead, grade="H")
    assert lead.graded_at == at(TODAY, 11) and lead.is_key
    cadence_run_customer(customer_id=c.pk, today=TODAY)

    # Then the B follow-up is closed with the reason, and nothing new is due yet.
    old = FollowUpTask.objects.get(customer=c, rule_key="medium_intent_fortnightly")
    assert old.status == "skipped" and old.skip_reason.startswith("意向级别已调整为H级")
    assert old.completed_at is not None
    rerun = cadence_run_store(today=TODAY)
    assert rerun.created == 0 and len(_graded(c)) == 1
    assert FollowUpTask.objects.get(pk=old.pk).skip_reason == old.skip_reason

    # The H cadence counts 7 days from the regrade, not from the lead's creation (that would be TODAY+4).
    cadence_run_store(today=TODAY + dt.timedelta(days=4))
    assert len(_graded(c)) == 1
    week = cadence_run_store(today=TODAY + dt.timedelta(days=7))
    assert _graded(c)[1:] == [("high_intent_weekly", TODAY, TODAY + dt.timedelta(days=7), "open")]
    task = FollowUpTask.objects.get(customer=c, rule_key="high_intent_weekly")
    assert task.assignee_id == consultant.user_id and task.lead_id == lead.pk
    assert week.created >= 1
    # A second run the same day, or a rerun of the day before, adds nothing twice.
    assert cadence_run_store(today=TODAY + dt.timedelta(days=7)).created == 0
    cadence_run_customer(customer_id=c.pk, today=TODAY + dt.timedelta(days=7))
    assert len(_graded(c)) == 2
    assert FollowUpTask.objects.filter(customer=c, status="skipped").count() == 1


def test_the_same_grade_again_does_not_restart_the_cadence(
    world: World, store_a: Store, monkeypatch: pytest.MonkeyPatch,
) -> None:
    consultant = _member(world, "a.sales_consultant")
    c = customer(consultant_id=consultant.user_id)
    _at(monkeypatch, at(TODAY - dt.timedelta(days=7)))
    lead = lead_create(member=consultant, customer=c, grade="A")
    cadence_run_store(today=TODAY)
    assert [r[0] for r in _graded(c)] == ["high_intent_weekly"]
    _at(monkeypatch, at(TODAY, 15))
    lead_grade(member=consultant, lead=lead, grade="A")
    assert Lead.objects.get(pk=lead.pk).graded_at == at(TODAY - dt.timedelta(days=7))
    cadence_run_customer(customer_id=c.pk, today=TODAY)
    assert [r[3] for r in _graded(c)] == ["open"]


def test_leads_without_a_grading_time_count_from_their_creation(world: World, store_a: Store) -> None:
    consultant = world.user("a.sales_consultant").pk
    c = customer(consultant_id=consultant)
    Lead.objects.create(customer=c, consultant_id=consultant, grade="H", created_at=at(TODAY - dt.timedelta(days=7)))
    cadence_run_store(today=TODAY)
    assert [(r[0], r[1]) for r in _graded(c)] == [("high_intent_weekly", TODAY - dt.timedelta(days=7))]
