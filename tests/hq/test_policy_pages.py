"""HQ policy pages and API as a user sees them: editor messages, diff, publish, adoption status."""

from __future__ import annotations

import copy
import json
from typing import Any

from hq.models import PolicyKind, PolicyVersion, StorePolicyAdoption
from hq.services.policies import group_policy_bootstrap, policy_draft_start
from tests.conftest import client_for
from tests.world import World


def _rule(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(r for r in body["rules"] if r["key"] == key)


def test_the_list_shows_every_kind_and_warns_about_the_missing_calendar_year(world: World, db: Any) -> None:
    group_policy_bootstrap(group=world.group_x)
    html = client_for(world.user("x.hq_analyst")).get("/hq/policies/").content.decode()
    for label in ("跟进节奏", "投诉处理", "回访问卷", "客户分类标准"):
        assert label in html
    assert "v1" in html
    assert 'id="calendar-missing"' in html and "2027" in html


def test_the_editor_shows_validation_messages_in_chinese(world: World, db: Any) -> None:
    group_policy_bootstrap(group=world.group_x)
    draft = policy_draft_start(group=world.group_x, kind=PolicyKind.CADENCE)
    client = client_for(world.user("x.hq_admin"))
    body = copy.deepcopy(draft.body)
    _rule(body, "departure_sms")["message"] = "{customer_name}您好，{idcard}"
    r = client.post(f"/hq/policies/versions/{draft.pk}/edit/", {"body": json.dumps(body), "note": "x"})
    assert r.status_code == 400
    assert "未知字段 {idcard}" in r.content.decode()
    r = client.post(f"/hq/policies/versions/{draft.pk}/edit/", {"body": "{not json", "note": ""})
    assert r.status_code == 400 and "JSON 格式错误" in r.content.decode()
    _rule(body, "departure_sms")["message"] = "{customer_name}您好"
    r = client.post(f"/hq/policies/versions/{draft.pk}/edit/", {"body": json.dumps(body), "note": "改短信"})
    assert r.status_code == 302
    draft.refresh_from_db()
    assert _rule(draft.body, "departure_sms")["message"] == "{customer_name}您好" and draft.note == "改短信"


def test_the_diff_page_shows_old_and_new_side_by_side(world: World, db: Any) -> None:
    group_policy_bootstrap(group=world.group_x)
    draft = policy_draft_start(group=world.group_x, kind=PolicyKind.CADENCE)
    body = copy.deepcopy(draft.body)
    _rule(body, "delivery_7dc")["offset_days"] = 6
    draft.body = body
    draft.save()
    html = client_for(world.user("x.hq_analyst")).get(f"/hq/policies/versions/{draft.pk}/").content.decode()
    assert "与上一发布版本 v1 对比" in html
    assert "交车7日回访(7DC)" in html and "偏移天数" in html and "修改" in html
    assert 'id="publish"' not in html  # analysts read only


def test_publishing_from_the_page_freezes_the_version_and_editing_it_is_refused(
    world: World, db: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    group_policy_bootstrap(group=world.group_x)
    draft = policy_draft_start(group=world.group_x, kind=PolicyKind.SURVEY)
    client = client_for(world.user("x.hq_admin"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        r = client.post(f"/hq/policies/versions/{draft.pk}/publish/")
    assert r.status_code == 302 and r["Location"].endswith("/hq/policies/survey/stores/")
    assert len(callbacks) == 1  # the fan-out is enqueued after commit
    draft.refresh_from_db()
    assert draft.is_published
    r = client.post(f"/hq/policies/versions/{draft.pk}/edit/", {"body": json.dumps(draft.body)})
    assert r.status_code == 409 and "已发布的版本不能修改" in r.content.decode()


def test_the_api_drafts_edits_diffs_and_publishes(world: World, db: Any, eager_celery: None,
                                                  django_capture_on_commit_callbacks: Any) -> None:
    group_policy_bootstrap(group=world.group_x)
    client = client_for(world.user("x.hq_admin"))
    draft = client.post("/api/hq/policies/classification/versions/").json()
    body = draft["body"]
    body["quota_a"], body["quota_d"] = 25, 5
    r = client.put(f"/api/hq/policies/versions/{draft['id']}/", {"body": body, "note": "A 类扩到 25%"},
                   content_type="application/json")
    assert r.status_code == 200, r.content
    bad = dict(body, quota_a=40)
    r = client.put(f"/api/hq/policies/versions/{draft['id']}/", {"body": bad}, content_type="application/json")
    assert r.status_code == 400 and "之和应为 100%" in r.json()["detail"]
    diff = client.get(f"/api/hq/policies/versions/{draft['id']}/diff/").json()
    assert {(row["field"], row["old"], row["new"]) for row in diff["rows"]} >= {("A类比例%", "20", "25")}
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/hq/policies/versions/{draft['id']}/publish/")
    assert r.status_code == 200 and r.json()["status"] == "published"
    r = client.put(f"/api/hq/policies/versions/{draft['id']}/", {"body": body}, content_type="application/json")
    assert r.status_code == 409 and "已发布" in r.json()["detail"]
    stores = client.get("/api/hq/policies/classification/stores/").json()
    assert {s["store"] for s in stores if s["is_current"]} >= {"A店", "B店"}
    assert StorePolicyAdoption.objects.get(store=world.store_a, kind="classification").version_id == draft["id"]


def test_the_api_refuses_too_many_tasks_at_publish_with_the_reason(world: World, db: Any) -> None:
    group_policy_bootstrap(group=world.group_x)
    client = client_for(world.user("x.hq_admin"))
    draft = client.post("/api/hq/policies/cadence/versions/").json()
    body = draft["body"]
    _rule(body, "test_drive_call").update(repeat_until="count", repeat_every_days=1, repeat_max=60)
    assert client.put(f"/api/hq/policies/versions/{draft['id']}/", {"body": body},
                      content_type="application/json").status_code == 200
    r = client.post(f"/api/hq/policies/versions/{draft['id']}/publish/")
    assert r.status_code == 400 and "试驾后回访" in r.json()["detail"] and "拒绝发布" in r.json()["detail"]
    assert not PolicyVersion.objects.get(pk=draft["id"]).is_published


def test_adoption_status_page_lists_each_store_with_its_version(world: World, db: Any) -> None:
    group_policy_bootstrap(group=world.group_x)
    from hq.services.policies import store_policy_adopt_current

    store_policy_adopt_current(store=world.store_a)
    StorePolicyAdoption.objects.filter(store=world.store_b).delete()
    html = client_for(world.user("x.hq_analyst")).get("/hq/policies/cadence/stores/").content.decode()
    assert "A店" in html and "B店" in html and "尚未采用" in html and "C店" not in html


def test_hq_enters_the_missing_year_on_the_calendar_page(world: World, db: Any) -> None:
    client = client_for(world.user("x.hq_admin"))
    r = client.post("/hq/policies/calendar/enter/", {"year": "2027", "days": "2027-10-01,放假,国庆节\n2027-09-26,上班,国庆调休"})
    assert r.status_code == 302
    html = client.get("/hq/policies/calendar/").content.decode()
    assert "集团已录入" in html and "国庆调休" in html
    api = client.get("/api/hq/policies/calendar/2027/").json()
    assert api["source"] == "hq" and not api["missing"] and len(api["days"]) == 2


def test_every_kind_opens_in_the_editor_and_the_version_page(world: World, db: Any) -> None:
    group_policy_bootstrap(group=world.group_x)
    client = client_for(world.user("x.hq_admin"))
    for kind in PolicyKind.values:
        r = client.post(f"/hq/policies/{kind}/draft/")
        assert r.status_code == 302
        edit = client.get(r["Location"])
        assert edit.status_code == 200 and "保存草稿" in edit.content.decode()
        draft = PolicyVersion.objects.get(template__group=world.group_x, template__kind=kind, status="draft")
        page = client.get(f"/hq/policies/versions/{draft.pk}/").content.decode()
        assert "与上一发布版本 v1 对比" in page and "与上一版本没有差别" in page
        assert client.get(f"/hq/policies/{kind}/").status_code == 200


def test_a_bad_calendar_entry_shows_the_error_at_its_field_and_keeps_the_lines(world: World, db: Any) -> None:
    client = client_for(world.user("x.hq_admin"))
    lines = "2027-10-01,放假,国庆节\n2027-10-02,休息"
    r = client.post("/hq/policies/calendar/enter/", {"year": "2027", "days": lines, "note": "国办发明电〔2026〕7号"})
    html = r.content.decode()
    assert r.status_code == 400 and 'data-field="days">「2027-10-02,休息」：第二项只能是「放假」或「上班」(调休)。' in html
    assert "2027-10-01,放假,国庆节\n2027-10-02,休息</textarea>" in html and 'value="国办发明电〔2026〕7号"' in html
    r = client.post("/hq/policies/calendar/enter/", {"year": "明年", "days": lines})
    assert r.status_code == 400 and 'data-field="year">请填写正确的年份。' in r.content.decode()
    assert client.get("/api/hq/policies/calendar/2027/").json()["source"] != "hq"  # nothing was entered
