"""In a real browser, clock pinned in Asia/Shanghai: each role's home shows its own work; HQ edits a
cadence rule in the form, sees the yearly-contacts preview and the pestering warning, publishes with a
生效日期, the stores adopt it on that day, and the store's general manager sees what changed.

A group and store of their own (committed, as the live server needs) so the shared test world's
policies are never touched; everything is removed afterwards."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection

from hq.models import PolicyChangeNotice, PolicyKind, PolicyTemplate, PolicyVersion, StorePolicyAdoption
from tenants.models import DealerGroup, GroupMembership, Store, StoreMembership, User
from tenants.roles import GroupRole, StoreRole
from tests.browser.conftest import sign_in
from tests.world import PASSWORD

pytestmark = pytest.mark.browser

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MORNING = dt.datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)  # a Wednesday in the store
SLUG, CODE = "roles-browser", "group-roles-browser"


def _cleanup() -> None:
    for store in Store.objects.filter(slug=SLUG):
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{store.schema_name}" CASCADE')
        PolicyChangeNotice.objects.filter(store=store).delete()
        StorePolicyAdoption.objects.filter(store=store).delete()
        store.delete()
    PolicyTemplate.objects.filter(group__code=CODE).delete()
    DealerGroup.objects.filter(code=CODE).delete()
    User.objects.filter(mobile__startswith="1350000").delete()


@pytest.fixture
def roles_store(live_app: Any) -> Iterator[dict[str, Any]]:
    """A group with its starter policies, one store in it and a user of every role (and HQ admin)."""
    from hq.services.policies import store_policy_adopt_current
    from tenants.services.groups import dealer_group_create
    from tenants.services.onboarding import store_onboard

    _cleanup()
    with time_machine.travel(MORNING, tick=False):
        group = dealer_group_create(name="浏览器测试集团", code=CODE)
        store = store_onboard(group=group, name="角色测试店", slug=SLUG, city="杭州", brands=["上汽大众"],
                              gm_name="总经理", gm_mobile="13500009999", onboarding_key=f"browser-{SLUG}").store
        Store.objects.filter(pk=store.pk).update(status=Store.Status.ACTIVE)
        store.refresh_from_db()
        store_policy_adopt_current(store=store)
        users: dict[str, User] = {}
        for n, role in enumerate(StoreRole, start=1):
            user = User(name=f"测{role.label}", mobile=f"1350000{n:04d}", email=f"roles-{role.value}@test.chezhu.cn")
            user.set_password(PASSWORD)
            user.save()
            StoreMembership.objects.create(user=user, store=store, role=role.value)
            users[role.value] = user
        admin = User(name="测集团管理员", mobile="13500000099", email="roles-hq@test.chezhu.cn")
        admin.set_password(PASSWORD)
        admin.save()
        GroupMembership.objects.create(user=admin, group=group, role=GroupRole.HQ_ADMIN)
        users["hq_admin"] = admin
    try:
        yield {"group": group, "store": store, "users": users}
    finally:
        _cleanup()


def test_each_roles_home_shows_its_own_work(page: Any, live_app: Any, roles_store: dict[str, Any]) -> None:
    from tests.crm.test_role_home import seed_store_work

    store, users = roles_store["store"], roles_store["users"]
    with time_machine.travel(MORNING, tick=True):
        members = {r: StoreMembership.objects.get(user=users[r], store=store)
                   for r in ("sales_consultant", "customer_service", "service_advisor")}
        seeded = seed_store_work(store, members)
        code = f"TS{seeded['complaint'].pk:06d}"
        expected = {
            "sales_consultant": [("#card-due", "赵意向"), ("#card-leads", "A级")],
            "sales_manager": [("#card-team", "测销售顾问")],
            "customer_service": [("#card-tasks", "客服15天关怀"), ("#card-complaints", code)],
            "service_advisor": [("#card-service_orders", "浙A8H888"), ("#card-appointments", "预约功能上线后")],
            "service_manager": [("#card-service_orders", "浙A8H888"), ("#card-complaints", code)],
            "general_manager": [("#card-approvals", "交车前增加试车检查"), ("#card-complaints", code)],
        }
        for role, cards in expected.items():
            sign_in(page, live_app, users[role].mobile, fresh=True)
            page.wait_for_url(re.compile(rf"{SLUG}\.localhost:\d+/$"))
            for selector, text in cards:
                assert text in page.locator(selector).inner_text(), (role, selector)
            # The menu holds only what the role may open: the consultant has no supervision, the
            # customer-service agent no lead board.
            if role == "sales_consultant":
                assert page.locator("#nav-supervision").count() == 0 and page.locator("#nav-leads").count() == 1
            if role == "customer_service":
                assert page.locator("#nav-leads").count() == 0
        # A page the role may not open (a consultant typing the supervision address) is the product's
        # own page, with a way back to the home page.
        sign_in(page, live_app, users["sales_consultant"].mobile, fresh=True)
        page.wait_for_url(re.compile(rf"{SLUG}\.localhost:\d+/$"))
        page.goto(live_app.store_url(store, "/supervision/"))
        assert "页面不存在或无权访问" in page.locator("#error-page").inner_text()
        page.click("#error-home")
        page.wait_for_url(re.compile(rf"{SLUG}\.localhost:\d+/$"))


def test_hq_edits_a_rule_publishes_with_an_effective_date_and_the_store_adopts_it(
    page: Any, live_app: Any, roles_store: dict[str, Any],
) -> None:
    from config.celery import app
    from hq.services.policies import policy_scheduled_adoptions_run

    store, users = roles_store["store"], roles_store["users"]
    v1 = StorePolicyAdoption.objects.get(store=store, kind=PolicyKind.CADENCE).version
    page.on("dialog", lambda dialog: dialog.accept())
    with time_machine.travel(MORNING, tick=True) as clock:
        sign_in(page, live_app, users["hq_admin"].mobile, fresh=True)
        page.wait_for_url(re.compile(r"/hq/"))
        page.goto(f"{live_app.base}/hq/policies/")
        page.click("[data-kind=cadence] >> text=起草新版本")
        page.wait_for_url(re.compile(r"/edit/$"))
        # The starter cadence before purchase: SMS 6 + evening call 6 + weekly call 53 + test drive 2 = 67.
        assert page.locator("#preview-prospect").inner_text() == "67"
        assert page.locator("#pester-warning").count() == 0

        card = page.locator("details.rule-card", has=page.locator("input[value=test_drive_call]"))
        card.locator("summary").click()
        card.locator("input[name$=-offset_days]").fill("2")
        card.locator("select[name$=-channel]").select_option("sms")
        card.locator("textarea[name$=-message]").fill("{customer_name}您好，试驾感受如何？有问题随时联系我。")
        evening = page.locator("details.rule-card", has=page.locator("input[value=evening_call]"))
        evening.locator("summary").click()
        evening.locator("select[name$=-repeat_until]").select_option("count")
        evening.locator("input[name$=-repeat_every_days]").fill("2")
        evening.locator("input[name$=-repeat_max]").fill("5")
        page.click("#preview-btn")
        # Evening call 6 visits x (1 + 5) = 36: 6 + 36 + 53 + 2 = 97 a year > 8 a month x 12 = 96.
        assert page.locator("#preview-prospect").inner_text() == "97"
        assert "接触过于频繁" in page.locator("#pester-warning").inner_text()
        # Back to one evening call; the offset and channel change stays as typed.
        evening = page.locator("details.rule-card", has=page.locator("input[value=evening_call]"))
        evening.locator("summary").click()
        evening.locator("select[name$=-repeat_until]").select_option("")
        page.fill("#note", "试驾回访改为第2天短信")
        page.click("#save-btn")
        page.wait_for_url(re.compile(r"/hq/policies/versions/\d+/$"))
        assert "试驾后回访" in page.locator("#diff-table").inner_text()

        page.fill("#id_effective_on", "2026-12-07")
        page.click("#publish")
        page.wait_for_url(re.compile(r"/hq/policies/cadence/stores/$"))
        assert "2026-12-07" in page.locator("#scheduled-notice").inner_text()
        assert "待生效" in page.locator("#adoption-table").inner_text()
        v2 = PolicyVersion.objects.get(template__group=roles_store["group"], template__kind=PolicyKind.CADENCE,
                                       number=2)
        assert v2.effective_on == dt.date(2026, 12, 7)
        assert StorePolicyAdoption.objects.get(store=store, kind=PolicyKind.CADENCE).version_id == v1.pk

        # 00:30 on 7 December in the store: the hourly job (run here as beat would, tasks in-process).
        clock.move_to(dt.datetime(2026, 12, 7, 0, 30, tzinfo=SHANGHAI))
        old = app.conf.task_always_eager
        app.conf.update(CELERY_TASK_ALWAYS_EAGER=True)
        try:
            assert v2.pk in policy_scheduled_adoptions_run()
        finally:
            app.conf.update(CELERY_TASK_ALWAYS_EAGER=old)
        assert StorePolicyAdoption.objects.get(store=store, kind=PolicyKind.CADENCE).version_id == v2.pk

        sign_in(page, live_app, users["hq_admin"].mobile, fresh=True)
        page.goto(f"{live_app.base}/hq/policies/cadence/stores/")
        row = page.locator("#adoption-table tr", has_text="角色测试店")
        assert "v2" in row.inner_text() and "最新" in row.inner_text()

        # The store's general manager is told what changed.
        sign_in(page, live_app, users["general_manager"].mobile, fresh=True)
        page.wait_for_url(re.compile(rf"{SLUG}\.localhost:\d+/$"))
        notice = page.locator("[id^=policy-notice-]").first
        text = notice.inner_text()
        assert "v1 → v2" in text and "试驾后回访" in text and "短信" in text
