"""战败审核 and 公海: a defeat goes to the sales manager, who approves or sends it back; unattended and
approved-defeated customers go to the shared pool; consultants claim within the day's limit (store time).

Figures are worked by hand from the rule: the default pool policy (starter cadence) returns a lead after
7 days without follow-up and allows 5 claims per consultant per store day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tenants.utils import tenant_context

from crm import services
from crm.models import Customer, FollowUp, Lead, PoolClaim
from crm.models.aftersales import Notification
from crm.services.defeat import lead_defeat_approve, lead_defeat_return
from crm.services.pool import pool_claim, pool_return_idle
from hq.errors import PolicyInvalid
from hq.policy.rules import pool_clean
from tenants.errors import DomainError
from tests.conftest import client_for

SH = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def _client(world: Any, key: str, store: Any = None) -> Any:
    return client_for(world.user(key), world.host(store or world.store_a))


def _lead(member: Any, mobile: str, name: str) -> Lead:
    lead = services.reception_create(member=member, mobile=mobile, name=name, grade="B",
                                     models_of_interest="朗逸").lead
    assert lead is not None
    return lead


def test_a_defeat_is_sent_back_then_approved(world: Any, member: Any, clock: Any) -> None:
    consultant, manager = member("a.sales_consultant"), member("a.sales_manager")
    with tenant_context(world.store_a):
        lead = _lead(consultant, "13955600001", "郑先生")
        services.followup_create(member=consultant, customer=lead.customer, lead=lead, channel="sms", content="发了报价")
    me = _client(world, "a.sales_consultant")
    # No reason: refused at the field, nothing submitted.
    bad = me.post(f"/leads/{lead.pk}/defeat/?next=/customers/{lead.customer_id}/",
                  {"competitor_brand": "丰田"})
    assert bad.status_code == 400 and "请选择战败原因" in bad.content.decode()
    assert 'value="丰田"' in bad.content.decode()  # what was typed stays
    bad = me.post(f"/leads/{lead.pk}/defeat/?next=/customers/{lead.customer_id}/", {"reason": "competitor"})
    assert bad.status_code == 400 and "购买竞品时请填写竞品品牌" in bad.content.decode()
    with tenant_context(world.store_a):
        assert Lead.objects.get(pk=lead.pk).status == "open" and not lead.defeat_reviews.exists()

    ok = me.post(f"/leads/{lead.pk}/defeat/", {"reason": "competitor", "competitor_brand": "丰田",
                                                "competitor_model": "卡罗拉", "note": "买了别家"})
    assert ok.status_code == 302
    with tenant_context(world.store_a):
        assert Lead.objects.get(pk=lead.pk).status == "defeat_pending"
        assert Notification.objects.filter(recipient_id=manager.user_id, kind="defeat", title__contains="郑先生").count() == 1

    # The queue shows the reason, the competitor and the one follow-up — an SMS, no conversation.
    boss = _client(world, "a.sales_manager")
    page = boss.get("/leads/defeats/").content.decode()
    assert "郑先生" in page and "购买竞品" in page and "丰田 卡罗拉" in page and "发了报价" in page
    assert "跟进 1 次（其中电话/到店 0 次）" in page and "没有电话或到店沟通记录" in page
    with tenant_context(world.store_a):
        review = lead.defeat_reviews.get()
    # Sending back needs a comment; the lead still waits.
    empty = boss.post(f"/leads/defeats/{review.pk}/return/", {"comment": ""})
    assert empty.status_code == 400 and "退回时请填写审核意见" in empty.content.decode()
    back = boss.post(f"/leads/defeats/{review.pk}/return/", {"comment": "先电话确认是否已提车"})
    assert back.status_code == 302
    with tenant_context(world.store_a):
        again = Lead.objects.get(pk=lead.pk)
        assert again.status == "open" and again.next_followup_on == dt.date(2026, 11, 23)  # due today
        assert again.defeat_reason == "" and "先电话确认是否已提车" in again.next_step
        notice = Notification.objects.get(recipient_id=consultant.user_id, kind="defeat_back")
        assert "郑先生" in notice.title and "先电话确认是否已提车" in notice.body
        # The consultant calls, then submits again; this time the manager approves.
        services.followup_create(member=consultant, customer=again.customer, lead=again, channel="phone",
                                 content="客户确认已在丰田提车")
        services.lead_defeat(member=consultant, lead=again, reason="competitor", competitor_brand="丰田")
        second = again.defeat_reviews.get(decision="pending")
    approved = boss.post(f"/leads/defeats/{second.pk}/approve/", {})
    assert (approved.status_code, approved["Location"]) == (302, "/leads/defeats/")
    with tenant_context(world.store_a):
        closed = Lead.objects.get(pk=lead.pk)
        assert (closed.status, closed.competitor_brand, closed.is_key) == ("defeated", "丰田", False)
        assert closed.closed_at is not None
        customer = Customer.objects.get(pk=lead.customer_id)
        # A prospect with no lead left in progress: 战败客户, recycled to the pool (starter: recycle_defeated).
        assert (customer.lifecycle, customer.consultant_id, customer.pool_reason) == ("defeated", None, "defeated")
        assert list(lead.defeat_reviews.order_by("pk").values_list("decision", flat=True)) == ["returned", "approved"]
    assert "没有待审核的战败线索" in boss.get("/leads/defeats/").content.decode()


def test_nobody_approves_their_own_defeat_and_consultants_do_not_approve(world: Any, member: Any,
                                                                        clock: Any) -> None:
    manager, gm, consultant = member("a.sales_manager"), member("a.general_manager"), member("a.sales_consultant")
    with tenant_context(world.store_a):
        own = _lead(manager, "13955600002", "冯女士")  # the sales manager's own customer
        services.lead_defeat(member=manager, lead=own, reason="price")
        with pytest.raises(DomainError, match="不能审核自己的战败申请"):
            lead_defeat_approve(member=manager, lead=own)
        with pytest.raises(DomainError, match="只有销售经理或总经理"):
            lead_defeat_return(member=consultant, lead=own, comment="x")
        assert lead_defeat_approve(member=gm, lead=own).status == "defeated"  # another manager decides
        review = _lead(consultant, "13955600003", "陈先生")
        services.lead_defeat(member=consultant, lead=review, reason="gave_up")
        pk = review.defeat_reviews.get().pk
    # The page and the decision are the manager's: a consultant gets 404, so does another store.
    assert _client(world, "a.sales_consultant").get("/leads/defeats/").status_code == 404
    assert _client(world, "a.sales_consultant").post(f"/leads/defeats/{pk}/approve/").status_code == 404
    assert _client(world, "b.sales_manager", world.store_b).post(f"/leads/defeats/{pk}/approve/").status_code == 404
    queue = _client(world, "a.sales_manager").get("/leads/defeats/").content.decode().split("最近审核")
    assert "陈先生" in queue[0] and "冯女士" not in queue[0] and "冯女士" in queue[1]  # decided: below the queue


def test_the_monday_review_defeat_waits_for_approval(world: Any, member: Any, clock: Any) -> None:
    from crm.models import KeyReviewItem
    from crm.services.key_review import key_review_decide, key_review_open_week

    consultant = member("a.sales_consultant")
    with tenant_context(world.store_a):
        lead = services.reception_create(member=consultant, mobile="13955600004", name="卫先生", grade="H").lead
        key_review_open_week(store_id=world.store_a.pk)
        item = KeyReviewItem.objects.get(lead=lead)
        key_review_decide(member=consultant, item=item, outcome="defeated", competitor_brand="本田")
        lead.refresh_from_db()
        assert (item.outcome, lead.status, lead.is_key) == ("defeated", "defeat_pending", True)
        lead_defeat_return(member=member("a.sales_manager"), lead=lead, comment="周末再约试驾")
        lead.refresh_from_db()
        assert lead.status == "open" and lead.is_key  # back on next Monday's list


def test_unattended_leads_return_to_the_pool_after_seven_store_days(world: Any, member: Any, clock: Any) -> None:
    from crm.tasks import pool_return_nightly

    consultant = member("a.sales_consultant")
    with tenant_context(world.store_a):
        quiet = _lead(consultant, "13955600005", "褚先生")  # received Mon 11-23 10:00
        busy = _lead(consultant, "13955600006", "蒋女士")
        clock.move_to(dt.datetime(2026, 11, 24, 23, 30, tzinfo=SH))  # Tue 23:30 store time (15:30 UTC)
        services.followup_create(member=consultant, customer=quiet.customer, lead=quiet, channel="phone",
                                 content="约周末")
        # Mon 11-30 02:00: quiet was last followed up on 11-24 → 6 days; busy since 11-23 → 7 days: returns.
        clock.move_to(dt.datetime(2026, 11, 30, 2, 0, tzinfo=SH))
        assert pool_return_nightly() == 1
        assert Customer.objects.get(pk=busy.customer_id).consultant_id is None
        assert Lead.objects.get(pk=busy.pk).consultant_id is None
        assert Customer.objects.get(pk=quiet.customer_id).consultant_id == consultant.user_id
        # Tue 12-01 02:00: 11-24 + 7 = 12-01 → quiet returns too; running twice changes nothing more.
        clock.move_to(dt.datetime(2026, 12, 1, 2, 0, tzinfo=SH))
        assert pool_return_nightly() == 1
        assert pool_return_idle() == 0
        assert Customer.objects.get(pk=quiet.customer_id).pool_reason == "idle"


def test_claims_stop_at_the_daily_limit_counted_in_store_time(world: Any, member: Any, clock: Any) -> None:
    consultant, other = member("a.sales_consultant"), member("a.sales_manager")
    with tenant_context(world.store_a):
        leads = [_lead(other, f"139556001{i:02d}", f"池客{i}") for i in range(7)]
        Customer.objects.filter(pk__in=[x.customer_id for x in leads]).update(
            consultant_id=None, pooled_at=MONDAY, pool_reason="idle")
        Lead.objects.filter(pk__in=[x.pk for x in leads]).update(consultant_id=None)
    me = _client(world, "a.sales_consultant")
    page = me.get("/leads/pool/").content.decode()
    assert "池客0" in page and "139****0100" in page and "13955600100" not in page  # masked until claimed
    # Tue 23:30 store time: five claims are the limit; the sixth is refused with the limit message.
    clock.move_to(dt.datetime(2026, 11, 24, 23, 30, tzinfo=SH))
    me = _client(world, "a.sales_consultant")  # signed in now (a session does not outlive its idle limit)
    for lead in leads[:5]:
        done = me.post(f"/leads/pool/{lead.customer_id}/claim/")
        assert (done.status_code, done["Location"]) == (302, "/leads/pool/")
    over = me.post(f"/leads/pool/{leads[5].customer_id}/claim/", follow=True).content.decode()
    assert "已达每日领取上限（5 位）" in over
    with tenant_context(world.store_a):
        assert PoolClaim.objects.filter(user_id=consultant.user_id).count() == 5
        mine = Customer.objects.get(pk=leads[0].customer_id)
        assert (mine.consultant_id, mine.pooled_at) == (consultant.user_id, None)
        assert Lead.objects.get(pk=leads[0].pk).consultant_id == consultant.user_id  # the open lead followed
        assert mine.assignments.get().reason == "公海领取"
    # Wed 00:10 store time is a new day (still 11-24 in UTC): claiming works again.
    clock.move_to(dt.datetime(2026, 11, 25, 0, 10, tzinfo=SH))
    me = _client(world, "a.sales_consultant")
    assert me.post(f"/leads/pool/{leads[5].customer_id}/claim/").status_code == 302
    with tenant_context(world.store_a):
        assert Customer.objects.get(pk=leads[5].customer_id).consultant_id == consultant.user_id
        assert PoolClaim.objects.get(customer_id=leads[5].customer_id).claimed_on == dt.date(2026, 11, 25)
    # A claimed customer is no longer in the pool (404 like any id that is not); another store's pool
    # answers 404 for A's ids; customer service does not claim.
    assert me.post(f"/leads/pool/{leads[0].customer_id}/claim/").status_code == 404
    b = _client(world, "b.sales_consultant", world.store_b)
    assert b.post(f"/leads/pool/{leads[6].customer_id}/claim/").status_code == 404
    assert _client(world, "a.customer_service").get("/leads/pool/").status_code == 404
    with tenant_context(world.store_a):
        with pytest.raises(DomainError, match="只有销售顾问"):
            pool_claim(member=member("a.general_manager"), customer_id=leads[6].customer_id)


def test_pool_policy_is_checked_in_its_own_function() -> None:
    assert pool_clean(None) == {"return_after_days": 7, "daily_claim_limit": 5, "recycle_defeated": True}
    assert pool_clean({"daily_claim_limit": 3}) == {"return_after_days": 7, "daily_claim_limit": 3,
                                                    "recycle_defeated": True}
    with pytest.raises(PolicyInvalid, match="超出允许范围 1 到 365"):
        pool_clean({"return_after_days": 0})
    with pytest.raises(PolicyInvalid, match="未知的设置「limit」"):
        pool_clean({"limit": 3})
    with pytest.raises(PolicyInvalid, match="true 或 false"):
        pool_clean({"recycle_defeated": "yes"})


def test_a_walk_in_from_the_pool_belongs_to_the_receiver(world: Any, member: Any, clock: Any) -> None:
    consultant, manager = member("a.sales_consultant"), member("a.sales_manager")
    with tenant_context(world.store_a):
        lead = _lead(manager, "13955600200", "沈先生")
        Customer.objects.filter(pk=lead.customer_id).update(consultant_id=None, pooled_at=MONDAY, pool_reason="idle")
        Lead.objects.filter(pk=lead.pk).update(consultant_id=None)
        again = services.reception_create(member=consultant, mobile="13955600200")
        assert not again.clash and again.lead_id == lead.pk
        c = Customer.objects.get(pk=lead.customer_id)
        assert (c.consultant_id, c.pooled_at) == (consultant.user_id, None)
        assert Lead.objects.get(pk=lead.pk).consultant_id == consultant.user_id
        assert not FollowUp.objects.filter(customer=c).exists()


def test_hq_sets_the_pool_rules_in_the_policy_form(world: Any, db: Any) -> None:
    from tests.hq.test_policy_form import NOW, _form_post, _setup

    with time_machine.travel(NOW, tick=False):
        client, draft = _setup(world)
        url = f"/hq/policies/versions/{draft.pk}/edit/"
        page = client.get(url).content.decode()
        assert 'id="pool-policy"' in page and 'name="pool-daily_claim_limit"' in page
        bad = client.post(url, _form_post(page, {"pool-return_after_days": "0", "action": "save"}))
        assert bad.status_code == 400 and 'name="pool-return_after_days" value="0"' in bad.content.decode()
        ok = client.post(url, _form_post(page, {"pool-daily_claim_limit": "3", "action": "save"},
                                         drop=("pool-recycle_defeated",)))
        assert ok.status_code == 302
    draft.refresh_from_db()
    assert draft.body["pool"] == {"return_after_days": 7, "daily_claim_limit": 3, "recycle_defeated": False}


def test_a_manager_merges_two_customers_with_an_audit_record(world: Any, member: Any, clock: Any) -> None:
    from crm.models import CustomerMerge, Vehicle
    from tests.crm.conftest import vin

    consultant, manager = member("a.sales_consultant"), member("a.sales_manager")
    with tenant_context(world.store_a):
        keep = _lead(consultant, "13955600300", "韩梅梅").customer
        dup_lead = _lead(consultant, "13955600301", "韩女士")
        dup = dup_lead.customer
        services.followup_create(member=consultant, customer=dup, lead=dup_lead, channel="phone", content="问保养价格")
        car = services.vehicle_create(customer=dup, vin=vin(), plate="浙A99999")
        Customer.objects.filter(pk=dup.pk).update(wechat="hmm_wx", may_call=False)
    boss = _client(world, "a.sales_manager")
    # With itself: refused at the field, nothing changed.
    same = boss.get(f"/customers/{keep.pk}/merge/?other={keep.pk}")
    assert same.status_code == 400 and "不能把客户与自己合并" in same.content.decode()
    page = boss.get(f"/customers/{keep.pk}/merge/?other={dup.pk}").content.decode()
    assert "韩女士" in page and 'name="keep_wechat"' in page and "车辆 × 1" in page and "跟进记录 × 1" in page
    done = boss.post(f"/customers/{keep.pk}/merge/", {"other": dup.pk, "keep_wechat": "other", "keep_may_call": "other",
                                                       "keep_name": "survivor"})
    assert (done.status_code, done["Location"]) == (302, f"/customers/{keep.pk}/")
    with tenant_context(world.store_a):
        merged = Customer.objects.get(pk=keep.pk)
        assert (merged.name, merged.mobile, merged.wechat, merged.may_call) == ("韩梅梅", "13955600300", "hmm_wx", False)
        assert not Customer.objects.filter(pk=dup.pk).exists()
        assert Vehicle.objects.get(pk=car.pk).owner_id == keep.pk
        assert Lead.objects.filter(customer=merged).count() == 2 and FollowUp.objects.filter(customer=merged).count() == 1
        record = CustomerMerge.objects.get(survivor=merged)
        assert (record.merged_id, record.by_user_id, record.merged_snapshot["name"]) == (dup.pk, manager.user_id, "韩女士")
        assert record.field_choices["wechat"] == "other" and record.field_choices["mobile"] == "survivor"
        assert record.moved["vehicle.owner"] == 1
    # A consultant cannot merge; another store's id is a 404 (not yours = does not exist).
    assert _client(world, "a.sales_consultant").get(f"/customers/{keep.pk}/merge/").status_code == 404
    assert boss.get(f"/customers/{keep.pk}/merge/?other=999999").status_code == 404
    assert _client(world, "b.sales_manager", world.store_b).get(f"/customers/{keep.pk}/merge/").status_code == 404


def test_hq_compares_defeat_decisions_across_its_own_stores(world: Any, member: Any) -> None:
    from hq.metrics.catalogue import metric
    from hq.metrics.periods import Period
    from hq.metrics.selectors import compare, resolve_metrics
    from hq.metrics.services import snapshot_refresh_store

    nov = Period("month", dt.date(2026, 11, 1))
    with time_machine.travel(MONDAY, tick=False):
        consultant, manager = member("a.sales_consultant"), member("a.sales_manager")
        with tenant_context(world.store_a):
            # Three defeats submitted: one after a phone call, two after only an SMS or nothing.
            leads = [_lead(consultant, f"139556004{i:02d}", f"败客{i}") for i in range(3)]
            services.followup_create(member=consultant, customer=leads[0].customer, lead=leads[0], channel="phone",
                                     content="客户已买别家")
            services.followup_create(member=consultant, customer=leads[1].customer, lead=leads[1], channel="sms",
                                     content="报价短信")
            for lead in leads:
                services.lead_defeat(member=consultant, lead=lead, reason="price")
            # Approved: 0 (called) and 1 (SMS only); sent back: 2.
            lead_defeat_approve(member=manager, lead=leads[0])
            lead_defeat_approve(member=manager, lead=leads[1])
            lead_defeat_return(member=manager, lead=leads[2], comment="还没联系过")
            from tests.crm.conftest import vin

            services.lead_close_deal(member=consultant, lead=_lead(consultant, "13955600499", "成客"), vin=vin())
    snapshot_refresh_store(store=world.store_a, period=nov)
    snapshot_refresh_store(store=world.store_c, period=nov)
    cmp = compare(world.group_x, period=nov, metrics=resolve_metrics(
        ["defeats_submitted", "defeats_returned", "defeat_return_pct", "defeat_no_contact_pct", "leads_defeated"]))
    a = next(r for r in cmp.rows if r.store_id == world.store_a.pk)
    # 3 submitted; 1 of 3 decisions sent back = 33.33 %; of 2 approved, 1 had no call or visit = 50 %.
    assert (a.values["defeats_submitted"], a.values["defeats_returned"], a.values["leads_defeated"]) == (3, 1, 2)
    assert (a.values["defeat_return_pct"], a.values["defeat_no_contact_pct"]) == (33.33, 50.0)
    # By the lead's own source (reception records 到店): 2 defeated of 3 closed = 66.67 %.
    by_source = compare(world.group_x, period=nov, metrics=resolve_metrics(
        ["defeat_source.walk_in", "defeat_rate_source.walk_in"]))
    a_src = next(r for r in by_source.rows if r.store_id == world.store_a.pk)
    assert (a_src.values["defeat_source.walk_in"], a_src.values["defeat_rate_source.walk_in"]) == (2, 66.67)
    assert str(metric("defeat_rate_source.walk_in").label) == "战败率（来源：到店）"  # type: ignore[union-attr]
    assert world.store_c.pk not in {r.store_id for r in cmp.rows}  # group Y's store never in X's comparison
    y = compare(world.group_y, period=nov, metrics=resolve_metrics(["defeats_submitted"]))
    assert {r.store_id for r in y.rows} == {world.store_c.pk} and y.rows[0].values["defeats_submitted"] == 0


def test_a_freshly_onboarded_store_has_the_pool_and_defeat_tables(world: Any, db: Any) -> None:
    from tenants.services.onboarding import store_onboard

    store = store_onboard(group=world.group_x, name="新公海店", slug="pool-new-store", city="杭州", gm_name="王经理",
                          gm_mobile="13812345670").store
    with tenant_context(store):
        assert Customer.objects.filter(pooled_at__isnull=False).count() == 0  # the new columns are there
        from crm.models import CustomerMerge, DefeatReview

        assert (DefeatReview.objects.count(), PoolClaim.objects.count(), CustomerMerge.objects.count()) == (0, 0, 0)
        assert Lead._meta.get_field("status").max_length == 16


def test_the_nightly_return_goes_through_the_one_fan_out() -> None:
    from django.conf import settings

    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["crm-pool-return-nightly"]
    assert entry["task"] == "tenants.fan_out_to_stores" and entry["args"][0] == "crm.tasks.pool_return_nightly"
    assert "crm.tasks.pool_return_nightly" in app.tasks


def test_the_version_diff_shows_the_pool_rules() -> None:
    from hq.policy.diff import policy_diff
    from hq.policy.starter import starter_body

    old = starter_body("cadence")
    new = {**old, "pool": {**old["pool"], "daily_claim_limit": 3}}
    rows = [r for r in policy_diff("cadence", old, new) if r.section == "公海规则"]
    assert [(r.field, r.old, r.new) for r in rows] == [("每人每天领取上限", "5", "3")]
