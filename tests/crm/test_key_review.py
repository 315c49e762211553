"""重点客户周报 (handbook 004): every Monday the key customers per consultant go to the sales manager; each
ends 成交 / 战败 / 延期 with the reason; the manager reads the figures, coaches and exports them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tenants.utils import tenant_context

from crm import services
from crm.models import KeyReviewItem, KeyReviewWeek, Lead
from crm.models.aftersales import Notification
from crm.services.key_review import key_review_open_week
from tenants.models import StoreMembership
from tests.conftest import client_for

SH = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 23, 8, 0, tzinfo=SH)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def _m(world: Any, key: str) -> StoreMembership:
    user = world.user(key)
    return StoreMembership.objects.get(user=user, store=world.store_a)


def _client(world: Any, key: str) -> Any:
    return client_for(world.user(key), world.host(world.store_a))


def _key_leads(world: Any) -> dict[str, Lead]:
    """a.sales_consultant has three key customers (H), ab.sales_consultant one; one lead is not key (B)."""
    mine, theirs = _m(world, "a.sales_consultant"), _m(world, "ab.sales_consultant")
    out: dict[str, Any] = {}
    with tenant_context(world.store_a):
        for name, mobile, member, grade in [("赵一", "13900000011", mine, "H"), ("钱二", "13900000012", mine, "H"),
                                            ("孙三", "13900000013", mine, "H"), ("李四", "13900000014", theirs, "H"),
                                            ("周五", "13900000015", mine, "B")]:
            r = services.reception_create(member=member, mobile=mobile, name=name, grade=grade,
                                          models_of_interest="帕萨特")
            out[name] = r.lead
    return out


def test_the_monday_job_lists_key_customers_once_and_tells_the_manager(world: Any, db: Any, clock: Any) -> None:
    _key_leads(world)
    with tenant_context(world.store_a):
        first = key_review_open_week(store_id=world.store_a.pk)
        again = key_review_open_week(store_id=world.store_a.pk)  # a rerun (redelivered task) adds nothing
        assert (first.created, first.items, again.created, again.items) == (True, 4, False, 4)
        assert first.week.week_start == dt.date(2026, 11, 23)
        notices = list(Notification.objects.filter(kind="key_review").values_list("recipient_id", "body"))
        assert len(notices) == 1 and notices[0][0] == world.user("a.sales_manager").pk
        assert "A销售顾问 3 位" in notices[0][1] and "两店顾问 1 位" in notices[0][1]


def test_the_job_is_scheduled_on_monday_mornings_per_store_through_the_fan_out() -> None:
    from celery.schedules import crontab
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["crm-key-review-monday"]
    assert entry["task"] == "tenants.fan_out_to_stores" and entry["args"][0] == "crm.tasks.key_review_monday"
    assert entry["schedule"] == crontab(day_of_week="mon", hour=7, minute=30)  # CELERY_TIMEZONE: Asia/Shanghai
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


def test_the_store_task_lists_only_its_own_store(world: Any, db: Any, clock: Any) -> None:
    from crm.tasks import key_review_monday

    _key_leads(world)
    with tenant_context(world.store_a):
        assert key_review_monday() == 4  # what a worker runs in A's schema
        assert KeyReviewWeek.objects.filter(week_start=dt.date(2026, 11, 23)).exists()
    with tenant_context(world.store_b):
        assert key_review_monday() == 0  # B's week has none of A's key customers


def test_three_outcomes_and_the_weekly_figures(world: Any, db: Any, clock: Any) -> None:
    leads = _key_leads(world)
    with tenant_context(world.store_a):
        key_review_open_week(store_id=world.store_a.pk)
        items = {i.lead.customer.name: i for i in KeyReviewItem.objects.select_related("lead__customer")}
        services.lead_close_deal(member=_m(world, "a.sales_consultant"), lead=leads["赵一"],
                                 vin="LSVAB2BR8MN000002", amount="23.58万")
    consultant = _client(world, "a.sales_consultant")
    # 成交 (the deal was registered with its car), 战败 with the competitor bought, 延期 with the reason.
    for name, data in [("赵一", {"outcome": "deal"}),
                       ("钱二", {"outcome": "defeated", "competitor_brand": "丰田", "reason": "价格差一万"}),
                       ("孙三", {"outcome": "postponed", "reason": "等年底优惠"})]:
        assert consultant.post(f"/key-customers/items/{items[name].pk}/", data).status_code == 302
    with tenant_context(world.store_a):
        qian = Lead.objects.get(pk=leads["钱二"].pk)
        # The review's 战败 goes to 战败审核 like any defeat: the week's item says 战败, the lead waits for the
        # sales manager's approval before it closes.
        assert (qian.status, qian.competitor_brand, qian.defeat_reason) == ("defeat_pending", "丰田", "competitor")
        assert qian.defeat_reviews.get().decision == "pending"
        sun = Lead.objects.get(pk=leads["孙三"].pk)
        assert sun.status == "open" and sun.next_followup_on == dt.date(2026, 11, 30)  # 延期 a week

    page = _client(world, "a.sales_manager").get("/key-customers/").content.decode()
    stats = page.split('id="review-stats"')[1].split("</table>")[0]
    row = stats.split('data-consultant="A销售顾问"')[1].split("</tr>")[0]
    # A销售顾问: 3 key customers, 1 deal, 1 defeated, 1 postponed → 成交率 1/3 = 33%.
    assert [c.split("</td>")[0].split(">")[-1] for c in row.split("<td")[2:7]] == ["3", "1", "1", "1", "0"]
    assert "33%" in row
    other = stats.split('data-consultant="两店顾问"')[1].split("</tr>")[0]
    assert "0%" in other  # 1 key customer, nothing closed yet: 0/1

    # The consultant sees only their own list.
    mine = consultant.get("/key-customers/").content.decode()
    assert "赵一" in mine and "李四" not in mine and "两店顾问" not in mine


def test_bad_outcomes_are_refused_with_the_form_kept(world: Any, db: Any, clock: Any) -> None:
    _key_leads(world)
    with tenant_context(world.store_a):
        key_review_open_week(store_id=world.store_a.pk)
        item = KeyReviewItem.objects.get(lead__customer__name="钱二")
    consultant = _client(world, "a.sales_consultant")
    deal = consultant.post(f"/key-customers/items/{item.pk}/", {"outcome": "deal", "reason": "谈妥"})
    assert deal.status_code == 400 and "请先在客户档案中登记成交" in deal.content.decode()
    assert 'value="谈妥"' in deal.content.decode()
    defeat = consultant.post(f"/key-customers/items/{item.pk}/", {"outcome": "defeated"})
    assert defeat.status_code == 400 and "战败请填写原因或购买的竞品品牌" in defeat.content.decode()
    postpone = consultant.post(f"/key-customers/items/{item.pk}/", {"outcome": "postponed"})
    assert postpone.status_code == 400 and "延期请填写原因" in postpone.content.decode()
    with tenant_context(world.store_a):
        item.refresh_from_db()
        assert item.outcome == "pending" and item.lead.status == "open"


def test_the_manager_coaches_and_exports_the_week(world: Any, db: Any, clock: Any) -> None:
    from openpyxl import load_workbook

    _key_leads(world)
    with tenant_context(world.store_a):
        week = key_review_open_week(store_id=world.store_a.pk).week
    manager = _client(world, "a.sales_manager")
    consultant_id = world.user("a.sales_consultant").pk
    assert manager.post(f"/key-customers/{week.pk}/coach/{consultant_id}/", {"comment": ""}).status_code == 400
    manager.post(f"/key-customers/{week.pk}/coach/{consultant_id}/", {"comment": "战败客户复盘报价"})
    assert "战败客户复盘报价" in manager.get("/key-customers/").content.decode()
    response = manager.get("/key-customers/export.xlsx?week=2026-11-25")  # any day of the week
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:6] == ["销售顾问", "客户", "意向级别", "意向车型", "结果", "原因"]
    totals = [r for r in rows if r[1] == "合计"]
    # Per consultant: key customers, 成交, 战败, 延期, 成交率 (none decided yet).
    assert sorted((r[0], r[6], r[10]) for r in totals) == [("A销售顾问", 3, "0%"), ("两店顾问", 1, "0%")]
