"""The cadence engine: the right tasks on the right day for the right person, once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm.cadence.engine import cadence_run_customer, cadence_run_store
from crm.models import CadenceRun, FollowUpTask, OutboxMessage
from hq.models import PolicyKind
from hq.services.policies import store_policy_override_set
from tenants.models import Store
from tests.world import World

from .conftest import TODAY, at, customer, reading, reception, vehicle, visit


def keys(c: Any, day: dt.date | None = None) -> set[str]:
    qs = FollowUpTask.objects.filter(customer=c)
    if day:
        qs = qs.filter(due_date=day)
    return set(qs.values_list("rule_key", flat=True))


def test_every_visitor_gets_an_evening_call_and_a_departure_sms_from_their_consultant(
    world: World, store_a: Store,
) -> None:
    consultant = world.user("a.sales_consultant").pk
    c = customer(consultant_id=consultant)
    reception(c, consultant, at(TODAY, 15), grade="C")
    result = cadence_run_store(today=TODAY)
    assert {"evening_call", "departure_sms"} <= keys(c, TODAY)
    call = FollowUpTask.objects.get(customer=c, rule_key="evening_call")
    assert call.assignee_id == consultant and call.status == "open"
    assert call.due_at is not None and call.due_at.astimezone(dt.UTC).hour == 11  # 19:00 Asia/Shanghai
    assert call.policy_version_number == 1 and call.policy_version_id
    sms = FollowUpTask.objects.get(customer=c, rule_key="departure_sms")
    assert sms.message.startswith(f"{c.name}先生您好，感谢您今天光临A店")
    assert OutboxMessage.objects.filter(task=sms).count() == 1
    assert result.created >= 2
    again = cadence_run_store(today=TODAY)
    assert again.created == 0 and FollowUpTask.objects.filter(customer=c).count() == len(keys(c))
    assert CadenceRun.objects.get(run_on=TODAY).finished_at is not None


def test_consent_is_respected(world: World, store_a: Store) -> None:
    consultant = world.user("a.sales_consultant").pk
    refused = customer(consultant_id=consultant, may_call=False)
    phone_only = customer(consultant_id=consultant, channels=["phone"])
    for c in (refused, phone_only):
        reception(c, consultant, at(TODAY, 11))
    cadence_run_store(today=TODAY)
    assert "evening_call" not in keys(refused) and "departure_sms" in keys(refused)
    assert "evening_call" in keys(phone_only) and "departure_sms" not in keys(phone_only)


def test_calls_are_planned_in_the_time_window_the_customer_chose(world: World, store_a: Store) -> None:
    v = vehicle(customer(call_time="14:30-17:00"), delivered_on=TODAY - dt.timedelta(days=3))
    cadence_run_store(today=TODAY)
    task = FollowUpTask.objects.get(customer=v.owner, rule_key="delivery_3dc")
    assert task.call_window == "14:30-17:00"
    assert task.due_at is not None and (task.due_at.astimezone(dt.UTC).hour, task.due_at.minute) == (6, 30)


def test_high_intent_weekly_until_the_lead_closes_and_medium_fortnightly(world: World, store_a: Store) -> None:
    consultant = world.user("a.sales_consultant").pk
    high, medium, low = customer(consultant_id=consultant), customer(consultant_id=consultant), customer()
    start = TODAY - dt.timedelta(days=14)
    reception(high, consultant, at(start), grade="A")
    reception(medium, consultant, at(start), grade="B")
    reception(low, consultant, at(start), grade="C")
    cadence_run_store(today=TODAY)
    assert "high_intent_weekly" in keys(high, TODAY)
    assert "medium_intent_fortnightly" in keys(medium, TODAY)
    assert not ({"high_intent_weekly", "medium_intent_fortnightly"} & keys(low))
    high.leads.update(status="deal")
    cadence_run_store(today=TODAY + dt.timedelta(days=7))
    assert "high_intent_weekly" not in keys(high, TODAY + dt.timedelta(days=7))


def test_after_delivery_3dc_7dc_15_day_and_consultant_care(world: World, store_a: Store) -> None:
    consultant = world.user("a.sales_consultant").pk
    delivered = {d: vehicle(customer(consultant_id=consultant), delivered_on=TODAY - dt.timedelta(days=d))
                 for d in (1, 3, 7, 15, 30, 60, 90)}
    cadence_run_store(today=TODAY)
    expect = {1: "delivery_first_visit", 3: "delivery_3dc", 7: "delivery_7dc", 15: "delivery_15d_care",
              30: "consultant_care", 60: "consultant_care", 90: "consultant_care"}
    for days, key in expect.items():
        assert key in keys(delivered[days].owner, TODAY), key
    care = FollowUpTask.objects.get(customer=delivered[90].owner, rule_key="consultant_care")
    assert care.assignee_id == consultant and care.sequence == 2
    cs = FollowUpTask.objects.get(customer=delivered[3].owner, rule_key="delivery_3dc")
    assert cs.assignee_id == world.user("a.customer_service").pk  # the store's 客服 (round robin)


def test_first_maintenance_is_predicted_from_mileage_and_repeats_until_the_car_comes_in(
    world: World, store_a: Store,
) -> None:
    v = vehicle(customer(), delivered_on=TODAY - dt.timedelta(days=60), daily_km=100)
    reading(v, TODAY, 3600)  # 5,000 km reached in 14 days — long before 180 days
    cadence_run_store(today=TODAY)
    task = FollowUpTask.objects.get(customer=v.owner, rule_key="first_maintenance_reminder")
    assert task.event_date == TODAY + dt.timedelta(days=14) and task.due_date == TODAY
    assert "5000公里" in task.message and v.plate in task.message
    later = TODAY + dt.timedelta(days=7)
    cadence_run_store(today=later)
    assert FollowUpTask.objects.filter(customer=v.owner, rule_key="first_maintenance_reminder").count() == 2
    visit(v, later + dt.timedelta(days=1), kind="first", km=4500)
    cadence_run_store(today=later + dt.timedelta(days=7))
    series = FollowUpTask.objects.filter(customer=v.owner, rule_key="first_maintenance_reminder")
    assert series.count() == 2 and set(series.values_list("outcome", flat=True)) == {"came_in"}


def test_periodic_maintenance_by_time_when_mileage_is_low(world: World, store_a: Store) -> None:
    v = vehicle(customer(), delivered_on=TODAY - dt.timedelta(days=700), daily_km=5)
    visit(v, TODAY - dt.timedelta(days=166), kind="periodic", km=20000)  # due in 14 days by time
    reading(v, TODAY - dt.timedelta(days=166), 20000)
    cadence_run_store(today=TODAY)
    assert "maintenance_reminder" in keys(v.owner, TODAY)


def test_service_3dc_only_for_customers_who_agreed_at_the_visit(world: World, store_a: Store) -> None:
    yes = visit(vehicle(customer()), TODAY - dt.timedelta(days=3), kind="repair")
    no = visit(vehicle(customer()), TODAY - dt.timedelta(days=3), kind="repair", may_call=False)
    cadence_run_store(today=TODAY)
    assert "service_3dc" in keys(yes.customer) and "service_3dc" not in keys(no.customer)


def test_insurance_birthday_and_at_risk(world: World, store_a: Store) -> None:
    v = vehicle(customer(), insurance_until=TODAY + dt.timedelta(days=30))
    born = customer(birthday=dt.date(1985, TODAY.month, TODAY.day))
    lapsed = customer(last_visit_on=TODAY - dt.timedelta(days=182) + dt.timedelta(days=1))
    lapsed.last_visit_on = dt.date(2026, 5, 23)
    lapsed.save()
    cadence_run_store(today=TODAY)
    assert "insurance_reminder" in keys(v.owner, TODAY)
    assert "birthday_greeting" in keys(born, TODAY)
    assert "at_risk_recovery" in keys(lapsed, TODAY)


def test_a_missed_day_is_caught_up_without_duplicates(world: World, store_a: Store) -> None:
    cadence_run_store(today=TODAY - dt.timedelta(days=3))
    v = vehicle(customer(), delivered_on=TODAY - dt.timedelta(days=5))  # 3DC was due two days ago
    result = cadence_run_store(today=TODAY)
    assert result.window_start == TODAY - dt.timedelta(days=2)
    task = FollowUpTask.objects.get(customer=v.owner, rule_key="delivery_3dc")
    assert task.due_date == TODAY - dt.timedelta(days=2) and task.status == "overdue"
    assert cadence_run_store(today=TODAY).created == 0


def test_an_event_makes_todays_tasks_at_once(world: World, store_a: Store) -> None:
    consultant = world.user("a.sales_consultant").pk
    c = customer(consultant_id=consultant)
    other = customer(consultant_id=consultant)
    reception(c, consultant, at(TODAY, 9))
    reception(other, consultant, at(TODAY, 9))
    assert cadence_run_customer(customer_id=c.pk, today=TODAY) >= 2
    assert "evening_call" in keys(c) and keys(other) == set()


def test_a_store_override_changes_the_schedule(world: World, store_a: Store) -> None:
    store_policy_override_set(store=world.store_a, kind=PolicyKind.CADENCE,
                              overrides={"rules.high_intent_weekly.offset_days": 5,
                                         "rules.birthday_greeting.enabled": False})
    consultant = world.user("a.sales_consultant").pk
    c = customer(consultant_id=consultant, birthday=dt.date(1990, TODAY.month, TODAY.day))
    reception(c, consultant, at(TODAY - dt.timedelta(days=5)), grade="H")
    cadence_run_store(today=TODAY)
    assert "high_intent_weekly" in keys(c, TODAY) and "birthday_greeting" not in keys(c)


def test_overdue_tasks_are_marked(world: World, store_a: Store) -> None:
    v = vehicle(customer(), delivered_on=TODAY - dt.timedelta(days=3))
    cadence_run_store(today=TODAY)
    cadence_run_store(today=TODAY + dt.timedelta(days=1))
    assert FollowUpTask.objects.get(customer=v.owner, rule_key="delivery_3dc").status == "overdue"
