"""预约试驾 and 预约保养/维修 (issue 12): booked for a future time, reminded through the outbox, checked in
or marked no-show; a kept appointment is the car coming in, so the cadence's reminders close."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tenants.utils import tenant_context

from crm.cadence.engine import cadence_run_customer, cadence_run_store
from crm.models import Appointment, FollowUpTask, OutboxMessage, ServiceVisit, Vehicle
from crm.models import TestDrive as Drive  # not `Test*`: pytest would try to collect it
from hq.services.policies import group_policy_bootstrap, store_policy_adopt_current
from tests.conftest import client_for

from .fixtures import a_customer

SH = ZoneInfo("Asia/Shanghai")
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


def _client(world: Any, key: str) -> Any:
    return client_for(world.user(key), world.host(world.store_a))


# ------------------------------------------------------------------ test drives


def test_a_test_drive_booked_for_saturday_is_kept_and_only_then_counts(world: Any, db: Any, clock: Any) -> None:
    group_policy_bootstrap(group=world.group_x)
    store_policy_adopt_current(store=world.store_a)
    customer = a_customer(world)
    client = _client(world, "a.sales_consultant")
    body = client.post(f"/customers/{customer.pk}/test-drives/", {
        "model": "途观L", "driven_at": "2026-11-28T15:00", "book": "on"}, follow=True).content.decode()
    assert "试驾已预约" in body and "已预约" in body and "2026年11月28日 15:00" in body
    with tenant_context(world.store_a):
        drive = Drive.objects.get(customer=customer)
        assert (drive.status, drive.driven_at) == ("booked", dt.datetime(2026, 11, 28, 15, 0, tzinfo=SH))
        cadence_run_store(today=dt.date(2026, 11, 29))
        # Booked, not driven: no 试驾后回访 yet.
        assert not FollowUpTask.objects.filter(customer=customer, trigger="test_drive").exists()

    clock.move_to(dt.datetime(2026, 11, 28, 15, 40, tzinfo=SH))
    client = _client(world, "a.sales_consultant")  # signed in again on Saturday
    refused = client.post(f"/test-drives/{drive.pk}/keep/", {}, follow=True).content.decode()
    assert "试驾前必须核验客户驾驶证" in refused
    done = client.post(f"/test-drives/{drive.pk}/keep/", {"licence_checked": "on", "feedback": "加速满意"},
                       follow=True).content.decode()
    assert "试驾已完成" in done
    with tenant_context(world.store_a):
        drive.refresh_from_db()
        assert (drive.status, drive.licence_checked, drive.feedback) == ("done", True, "加速满意")
        cadence_run_store(today=dt.date(2026, 11, 29))  # 试驾后回访: the day after the kept drive
        call = FollowUpTask.objects.get(customer=customer, trigger="test_drive")
        assert call.due_date == dt.date(2026, 11, 29)


def test_booking_a_test_drive_in_the_past_or_without_time_is_refused(world: Any, db: Any, clock: Any) -> None:
    customer = a_customer(world)
    client = _client(world, "a.sales_consultant")
    past = client.post(f"/customers/{customer.pk}/test-drives/", {
        "model": "途观L", "driven_at": "2026-11-22T15:00", "book": "on", "feedback": "周末带家人来"})
    assert past.status_code == 400
    body = past.content.decode()
    assert "预约试驾的时间应晚于现在" in body and 'value="周末带家人来"' in body and 'value="2026-11-22T15:00"' in body
    with tenant_context(world.store_a):
        assert not Drive.objects.filter(customer=customer).exists()


def test_a_booked_test_drive_can_be_a_no_show(world: Any, db: Any, clock: Any) -> None:
    customer = a_customer(world)
    client = _client(world, "a.sales_consultant")
    client.post(f"/customers/{customer.pk}/test-drives/", {"model": "途观L", "driven_at": "2026-11-23T16:00",
                                                            "book": "on"})
    with tenant_context(world.store_a):
        drive = Drive.objects.get(customer=customer)
    assert "已记为未到店" in client.post(f"/test-drives/{drive.pk}/no-show/", follow=True).content.decode()
    with tenant_context(world.store_a):
        assert Drive.objects.get(pk=drive.pk).status == "no_show"


# ------------------------------------------------------------------ service appointments


def _book(world: Any, customer: Any, **over: str) -> Any:
    with tenant_context(world.store_a):
        vehicle = Vehicle.objects.get(owner=customer)
    data = {"vehicle": str(vehicle.pk), "kind": "maintenance", "day": "2026-11-25", "time": "09:30",
            "advisor_id": str(world.user("a.service_advisor").pk), "note": "首保"} | over
    return _client(world, "a.customer_service").post(f"/customers/{customer.pk}/appointments/", data)


def test_an_appointment_is_booked_with_an_advisor_and_a_reminder_the_day_before(world: Any, db: Any,
                                                                                 clock: Any) -> None:
    customer = a_customer(world)
    response = _book(world, customer)
    assert response.status_code == 302
    with tenant_context(world.store_a):
        appt = Appointment.objects.get(customer=customer)
        assert appt.starts_at == dt.datetime(2026, 11, 25, 9, 30, tzinfo=SH)
        assert appt.advisor_id == world.user("a.service_advisor").pk
        reminder = OutboxMessage.objects.get(appointment=appt)
        # 提前一天: Wednesday 09:30 − 24 h = Tuesday 09:30.
        assert reminder.next_attempt_at == dt.datetime(2026, 11, 24, 9, 30, tzinfo=SH)
        assert reminder.channel == "sms" and "11月25日 09:30" in reminder.body and "保养" in reminder.body
    board = _client(world, "a.service_advisor").get("/appointments/?day=2026-11-25").content.decode()
    assert "09:30" in board and "王小明" in board and "A服务顾问" in board


@pytest.mark.parametrize(("over", "field", "message"), [
    ({"advisor_id": "SALES"}, "advisor_id", "所选服务顾问不是本店在职服务人员"),
    ({"advisor_id": "OTHER_STORE"}, "advisor_id", "所选服务顾问不是本店在职服务人员"),
    ({"day": "2026-11-22"}, "time", "预约时间应晚于现在"),
    ({"day": "下周三"}, "day", "预约日期格式不正确"),
    ({"time": ""}, "time", "请选择预约时间"),
])
def test_a_bad_appointment_keeps_what_was_typed_and_shows_the_error_at_its_field(
    world: Any, db: Any, clock: Any, over: dict[str, str], field: str, message: str,
) -> None:
    customer = a_customer(world)
    if over.get("advisor_id") == "SALES":
        over = {"advisor_id": str(world.user("a.sales_consultant").pk)}
    if over.get("advisor_id") == "OTHER_STORE":
        over = {"advisor_id": str(world.user("b.service_advisor").pk)}
    response = _book(world, customer, **over)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and f'data-field="{field}"' in body
    assert 'value="首保"' in body  # the note typed is still there
    with tenant_context(world.store_a):
        assert not Appointment.objects.exists() and not OutboxMessage.objects.filter(task=None).exists()


def test_a_kept_appointment_is_the_car_coming_in_for_the_cadence(world: Any, db: Any, clock: Any) -> None:
    group_policy_bootstrap(group=world.group_x)
    store_policy_adopt_current(store=world.store_a)
    customer = a_customer(world)
    with tenant_context(world.store_a):
        # Delivered 166 days ago: 首保 falls due in 14 days (180 days), so its reminder (−14 days) is today.
        Vehicle.objects.filter(owner=customer).update(delivered_on=dt.date(2026, 11, 23) - dt.timedelta(days=166))
        cadence_run_store(today=dt.date(2026, 11, 23))
        reminder = FollowUpTask.objects.get(customer=customer, trigger="first_maintenance_due")
        assert reminder.status == "open"
    assert _book(world, customer).status_code == 302
    with tenant_context(world.store_a):
        appt = Appointment.objects.get(customer=customer)

    clock.move_to(dt.datetime(2026, 11, 25, 9, 20, tzinfo=SH))
    body = _client(world, "a.service_advisor").post(f"/appointments/{appt.pk}/arrive/", follow=True).content.decode()
    assert "已到店" in body
    with tenant_context(world.store_a):
        appt.refresh_from_db()
        visit = ServiceVisit.objects.get(appointment=appt)
        assert (appt.status, visit.kind, visit.visited_on, visit.advisor_id) == (
            "arrived", "first", dt.date(2026, 11, 25), world.user("a.service_advisor").pk)
        assert OutboxMessage.objects.get(appointment=appt).status == "cancelled"  # reminder not sent after
        cadence_run_customer(customer_id=customer.pk)  # what the after-commit run does
        reminder.refresh_from_db()
        assert (reminder.status, reminder.outcome) == ("done", "came_in")


def test_no_show_only_after_the_time_has_passed(world: Any, db: Any, clock: Any) -> None:
    customer = a_customer(world)
    _book(world, customer)
    with tenant_context(world.store_a):
        appt = Appointment.objects.get(customer=customer)
    advisor = _client(world, "a.service_advisor")
    early = advisor.post(f"/appointments/{appt.pk}/no-show/", follow=True).content.decode()
    assert "预约时间过后半小时才能标记未到店" in early
    clock.move_to(dt.datetime(2026, 11, 25, 10, 5, tzinfo=SH))  # 09:30 + 30 min has passed
    advisor = _client(world, "a.service_advisor")
    assert "已记为未到店" in advisor.post(f"/appointments/{appt.pk}/no-show/", follow=True).content.decode()
    with tenant_context(world.store_a):
        appt.refresh_from_db()
        assert appt.status == "no_show" and OutboxMessage.objects.get(appointment=appt).status == "cancelled"


def test_a_consultant_sees_only_their_customers_on_the_appointment_board(world: Any, db: Any, clock: Any) -> None:
    customer = a_customer(world)
    _book(world, customer)
    mine = _client(world, "a.sales_consultant").get("/appointments/?day=2026-11-25").content.decode()
    colleague = _client(world, "ab.sales_consultant").get("/appointments/?day=2026-11-25").content.decode()
    assert "王小明" in mine and "王小明" not in colleague and f"/customers/{customer.pk}/" not in colleague


def test_the_api_books_a_test_drive_and_refuses_a_past_booking(world: Any, db: Any, clock: Any) -> None:
    customer = a_customer(world)
    client = _client(world, "a.sales_consultant")
    ok = client.post("/api/test-drives/", {"customer": customer.pk, "model": "途观L", "book": True,
                                           "driven_at": "2026-11-28T15:00:00+08:00"}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["status"] == "booked"
    past = client.post("/api/test-drives/", {"customer": customer.pk, "model": "途观L", "book": True,
                                             "driven_at": "2026-11-22T15:00:00+08:00"}, content_type="application/json")
    assert past.status_code == 400 and past.json()["field"] == "driven_at"
    assert "预约试驾的时间应晚于现在" in past.json()["detail"]
