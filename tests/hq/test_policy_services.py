"""Policy services: starter templates, drafting, publishing, adoption in every store, overrides."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from hq.errors import OverrideNotAllowed, PolicyNotEditable, PolicyTooManyTasks
from hq.models import PolicyKind, PolicyTemplate, PolicyVersion, StorePolicyAdoption
from hq.selectors import policy_adoptions_for_group, policy_effective, policy_template_summaries
from hq.services.policies import (
    group_policy_bootstrap,
    policy_draft_start,
    policy_draft_update,
    policy_version_publish,
    store_policy_adopt,
    store_policy_adopt_current,
    store_policy_override_set,
)
from tenants.models import DealerGroup
from tests.world import World


def _rule(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(r for r in body["rules"] if r["key"] == key)


def test_a_new_group_starts_from_published_starter_templates(db: Any) -> None:
    group = DealerGroup.objects.create(name="新集团", code="new-group")
    created = group_policy_bootstrap(group=group)
    assert {v.template.kind for v in created} == set(PolicyKind.values)
    assert all(v.is_published and v.number == 1 for v in created)
    cadence = next(v for v in created if v.template.kind == PolicyKind.CADENCE)
    assert cadence.tasks_per_customer_year and cadence.tasks_per_customer_year <= 150
    assert group_policy_bootstrap(group=group) == []  # idempotent
    assert PolicyTemplate.objects.filter(group=group).count() == 4


def test_bootstrap_adopts_in_existing_stores(world: World, db: Any, eager_celery: None,
                                             django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        group_policy_bootstrap(group=world.group_x)
    rows = policy_adoptions_for_group(world.group_x, PolicyKind.CADENCE)
    assert {r.store.slug for r in rows if r.is_current} >= {"store-a", "store-b"}


def test_a_draft_is_copied_from_the_published_version_and_edits_stay_in_it(world: World, db: Any) -> None:
    group_policy_bootstrap(group=world.group_x)
    draft = policy_draft_start(group=world.group_x, kind=PolicyKind.CADENCE)
    assert draft.number == 2 and not draft.is_published
    assert policy_draft_start(group=world.group_x, kind=PolicyKind.CADENCE).pk == draft.pk  # one open draft
    body = copy.deepcopy(draft.body)
    _rule(body, "delivery_3dc")["offset_days"] = 2
    policy_draft_update(version=draft, body=body, note="3DC 提前一天")
    v1 = PolicyVersion.objects.get(template=draft.template, number=1)
    assert _rule(v1.body, "delivery_3dc")["offset_days"] == 3


def test_editing_a_published_version_is_refused(world: World, db: Any) -> None:
    group_policy_bootstrap(group=world.group_x)
    v1 = PolicyVersion.objects.get(template__group=world.group_x, template__kind=PolicyKind.SURVEY, number=1)
    with pytest.raises(PolicyNotEditable, match="已发布的版本不能修改"):
        policy_draft_update(version=v1, body=v1.body)
    with pytest.raises(PolicyNotEditable):
        policy_version_publish(version=v1)


def test_publishing_refuses_too_many_tasks_per_customer(world: World, db: Any) -> None:
    group_policy_bootstrap(group=world.group_x)
    draft = policy_draft_start(group=world.group_x, kind=PolicyKind.CADENCE)
    body = copy.deepcopy(draft.body)
    _rule(body, "evening_call").update(repeat_until="count", repeat_every_days=2, repeat_max=60)
    policy_draft_update(version=draft, body=body)
    with pytest.raises(PolicyTooManyTasks, match="拒绝发布"):
        policy_version_publish(version=draft)
    draft.refresh_from_db()
    assert not draft.is_published


def test_publishing_adopts_the_version_in_every_store_of_the_group(
    world: World, db: Any, eager_celery: None, django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        group_policy_bootstrap(group=world.group_x)
        group_policy_bootstrap(group=world.group_y)
    store_policy_override_set(store=world.store_a, kind=PolicyKind.CADENCE,
                              overrides={"rules.high_intent_weekly.offset_days": 5})
    draft = policy_draft_start(group=world.group_x, kind=PolicyKind.CADENCE)
    body = copy.deepcopy(draft.body)
    _rule(body, "delivery_15d_care")["offset_days"] = 14
    policy_draft_update(version=draft, body=body)
    with django_capture_on_commit_callbacks(execute=True):
        policy_version_publish(version=draft)
    for store in (world.store_a, world.store_b):
        adoption = StorePolicyAdoption.objects.get(store=store, kind=PolicyKind.CADENCE)
        assert adoption.version_id == draft.pk
    # Store A keeps its override; store C (another group) is untouched.
    eff = policy_effective(world.store_a, PolicyKind.CADENCE)
    assert eff is not None and eff.version.pk == draft.pk
    assert _rule(eff.body, "high_intent_weekly")["offset_days"] == 5
    assert _rule(eff.body, "delivery_15d_care")["offset_days"] == 14
    c = StorePolicyAdoption.objects.get(store=world.store_c, kind=PolicyKind.CADENCE)
    assert c.version.template.group_id == world.group_y.pk
    summary = next(s for s in policy_template_summaries(world.group_x) if s.kind == PolicyKind.CADENCE)
    assert summary.published and summary.published.pk == draft.pk and summary.stores_current == summary.stores_total


def test_adoption_is_idempotent_and_never_goes_back(world: World, db: Any) -> None:
    group_policy_bootstrap(group=world.group_x)
    v1 = PolicyVersion.objects.get(template__group=world.group_x, template__kind=PolicyKind.CADENCE, number=1)
    first = store_policy_adopt(store_id=world.store_a.pk, version_id=v1.pk)
    assert first is not None
    again = store_policy_adopt(store_id=world.store_a.pk, version_id=v1.pk)
    assert again is not None and again.adopted_at == first.adopted_at
    draft = policy_draft_start(group=world.group_x, kind=PolicyKind.CADENCE)
    policy_version_publish(version=draft)
    store_policy_adopt(store_id=world.store_a.pk, version_id=draft.pk)
    store_policy_adopt(store_id=world.store_a.pk, version_id=v1.pk)  # a late, older task
    assert StorePolicyAdoption.objects.get(store=world.store_a, kind=PolicyKind.CADENCE).version_id == draft.pk
    # A version of another group is never adopted.
    assert store_policy_adopt(store_id=world.store_c.pk, version_id=draft.pk) is None


def test_a_new_store_adopts_what_its_group_has_in_force(world: World, db: Any) -> None:
    group_policy_bootstrap(group=world.group_y)
    StorePolicyAdoption.objects.filter(store=world.store_c).delete()
    adoptions = store_policy_adopt_current(store=world.store_c)
    assert {a.kind for a in adoptions} == set(PolicyKind.values)


def test_an_override_outside_the_open_range_is_refused(world: World, db: Any) -> None:
    group_policy_bootstrap(group=world.group_x)
    store_policy_adopt_current(store=world.store_a)
    with pytest.raises(OverrideNotAllowed, match="超出集团允许的范围"):
        store_policy_override_set(store=world.store_a, kind=PolicyKind.CADENCE,
                                  overrides={"rules.insurance_reminder.offset_days": -90})
    with pytest.raises(OverrideNotAllowed, match="不是集团模板开放"):
        store_policy_override_set(store=world.store_a, kind=PolicyKind.COMPLAINT,
                                  overrides={"sla.report_to_gm_working_days": 2})
    adoption = store_policy_override_set(store=world.store_a, kind=PolicyKind.COMPLAINT,
                                         overrides={"sla.close_working_days": 7})
    assert adoption.overrides == {"sla.close_working_days": 7}


def test_the_survey_rating_threshold_has_a_default_and_is_validated() -> None:
    from hq.policy.rules import PolicyInvalid, survey_clean
    from hq.policy.starter import STARTER_SURVEY

    body = copy.deepcopy(STARTER_SURVEY)
    score = next(q for q in body["questions"] if q["key"] == "score")
    del score["satisfied_from"]
    del body["figures"]
    clean = survey_clean(body)
    # Default: 4 of 5 counts as satisfied; the figures default to "overall" and the first rating question.
    assert next(q for q in clean["questions"] if q["key"] == "score")["satisfied_from"] == 4
    assert clean["figures"] == {"overall": "overall", "last_repair": "score"}
    score["satisfied_from"] = 6
    with pytest.raises(PolicyInvalid, match="几分及以上算满意"):
        survey_clean(body)
    score["satisfied_from"] = 3
    body["figures"] = {"overall": "nope"}
    with pytest.raises(PolicyInvalid, match="不在本问卷中"):
        survey_clean(body)
