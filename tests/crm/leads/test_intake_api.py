"""线索推送接口: token-scoped to the store, idempotent on (source, source lead id), batch-limited, signed
optionally; dedupe outcomes and what the pusher is (not) told."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import time_machine
from django_tenants.utils import tenant_context

from crm import services
from crm.models import Customer, Lead, LeadIntake, LeadSourceHook
from crm.models.leads import IntakeOutcome

from .conftest import MONDAY_10, push


def _lead(n: int, **extra: Any) -> dict[str, Any]:
    return {"source": "autohome", "source_lead_id": f"AH{n:05d}", "mobile": f"+86 139 1000 {n:04d}",
            "name": f"客户{n}", "campaign": "双十二团购", "model_of_interest": "ID.4", **extra}


def test_a_pushed_lead_is_created_routed_and_due_in_thirty_working_minutes(world: Any, token: Any) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        r = push(world, world.store_a, token("a.sales_manager"), [_lead(1)])
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["accepted"] == 1 and body["results"][0]["outcome"] == "created"
        with tenant_context(world.store_a):
            lead = Lead.objects.select_related("customer").get(pk=body["results"][0]["lead_id"])
            assert (lead.source, lead.source_lead_id, lead.campaign) == ("autohome", "AH00001", "双十二团购")
            assert lead.customer.mobile == "13910000001"  # normalised
            assert lead.received_at == MONDAY_10
            # 10:00 + 30 working minutes (policy default) = 10:30; unclaimed reassignment at 10:00 + 60 = 11:00.
            assert lead.first_response_due_at == dt.datetime(2026, 12, 14, 10, 30, tzinfo=MONDAY_10.tzinfo)
            assert lead.reassign_due_at == dt.datetime(2026, 12, 14, 11, 0, tzinfo=MONDAY_10.tzinfo)
            assert lead.consultant_id in {world.user("a.sales_consultant").pk, world.user("ab.sales_consultant").pk}
            assert lead.customer.consultant_id == lead.consultant_id
            intake = LeadIntake.objects.get(lead=lead)
            assert (intake.outcome, intake.via) == (IntakeOutcome.CREATED, "api")


def test_a_lead_received_ten_minutes_before_closing_is_due_next_morning(world: Any, token: Any) -> None:
    evening = dt.datetime(2026, 12, 14, 17, 50, tzinfo=MONDAY_10.tzinfo)
    with time_machine.travel(evening, tick=False):
        r = push(world, world.store_a, token("a.sales_manager"), [_lead(2)])
        with tenant_context(world.store_a):
            lead = Lead.objects.get(pk=r.json()["results"][0]["lead_id"])
            # 10 minutes left on Monday (17:50–18:00), the other 20 from Tuesday's opening 08:30 → 08:50.
            assert lead.first_response_due_at == dt.datetime(2026, 12, 15, 8, 50, tzinfo=MONDAY_10.tzinfo)


def test_round_robin_alternates_between_the_consultants_on_duty(world: Any, token: Any) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        r = push(world, world.store_a, token("a.sales_manager"), [_lead(n) for n in range(10, 14)])
        with tenant_context(world.store_a):
            owners = [Lead.objects.get(pk=x["lead_id"]).consultant_id for x in r.json()["results"]]
    a, ab = world.user("a.sales_consultant").pk, world.user("ab.sales_consultant").pk
    assert sorted(o or 0 for o in owners) == sorted([a, a, ab, ab]) and owners[0] != owners[1] == owners[3]
    assert owners[0] == owners[2]


def test_an_off_duty_consultant_gets_no_leads(world: Any, token: Any, ab_at_a: Any) -> None:
    from crm.leads.services import duty_set

    with tenant_context(world.store_a):
        duty_set(member=ab_at_a, on_duty=False)
    with time_machine.travel(MONDAY_10, tick=False):
        r = push(world, world.store_a, token("a.sales_manager"), [_lead(n) for n in range(20, 23)])
        with tenant_context(world.store_a):
            owners = {Lead.objects.get(pk=x["lead_id"]).consultant_id for x in r.json()["results"]}
    assert owners == {world.user("a.sales_consultant").pk}


def test_the_same_source_lead_pushed_again_writes_nothing(world: Any, token: Any) -> None:
    key = token("a.sales_manager")
    with time_machine.travel(MONDAY_10, tick=False):
        first = push(world, world.store_a, key, [_lead(3)]).json()["results"][0]
        again = push(world, world.store_a, key, [_lead(3, name="改了名字")]).json()
    assert again["already_received"] == 1
    assert again["results"][0]["status"] == "already_received"
    assert again["results"][0]["lead_id"] == first["lead_id"]
    with tenant_context(world.store_a):
        assert (Lead.objects.count(), LeadIntake.objects.count(), Customer.objects.count()) == (1, 1, 1)


def test_the_same_phone_from_another_platform_within_a_week_is_a_duplicate(world: Any, token: Any) -> None:
    key = token("a.sales_manager")
    with time_machine.travel(MONDAY_10, tick=False):
        push(world, world.store_a, key, [_lead(4)])
    with time_machine.travel(MONDAY_10 + dt.timedelta(days=6), tick=False):
        r = push(world, world.store_a, key, [_lead(4, source="dongchedi", source_lead_id="DCD-9")]).json()
    assert r["results"][0]["outcome"] == "duplicate"
    with time_machine.travel(MONDAY_10 + dt.timedelta(days=14), tick=False):
        r = push(world, world.store_a, key, [_lead(4, source="yiche", source_lead_id="YC-1")]).json()
    assert r["results"][0]["outcome"] == "merged"  # the lead is still open, last heard of 8 days before
    with tenant_context(world.store_a):
        assert Lead.objects.count() == 1
        reasons = list(LeadIntake.objects.order_by("received_at").values_list("outcome", "reason"))
    assert [o for o, _ in reasons] == ["created", "duplicate", "merged"] and all(r for _, r in reasons)


def test_two_leads_with_one_phone_in_one_batch_make_one_lead(world: Any, token: Any) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        r = push(world, world.store_a, token("a.sales_manager"),
                 [_lead(5), _lead(5, source="yiche", source_lead_id="YC-5")]).json()
    assert [x["outcome"] for x in r["results"]] == ["created", "duplicate"]
    assert r["results"][0]["lead_id"] == r["results"][1]["lead_id"]


def test_an_existing_customer_keeps_their_consultant(world: Any, token: Any, ab_at_a: Any) -> None:
    with tenant_context(world.store_a):
        c = services.customer_create(member=ab_at_a, name="老客户", mobile="13910000006")
    with time_machine.travel(MONDAY_10, tick=False):
        r = push(world, world.store_a, token("a.sales_manager"), [_lead(6)]).json()
    with tenant_context(world.store_a):
        lead = Lead.objects.get(pk=r["results"][0]["lead_id"])
        assert (lead.customer_id, lead.consultant_id) == (c.pk, world.user("ab.sales_consultant").pk)


def test_a_consultants_token_learns_nothing_of_a_colleagues_customer(world: Any, token: Any, ab_at_a: Any) -> None:
    with tenant_context(world.store_a):
        services.customer_create(member=ab_at_a, name="同事的客户", mobile="13910000007")
    with time_machine.travel(MONDAY_10, tick=False):
        r = push(world, world.store_a, token("a.sales_consultant"), [_lead(7)])
    item = r.json()["results"][0]
    assert item == {"index": 0, "source_lead_id": "AH00007", "status": "accepted"}
    assert "同事的客户" not in r.content.decode()


# ------------------------------------------------------------------ bad pushes

def test_a_malformed_phone_is_rejected_at_its_field_and_the_rest_received(world: Any, token: Any) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        r = push(world, world.store_a, token("a.sales_manager"), [_lead(8, mobile="1380013800"), _lead(9)]).json()
    assert (r["accepted"], r["rejected"]) == (1, 1)
    assert r["results"][0]["status"] == "rejected" and "手机号格式不正确" in r["results"][0]["errors"]["mobile"]
    with tenant_context(world.store_a):
        assert not Customer.objects.filter(mobile="1380013800").exists() and Lead.objects.count() == 1


def test_an_unknown_source_is_rejected(world: Any, token: Any) -> None:
    r = push(world, world.store_a, token("a.sales_manager"), [_lead(10, source="baidu")]).json()
    assert r["results"][0]["status"] == "rejected" and "source" in r["results"][0]["errors"]


def test_an_oversized_batch_is_refused_whole(world: Any, token: Any) -> None:
    r = push(world, world.store_a, token("a.sales_manager"), [_lead(n) for n in range(501)])
    assert r.status_code == 400 and "500" in r.content.decode()
    with tenant_context(world.store_a):
        assert not Lead.objects.exists()


def test_an_unknown_token_is_refused(world: Any, db: Any) -> None:
    r = push(world, world.store_a, "czk_notatoken", [_lead(11)])
    assert r.status_code == 401


def test_store_as_token_is_refused_at_store_b_and_writes_nothing_there(world: Any, token: Any) -> None:
    r = push(world, world.store_b, token("a.sales_manager"), [_lead(12)])
    assert r.status_code == 401
    with tenant_context(world.store_b):
        assert not Lead.objects.exists() and not Customer.objects.exists()


def test_a_push_to_a_cannot_detect_bs_customer(world: Any, token: Any, member: Any) -> None:
    with tenant_context(world.store_b):
        services.customer_create(member=member("b.sales_consultant"), name="B店客户", mobile="13910000013")
    with time_machine.travel(MONDAY_10, tick=False):
        r = push(world, world.store_a, token("a.sales_manager"), [_lead(13)]).json()
    assert r["results"][0]["outcome"] == "created"  # B's customer is unknown at A
    with tenant_context(world.store_b):
        assert not Lead.objects.exists() and Customer.objects.count() == 1


def test_a_read_only_token_cannot_push(world: Any, db: Any) -> None:
    from tenants.services.accounts import api_token_issue

    _, key = api_token_issue(user=world.user("a.sales_manager"), store=world.store_a, read_only=True)
    assert push(world, world.store_a, key, [_lead(14)]).status_code == 403


def test_a_customer_service_token_has_no_lead_push(world: Any, token: Any) -> None:
    assert push(world, world.store_a, token("a.customer_service"), [_lead(15)]).status_code == 404


def test_a_signed_push_is_checked(world: Any, token: Any) -> None:
    with tenant_context(world.store_a):
        LeadSourceHook.objects.create(source="autohome", url="http://127.0.0.1:9/", secret="s3cret")
    key = token("a.sales_manager")
    body = json.dumps({"leads": [_lead(16)]}).encode()
    good = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    from tests.conftest import client_for

    client = client_for(None, world.host(world.store_a))
    bad = client.post("/api/leads/intake/", data=body, content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_X_CHEZHU_SOURCE="autohome",
                      HTTP_X_CHEZHU_SIGNATURE="sha256=00")
    assert bad.status_code == 401
    with tenant_context(world.store_a):
        assert not Lead.objects.exists()
    ok = client.post("/api/leads/intake/", data=body, content_type="application/json",
                     HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_X_CHEZHU_SOURCE="autohome", HTTP_X_CHEZHU_SIGNATURE=good)
    assert ok.status_code == 200 and ok.json()["accepted"] == 1


def test_the_push_is_in_the_openapi_schema(world: Any, make_client: Any) -> None:
    r = make_client("a.sales_manager", world.store_a).get("/api/schema/?format=json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/leads/intake/" in paths and "post" in paths["/api/leads/intake/"]


def test_a_per_source_rule_sends_that_sources_leads_to_its_consultants(world: Any, token: Any,
                                                                      ab_at_a: Any) -> None:
    from crm.models import LeadRoutingRule

    with tenant_context(world.store_a):
        LeadRoutingRule.objects.create(source="dongchedi", consultant_ids=[ab_at_a.user_id])
    with time_machine.travel(MONDAY_10, tick=False):
        r = push(world, world.store_a, token("a.sales_manager"),
                 [_lead(n, source="dongchedi", source_lead_id=f"D{n}") for n in range(30, 33)]).json()
        with tenant_context(world.store_a):
            owners = {Lead.objects.get(pk=x["lead_id"]).consultant_id for x in r["results"]}
    assert owners == {ab_at_a.user_id}


def test_a_consultant_outside_their_schedule_is_not_on_duty(world: Any, token: Any, ab_at_a: Any) -> None:
    from crm.models import ConsultantDuty

    with tenant_context(world.store_a):  # ab works Monday afternoons only
        ConsultantDuty.objects.update_or_create(consultant_id=ab_at_a.user_id,
                                                defaults={"schedule": {"mon": ["13:00", "18:00"]}})
    with time_machine.travel(MONDAY_10, tick=False):
        r = push(world, world.store_a, token("a.sales_manager"), [_lead(n) for n in range(40, 43)]).json()
        with tenant_context(world.store_a):
            morning = {Lead.objects.get(pk=x["lead_id"]).consultant_id for x in r["results"]}
    with time_machine.travel(MONDAY_10.replace(hour=14), tick=False):
        r = push(world, world.store_a, token("a.sales_manager"), [_lead(n) for n in range(43, 47)]).json()
        with tenant_context(world.store_a):
            afternoon = {Lead.objects.get(pk=x["lead_id"]).consultant_id for x in r["results"]}
    assert morning == {world.user("a.sales_consultant").pk}
    assert afternoon == {world.user("a.sales_consultant").pk, ab_at_a.user_id}


def test_a_colleagues_inbox_page_does_not_show_my_lead(world: Any, token: Any, make_client: Any) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        r = push(world, world.store_a, token("a.sales_manager"), [_lead(50, name="只属于我的客户")]).json()
        with tenant_context(world.store_a):
            owner = Lead.objects.get(pk=r["results"][0]["lead_id"]).consultant_id
        mine = "a.sales_consultant" if owner == world.user("a.sales_consultant").pk else "ab.sales_consultant"
        other = "ab.sales_consultant" if mine == "a.sales_consultant" else "a.sales_consultant"
        assert "只属于我的客户" in make_client(mine, world.store_a).get("/leads/inbox/").content.decode()
        assert "只属于我的客户" not in make_client(other, world.store_a).get("/leads/inbox/").content.decode()
        assert "只属于我的客户" in make_client("a.sales_manager", world.store_a).get("/leads/inbox/").content.decode()
