"""The consent ledger and the suppression list: the current consent is the ledger's latest word; each store's
list is its own."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from crm.consent import consent_allows, consent_history, consent_record, is_suppressed, suppress, unsuppress
from crm.models import ConsentEvent, Customer, Suppression
from tenants.errors import DomainError
from tenants.models import Store
from tests.crm.cadence.conftest import TODAY, at, customer
from tests.world import World


def test_the_latest_entry_of_the_ledger_decides(world: World, store_a: Store) -> None:
    staff = world.user("a.customer_service").pk
    c = customer(channels=["sms"])
    # Before any entry: what the record said (SMS named among the channels: care and marketing allowed).
    assert consent_allows(c, "sms", "marketing") and consent_allows(c, "sms", "notification")
    consent_record(customer=c, channel="sms", purpose="marketing", granted=False, source="customer",
                   recorded_by_id=staff, note="来电要求不再发促销", at=at(TODAY, 10))
    assert not consent_allows(c, "sms", "marketing")
    assert consent_allows(c, "sms", "notification")  # per purpose: care messages still allowed
    consent_record(customer=c, channel="sms", purpose="marketing", granted=True, source="form",
                   recorded_by_id=staff, at=at(TODAY, 11))
    assert consent_allows(c, "sms", "marketing")
    history = consent_history(c)
    assert [(e.granted, e.source, e.recorded_by_id) for e in history] == [(True, "form", staff),
                                                                          (False, "customer", staff)]


def test_an_email_or_call_consent_keeps_the_customer_flags_in_step(world: World, store_a: Store) -> None:
    c = customer(email="li@example.com")
    assert not consent_allows(c, "email", "notification")
    consent_record(customer=c, channel="email", purpose="notification", granted=True, source="form")
    assert Customer.objects.get(pk=c.pk).email_consent is True
    consent_record(customer=c, channel="call", purpose="return_visit", granted=False, source="staff")
    assert Customer.objects.get(pk=c.pk).may_call is False


def test_bad_input_is_refused_at_its_field(world: World, store_a: Store) -> None:
    c = customer()
    with pytest.raises(DomainError) as err:
        consent_record(customer=c, channel="fax", purpose="marketing", granted=True, source="form")
    assert err.value.field == "channel"
    with pytest.raises(DomainError) as err:
        suppress(phone="1380013800", reason="staff")
    assert err.value.field == "phone"
    assert not ConsentEvent.objects.exists() and not Suppression.objects.exists()


def test_a_suppression_withdraws_sms_consent_and_is_the_stores_own(world: World, store_a: Store) -> None:
    c = customer()
    row = suppress(phone=f"+86 {c.mobile[:3]}-{c.mobile[3:]}", reason="complaint", note="投诉中要求")
    assert row.phone == c.mobile and is_suppressed(c.mobile)
    assert suppress(phone=c.mobile, reason="staff").pk == row.pk  # once
    assert not consent_allows(c, "sms", "notification") and not consent_allows(c, "sms", "marketing")
    with tenant_context(world.store_b):
        assert not is_suppressed(c.mobile) and not Suppression.objects.exists() and not ConsentEvent.objects.exists()
    with tenant_context(world.store_c):
        assert not is_suppressed(c.mobile)
    assert unsuppress(phone=c.mobile, recorded_by_id=world.user("a.customer_service").pk)
    assert not is_suppressed(c.mobile)
    assert ConsentEvent.objects.filter(customer=c, granted=False).count() == 2  # the ledger keeps the withdrawal


def test_the_weekly_cap_holds_a_message_back_until_the_oldest_drops_out(world: World, store_a: Store) -> None:
    from crm.cadence.engine import cadence_run_store
    from crm.cadence.outbox import outbox_dispatch
    from crm.models import OutboxMessage
    from tests.crm.cadence.conftest import reception

    consultant = world.user("a.sales_consultant").pk
    c = customer(consultant_id=consultant)
    # Two messages already went out this week (Tuesday and Thursday of the week before TODAY, a Monday).
    for day in (TODAY - dt.timedelta(days=6), TODAY - dt.timedelta(days=4)):
        OutboxMessage.objects.create(customer=c, channel="sms", to=c.mobile, body="x", status="sent",
                                     sent_at=at(day, 10), rule_key="birthday_care")
    reception(c, consultant, at(TODAY, 10))
    cadence_run_store(today=TODAY)
    msg = OutboxMessage.objects.get(customer=c, status="pending")
    OutboxMessage.objects.filter(pk=msg.pk).update(next_attempt_at=at(TODAY, 9))
    assert outbox_dispatch(now=at(TODAY, 12), per_week=2) == 0
    msg.refresh_from_db()
    # Held until 7 days after the older one (TODAY-6 10:00 → TODAY+1 10:00) and a minute.
    assert msg.status == "pending" and msg.next_attempt_at == at(TODAY + dt.timedelta(days=1), 10) + dt.timedelta(
        minutes=1)
    released = at(TODAY + dt.timedelta(days=1), 10) + dt.timedelta(minutes=2)
    assert outbox_dispatch(now=released, per_week=2) == 1


def test_a_consent_changed_on_the_customer_file_is_an_entry_in_the_ledger(world: World, store_a: Store) -> None:
    from crm.services.customers import customer_update
    from tenants.models import StoreMembership

    member = StoreMembership.objects.get(user=world.user("a.customer_service"), store=world.store_a)
    c = customer(email="wang@example.com")
    customer_update(member=member, customer=c, email_consent=True, may_call=False)
    entries = {(e.channel, e.purpose, e.granted, e.source, e.recorded_by_id) for e in consent_history(c)}
    assert entries == {("email", "notification", True, "form", member.user_id),
                       ("call", "return_visit", False, "form", member.user_id)}
    customer_update(member=member, customer=c, notes="换了备注")  # nothing about consent: no entry
    assert len(consent_history(c)) == 2


def test_the_ledger_keeps_the_words_agreed_to(world: World, store_a: Store) -> None:
    """A grant records the wording the customer agreed to (the store's standard text when none is given,
    stored in Chinese whatever the page language); a reply opt-out records the customer's own words."""
    from django.utils import translation

    c = customer(email="wang@example.com")
    with translation.override("en"):
        consent_record(customer=c, channel="call", purpose="return_visit", granted=True, source="form")
    consent_record(customer=c, channel="email", purpose="notification", granted=True, source="form",
                   wording="同意每月一封保养提醒邮件")
    suppress(phone=c.mobile, reason="reply", note="退订")
    by = {(e.channel, e.purpose, e.granted): e.wording for e in consent_history(c)}
    assert by[("call", "return_visit", True)] == (
        "本人同意门店在我留下的时间、按我留下的号码电话回访，了解用车情况和服务满意度；可随时告知门店停止回访。")
    assert by[("email", "notification", True)] == "同意每月一封保养提醒邮件"
    assert by[("sms", "notification", False)] == by[("sms", "marketing", False)] == "退订"
