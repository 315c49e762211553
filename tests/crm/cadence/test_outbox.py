"""Messages go out through the outbox: once, retried with back-off, never in quiet hours."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.test.utils import override_settings

from crm.cadence.engine import cadence_run_store
from crm.cadence.outbox import MAX_ATTEMPTS, outbox_dispatch, quiet_until
from crm.cadence.selectors import customer_messages
from crm.models import FollowUpTask, OutboxMessage
from tenants.models import Store
from tests.world import World

from .conftest import TODAY, at, customer, reception

QUIET = {"start": "21:00", "end": "08:30"}


class FlakyProvider:
    calls = 0

    vendor = "log"

    def send(self, *, message: Any, key: str) -> str:
        FlakyProvider.calls += 1
        raise ConnectionError("短信网关超时")


def _sms(world: World) -> OutboxMessage:
    consultant = world.user("a.sales_consultant").pk
    c = customer(consultant_id=consultant)
    reception(c, consultant, at(TODAY, 10))
    cadence_run_store(today=TODAY)
    msg = OutboxMessage.objects.get(customer=c, channel="sms")
    # Queued for the reception day (not before now); the tests dispatch at fixed times of TODAY.
    OutboxMessage.objects.filter(pk=msg.pk).update(next_attempt_at=at(TODAY, 9))
    msg.refresh_from_db()
    return msg


def test_a_message_is_sent_once_by_the_log_provider(world: World, store_a: Store,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    msg = _sms(world)
    noon = at(TODAY, 12)
    with caplog.at_level(logging.INFO, logger="tenants.messaging"):
        assert outbox_dispatch(now=noon, quiet=QUIET) >= 1
    msg.refresh_from_db()
    assert msg.status == "sent" and msg.attempts == 1 and msg.provider_ref.startswith("log-")
    assert any("感谢您今天光临A店" in r.getMessage() for r in caplog.records)
    assert FollowUpTask.objects.get(pk=msg.task_id or 0).outcome == "sent"
    assert outbox_dispatch(now=noon, quiet=QUIET) == 0  # nothing twice
    cadence_run_store(today=TODAY)  # a rerun queues nothing new
    assert OutboxMessage.objects.filter(customer=msg.customer).count() == 1
    assert list(customer_messages(msg.customer_id)) == [msg]  # on the customer's timeline


def test_nothing_is_sent_in_quiet_hours(world: World, store_a: Store) -> None:
    msg = _sms(world)
    assert quiet_until(at(TODAY, 22), QUIET) == at(TODAY + dt.timedelta(days=1), 8).replace(minute=30)
    assert quiet_until(at(TODAY, 7), QUIET) == at(TODAY, 8).replace(minute=30)
    assert quiet_until(at(TODAY, 12), QUIET) is None
    assert outbox_dispatch(now=at(TODAY, 22), quiet=QUIET) == 0
    msg.refresh_from_db()
    assert msg.status == "pending"


@override_settings(CADENCE_MESSAGE_PROVIDER="tests.crm.cadence.test_outbox.FlakyProvider")
def test_a_failing_provider_is_retried_with_back_off_then_given_up(world: World, store_a: Store) -> None:
    msg = _sms(world)
    now = at(TODAY, 12)
    outbox_dispatch(now=now, quiet=QUIET)
    msg.refresh_from_db()
    assert msg.status == "pending" and msg.attempts == 1 and "网关超时" in msg.last_error
    assert msg.next_attempt_at == now + dt.timedelta(minutes=2)
    outbox_dispatch(now=now + dt.timedelta(minutes=1), quiet=QUIET)  # not due yet
    msg.refresh_from_db()
    assert msg.attempts == 1
    for _ in range(MAX_ATTEMPTS):
        outbox_dispatch(now=msg.next_attempt_at, quiet=None)
        msg.refresh_from_db()
    assert msg.status == "failed" and msg.attempts == MAX_ATTEMPTS


def test_dispatch_runs_as_a_celery_task_in_the_store_schema(world: World, store_a: Store, eager_celery: Any) -> None:
    msg = _sms(world)
    from crm.cadence.tasks import cadence_outbox_dispatch

    OutboxMessage.objects.filter(pk=msg.pk).update(next_attempt_at=at(TODAY, 9))
    cadence_outbox_dispatch.apply(headers={"_schema_name": world.store_a.schema_name})
    msg.refresh_from_db()
    assert msg.status in ("sent", "pending")  # pending only when the suite runs inside quiet hours
