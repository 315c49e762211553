"""HQ edits cadence rules in a form, sees the yearly-contacts preview and the pestering warning,
publishes with a 生效日期, the stores adopt on that day, and their managers are told what changed."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
import zoneinfo
from typing import Any

import time_machine
from django.test import Client

from hq.models import PolicyChangeNotice, PolicyKind, PolicyVersion, StorePolicyAdoption
from hq.services.policies import (
    group_policy_bootstrap,
    policy_draft_start,
    policy_scheduled_adoptions_run,
    policy_version_publish,
    store_policy_adopt_current,
)
from tests.conftest import client_for
from tests.world import World

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)


def _form_post(html: str, changes: dict[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """What the browser would send: every field of the rendered form as it stands, then `changes`."""
    data: dict[str, Any] = {}
    for tag in re.finditer(r"<(input|select|textarea)\b[^>]*>", html):
        t = tag.group(0)
        name = re.search(r'name="([^"]+)"', t)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        n = name.group(1)
        if tag.group(1) == "input":
            kind = (re.search(r'type="([^"]+)"', t) or [None, "text"])[1]
            value = (re.search(r'value="([^"]*)"', t) or [None, ""])[1]
            if kind == "checkbox":
                if "checked" in t:
                    data.setdefault(n, []).append(value or "on")
                continue
            if kind == "submit":
                continue
            data[n] = htmllib.unescape(str(value))
        elif tag.group(1) == "select":
            end = html.index("</select>", tag.end())
            chosen = re.search(r'<option value="([^"]*)"[^>]*selected', html[tag.end():end])
            data[n] = chosen.group(1) if chosen else ""
        else:
            end = html.index("</textarea>", tag.end())
            data[n] = htmllib.unescape(html[tag.end():end].strip("\n"))
    for n in drop:
        data.pop(n, None)
    data.update(changes)
    return data


def _rule_index(html: str, key: str) -> int:
    found = re.search(rf'name="rule-(\d+)-key"[^>]*value="{key}"', html) or re.search(
        rf'value="{key}"[^>]*name="rule-(\d+)-key"', html)
    assert found, key
    return int(found.group(1))


def _setup(world: World) -> tuple[Client, PolicyVersion]:
    group_policy_bootstrap(group=world.group_x)
    for store in (world.store_a, world.store_b):
        store_policy_adopt_current(store=store)
    draft = policy_draft_start(group=world.group_x, kind=PolicyKind.CADENCE)
    return client_for(world.user("x.hq_admin")), draft


def test_hq_changes_a_rules_offset_and_channel_in_the_form(world: World, db: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        client, draft = _setup(world)
        url = f"/hq/policies/versions/{draft.pk}/edit/"
        page = client.get(url).content.decode()
        assert 'id="policy-rule-form"' in page and 'id="contacts-preview"' in page
        # The starter cadence: before purchase departure SMS 6 + evening call 6 + the busiest grade's weekly
        # call 1+52 = 53 + test-drive call 2 = 67 a year (5.6 a month) — under 8 a month, no warning.
        assert re.search(r'id="preview-prospect">67<', page) and 'id="pester-warning"' not in page
        i = _rule_index(page, "test_drive_call")
        data = _form_post(page, {f"rule-{i}-offset_days": "2", f"rule-{i}-channel": "sms",
                                 f"rule-{i}-message": "{customer_name}您好，试驾感受如何？有问题随时联系我。",
                                 "action": "save", "note": "试驾回访改为第2天短信"})
        assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    rule = next(r for r in draft.body["rules"] if r["key"] == "test_drive_call")
    assert rule["offset_days"] == 2 and rule["channel"] == "sms"
    assert len(draft.body["rules"]) == 18 and draft.note == "试驾回访改为第2天短信"
    # The other rules are untouched (their store-adjustable ranges too).
    weekly = next(r for r in draft.body["rules"] if r["key"] == "high_intent_weekly")
    assert weekly["open"] == {"offset_days": {"min": 1, "max": 7}} and weekly["grades"] == ["H", "A"]


def test_the_preview_warns_above_what_the_handbook_calls_pestering(world: World, db: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        client, draft = _setup(world)
        url = f"/hq/policies/versions/{draft.pk}/edit/"
        page = client.get(url).content.decode()
        i = _rule_index(page, "evening_call")
        data = _form_post(page, {f"rule-{i}-repeat_until": "count", f"rule-{i}-repeat_every_days": "2",
                                 f"rule-{i}-repeat_max": "5", "action": "preview"})
        answer = client.post(url, data).content.decode()
    # Evening call repeated every 2 days up to 5 times: 6 visits x (1 + 5) = 36; before purchase
    # 6 (SMS) + 36 + 53 (weekly) + 2 (test drive) = 97 > 96 = 8 a month x 12 -> the warning.
    assert re.search(r'id="preview-prospect">97<', answer)
    assert 'id="pester-warning"' in answer
    draft.refresh_from_db()
    assert next(r for r in draft.body["rules"] if r["key"] == "evening_call")["repeat_until"] == ""  # preview saves nothing


def test_a_bad_value_keeps_everything_typed_and_says_where(world: World, db: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        client, draft = _setup(world)
        url = f"/hq/policies/versions/{draft.pk}/edit/"
        page = client.get(url).content.decode()
        i = _rule_index(page, "test_drive_call")
        j = _rule_index(page, "evening_call")
        data = _form_post(page, {f"rule-{i}-offset_days": "三天", f"rule-{j}-name": "当晚回访(改名)",
                                 "action": "save", "note": "我的说明"})
        answer = client.post(url, data)
        html = answer.content.decode()
        assert answer.status_code == 400
        assert 'value="三天"' in html and 'value="当晚回访(改名)"' in html and 'value="我的说明"' in html
        assert re.search(r"invalid-feedback d-block\">输入整数。<", html)  # next to the offset it belongs to
        # A value the rule itself forbids: reception tasks fall 0-60 days after the visit.
        data = _form_post(page, {f"rule-{j}-offset_days": "90", "action": "save"})
        html = client.post(url, data).content.decode()
        assert "偏移天数 90 不可能" in html and 'value="90"' in html
    draft.refresh_from_db()
    assert next(r for r in draft.body["rules"] if r["key"] == "evening_call")["name"] == "当晚回访(所有到店客户)"


def test_raw_json_stays_available_for_experts(world: World, db: Any) -> None:
    client, draft = _setup(world)
    html = client.get(f"/hq/policies/versions/{draft.pk}/edit/?mode=json").content.decode()
    assert 'id="body"' in html and "high_intent_weekly" in html


def test_publishing_with_an_effective_date_adopts_on_that_day_and_tells_the_managers(
    world: World, db: Any, django_capture_on_commit_callbacks: Any, eager_celery: None,
) -> None:
    with time_machine.travel(NOW, tick=False):
        client, draft = _setup(world)
        v1 = StorePolicyAdoption.objects.get(store=world.store_a, kind=PolicyKind.CADENCE).version
        body = dict(draft.body)
        body["rules"] = [dict(r, offset_days=2) if r["key"] == "test_drive_call" else r for r in draft.body["rules"]]
        from hq.services.policies import policy_draft_update

        policy_draft_update(version=draft, body=body)
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(f"/hq/policies/versions/{draft.pk}/publish/", {"effective_on": "2026-12-07"})
        assert r.status_code == 302
        stores_page = client.get("/hq/policies/cadence/stores/").content.decode()
        assert 'id="scheduled-notice"' in stores_page and "2026-12-07" in stores_page
        # Before the day nothing moves, however often the hourly run comes.
        with django_capture_on_commit_callbacks(execute=True):
            assert policy_scheduled_adoptions_run() == []
        assert StorePolicyAdoption.objects.get(store=world.store_a, kind=PolicyKind.CADENCE).version_id == v1.pk
    # 00:30 on 7 December in the store (16:30 UTC on the 6th): the day has come in store time.
    with time_machine.travel(dt.datetime(2026, 12, 7, 0, 30, tzinfo=SHANGHAI), tick=False):
        assert policy_scheduled_adoptions_run() == [draft.pk]
        assert policy_scheduled_adoptions_run() == []  # idempotent: nobody is behind any more
        for store in (world.store_a, world.store_b):
            assert StorePolicyAdoption.objects.get(store=store, kind=PolicyKind.CADENCE).version_id == draft.pk
        notice = PolicyChangeNotice.objects.get(store=world.store_a, version=draft)
        assert notice.from_number == 1 and any(row["item"] == "试驾后回访" for row in notice.rows)
        host = world.host(world.store_a)
        gm = client_for(world.user("a.general_manager"), host).get("/").content.decode()
        consultant = client_for(world.user("a.sales_consultant"), host).get("/").content.decode()
        other_group = client_for(world.user("c.general_manager"), world.host(world.store_c)).get("/").content.decode()
    assert f'id="policy-notice-{notice.pk}"' in gm and "试驾后回访" in gm and "v1 → v2" in gm
    assert "policy-notice-" not in consultant  # the managers are told, not every consultant
    assert "policy-notice-" not in other_group and "试驾后回访" not in other_group  # group Y hears nothing
    assert PolicyChangeNotice.objects.filter(version=draft).count() == 2  # stores A and B, once each


def test_an_effective_date_in_the_past_is_refused(world: World, db: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        client, draft = _setup(world)
        r = client.post(f"/hq/policies/versions/{draft.pk}/publish/", {"effective_on": "2026-12-01"}, follow=True)
        assert "生效日期不能早于今天" in r.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published


def test_publishing_without_a_date_still_adopts_at_once(
    world: World, db: Any, django_capture_on_commit_callbacks: Any, eager_celery: None,
) -> None:
    with time_machine.travel(NOW, tick=False):
        _client, draft = _setup(world)
        with django_capture_on_commit_callbacks(execute=True):
            policy_version_publish(version=draft)
        assert StorePolicyAdoption.objects.get(store=world.store_a, kind=PolicyKind.CADENCE).version_id == draft.pk
        assert PolicyChangeNotice.objects.filter(store=world.store_a, version=draft, from_number=1).exists()


def test_a_store_onboarded_before_the_effective_date_keeps_the_version_in_force(world: World, db: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        _client, draft = _setup(world)
        policy_version_publish(version=draft, effective_on=dt.date(2026, 12, 7))
        StorePolicyAdoption.objects.filter(store=world.store_b).delete()
        store_policy_adopt_current(store=world.store_b)  # as onboarding does
        assert StorePolicyAdoption.objects.get(store=world.store_b, kind=PolicyKind.CADENCE).version.number == 1


def test_hq_adds_and_deletes_rules_in_the_form(world: World, db: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        client, draft = _setup(world)
        url = f"/hq/policies/versions/{draft.pk}/edit/"
        page = client.get(url).content.decode()
        total = int(re.search(r'name="rule-TOTAL_FORMS"[^>]*value="(\d+)"', page).group(1))  # type: ignore[union-attr]
        new = total - 1  # the empty form at the end
        i = _rule_index(page, "warranty_reminder")
        data = _form_post(page, {
            f"rule-{new}-key": "delivery_anniversary", f"rule-{new}-name": "提车周年关怀",
            f"rule-{new}-trigger": "delivery", f"rule-{new}-offset_days": "365", f"rule-{new}-channel": "sms",
            f"rule-{new}-assignee": "customer_service", f"rule-{new}-outcomes": ["sent"],
            f"rule-{new}-enabled": "on", f"rule-{new}-message": "{customer_name}您好，今天是您提车一周年。",
            f"rule-{i}-DELETE": "on", "action": "save"})
        assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    keys = [r["key"] for r in draft.body["rules"]]
    assert "delivery_anniversary" in keys and "warranty_reminder" not in keys and len(keys) == 18
