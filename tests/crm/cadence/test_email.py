"""电子邮件: customers who gave an address and agreed to mail get the cadence's e-mails (task, outbox,
sent once); everyone else gets none. The address is validated where it is entered."""

from __future__ import annotations

import copy
import datetime as dt
import logging
from typing import Any

import pytest
from django_tenants.utils import schema_context, tenant_context

from crm.cadence.engine import cadence_run_store
from crm.cadence.outbox import outbox_dispatch
from crm.models import Customer, FollowUpTask, OutboxMessage
from crm.services.customers import customer_update
from hq.models import PolicyKind
from hq.services.policies import (
    policy_draft_start,
    policy_draft_update,
    policy_version_publish,
    store_policy_adopt,
)
from tenants.errors import DomainError
from tenants.models import Store, StoreMembership
from tests.conftest import client_for
from tests.world import World

from .conftest import TODAY, at, customer, vehicle

EMAIL_RULE = {
    "key": "delivery_email", "name": "交车关怀邮件", "trigger": "delivery", "offset_days": 1,
    "assignee": "customer_service", "channel": "email", "outcomes": ["sent"],
    "message": "{customer_name}{title}您好，感谢您在{store_name}提车，您的爱车{plate}首保请留意。",
}


def _publish_email_rule(world: World) -> None:
    """HQ publishes a cadence version with an e-mail rule; store A adopts it."""
    with schema_context("public"):
        draft = policy_draft_start(group=world.group_x, kind=PolicyKind.CADENCE)
        body = copy.deepcopy(draft.body)
        body["rules"].append(dict(EMAIL_RULE))
        policy_draft_update(version=draft, body=body)
        published = policy_version_publish(version=draft)
        store_policy_adopt(store_id=world.store_a.pk, version_id=published.pk)


def _member(world: World, key: str) -> StoreMembership:
    return StoreMembership.objects.get(user=world.user(key), store=world.store_a)


def test_e_mails_go_only_to_customers_with_an_address_and_consent(world: World, store_a: Store,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    _publish_email_rule(world)
    member = _member(world, "a.customer_service")
    agreed = customer()
    customer_update(member=member, customer=agreed, email=" Li.Na@Example.COM ", email_consent=True)
    no_consent = customer(email="wang@example.com")
    no_address = customer(email="", email_consent=True)  # legacy row: consent without an address
    for c in (agreed, no_consent, no_address):
        vehicle(c, delivered_on=TODAY - dt.timedelta(days=1))

    first = cadence_run_store(today=TODAY)

    task = FollowUpTask.objects.get(rule_key="delivery_email")
    assert task.customer_id == agreed.pk and task.channel == "email" and task.policy_version_number == 2
    assert task.message.startswith(f"{agreed.name}先生您好，感谢您在A店提车")
    msg = OutboxMessage.objects.get(task=task)
    assert (msg.channel, msg.to, msg.status) == ("email", "Li.Na@example.com", "pending")
    assert not FollowUpTask.objects.filter(customer__in=[no_consent, no_address], channel="email").exists()
    assert first.created >= 1
    # Sent once at a daytime hour (address masked in the log); a rerun neither regenerates nor resends.
    OutboxMessage.objects.filter(pk=msg.pk).update(next_attempt_at=at(TODAY, 9))
    with caplog.at_level(logging.INFO, logger="tenants.messaging"):
        assert outbox_dispatch(now=at(TODAY, 10)) >= 1
    assert any("L***@example.com" in r.getMessage() for r in caplog.records)
    assert not any("Li.Na@" in r.getMessage() for r in caplog.records)
    msg.refresh_from_db()
    task.refresh_from_db()
    assert msg.status == "sent" and msg.attempts == 1 and task.status == "done" and task.outcome == "sent"
    assert cadence_run_store(today=TODAY).created == 0
    assert outbox_dispatch(now=at(TODAY, 11)) == 0
    assert OutboxMessage.objects.filter(channel="email").count() == 1


def test_withdrawing_consent_stops_e_mails_not_yet_sent(world: World, store_a: Store) -> None:
    _publish_email_rule(world)
    member = _member(world, "a.customer_service")
    before, after = customer(email="zhao@example.com", email_consent=True), customer(email="qian@example.com",
                                                                                       email_consent=True)
    for c in (before, after):
        vehicle(c, delivered_on=TODAY - dt.timedelta(days=1))
    # Withdrawn before the run: nothing is generated.
    customer_update(member=member, customer=before, email_consent=False)
    cadence_run_store(today=TODAY)
    assert not OutboxMessage.objects.filter(customer=before).exists()
    # Withdrawn after the message was queued: it is cancelled, never sent, and the task says why.
    msg = OutboxMessage.objects.get(customer=after, channel="email")
    OutboxMessage.objects.filter(pk=msg.pk).update(next_attempt_at=at(TODAY, 9))
    customer_update(member=member, customer=after, email_consent=False)
    outbox_dispatch(now=at(TODAY, 10))
    msg.refresh_from_db()
    task = FollowUpTask.objects.get(pk=msg.task_id or 0)
    assert msg.status == "cancelled" and msg.attempts == 0 and msg.sent_at is None
    assert (task.status, task.skip_reason) == ("skipped", "客户未同意接收邮件")


def test_the_address_is_checked_and_consent_needs_an_address(world: World, store_a: Store) -> None:
    member = _member(world, "a.customer_service")
    c = customer()
    with pytest.raises(DomainError, match="电子邮箱格式不正确") as exc:
        customer_update(member=member, customer=c, email="li.na@", email_consent=True)
    assert exc.value.field == "email"
    with pytest.raises(DomainError, match="请先填写电子邮箱"):
        customer_update(member=member, customer=c, email="", email_consent=True)
    customer_update(member=member, customer=c, email="li@example.cn", email_consent=True)
    assert Customer.objects.filter(pk=c.pk, email="li@example.cn", email_consent=True).exists()
    customer_update(member=member, customer=c, email="")
    c.refresh_from_db()
    assert (c.email, c.email_consent) == ("", False)


def test_the_customer_form_edits_the_address_for_staff_who_may_open_the_customer(world: World, db: Any) -> None:
    with tenant_context(world.store_a):
        mine = customer(consultant_id=world.user("a.sales_consultant").pk)
        other = customer(consultant_id=None)
    host = world.host(world.store_a)
    consultant = client_for(world.user("a.sales_consultant"), host)
    page = consultant.get(f"/customers/{mine.pk}/edit/").content.decode()
    assert 'name="email"' in page and 'name="email_consent"' in page

    def form(c: Any, **extra: str) -> dict[str, str]:
        return {"name": c.name, "mobile": c.mobile, "source": c.source, **extra}

    r = consultant.post(f"/customers/{mine.pk}/edit/", form(mine, email="chen@example.com", email_consent="on"))
    assert r.status_code == 302
    bad = consultant.post(f"/customers/{mine.pk}/edit/", form(mine, email="not-an-address"))
    assert "电子邮箱格式不正确" in bad.content.decode()
    assert consultant.post(f"/customers/{other.pk}/edit/", form(other, email="x@example.com")).status_code == 404
    outsider = client_for(world.user("b.sales_consultant"), host)
    assert outsider.post(f"/customers/{mine.pk}/edit/", form(mine, email="x@example.com")).status_code == 404
    with tenant_context(world.store_a):
        mine.refresh_from_db()
        other.refresh_from_db()
        assert (mine.email, mine.email_consent) == ("chen@example.com", True) and other.email == ""
