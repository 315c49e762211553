"""未接通重拨: the survey template's retry rule decides how often and how soon an unanswered return
visit is redialled; versions published before the rule existed keep the old default."""

from __future__ import annotations

import copy
from typing import Any

from django.utils import timezone
from django_tenants.utils import schema_context

from crm.aftersales.policy import DEFAULT_RETRY, retry_on, survey_current, survey_version
from crm.aftersales.visits import return_visit_record, visit_open_call
from hq.models import PolicyKind, PolicyVersion
from hq.services.policies import (
    policy_draft_start,
    policy_draft_update,
    policy_version_publish,
    store_policy_adopt,
)

from .conftest import return_visit


def _publish_retry(world: Any, retry: dict[str, int]) -> PolicyVersion:
    with schema_context("public"):
        draft = policy_draft_start(group=world.group_x, kind=PolicyKind.SURVEY)
        body = copy.deepcopy(draft.body)
        body["retry"] = retry
        policy_draft_update(version=draft, body=body)
        published = policy_version_publish(version=draft)
        store_policy_adopt(store_id=world.store_a.pk, version_id=published.pk)
    return published


def test_the_survey_template_sets_how_often_and_how_soon_to_redial(store_a: Any, m: Any, world: Any) -> None:
    published = _publish_retry(world, {"max_attempts": 2, "every_working_days": 3})
    survey = survey_current(store_a)
    assert survey.version_number == published.number and survey.retry == {"max_attempts": 2, "every_working_days": 3}
    cs = m("a.customer_service")
    planned = return_visit(due=timezone.localdate())
    visit = return_visit_record(member=cs, visit=planned, outcome="no_answer")
    today = timezone.localdate()
    redial = visit_open_call(visit)
    assert visit.status == "retry" and redial is not None and redial.due_date == retry_on(store_a, today, 3)
    assert redial.due_date > retry_on(store_a, today, 1)
    visit = return_visit_record(member=cs, visit=visit, outcome="no_answer")
    assert visit.status == "unreachable" and visit.attempts == 2 and visit_open_call(visit) is None


def test_a_single_attempt_gives_up_after_the_first_unanswered_call(store_a: Any, m: Any, world: Any) -> None:
    _publish_retry(world, {"max_attempts": 1, "every_working_days": 1})
    visit = return_visit_record(member=m("a.customer_service"), visit=return_visit(), outcome="no_answer")
    assert visit.status == "unreachable" and visit.attempts == 1


def test_a_version_without_the_rule_falls_back_to_the_default(store_a: Any, world: Any) -> None:
    current = survey_current(store_a)
    with schema_context("public"):
        version = PolicyVersion.objects.get(pk=current.version_id)
        legacy = {k: v for k, v in version.body.items() if k != "retry"}
        PolicyVersion.objects.filter(pk=version.pk).update(body=legacy)  # as published before `retry`
    assert survey_current(store_a).retry == DEFAULT_RETRY == {"max_attempts": 3, "every_working_days": 1}
    old = survey_version(current.version_id, store_a)
    assert old is not None and old.retry == DEFAULT_RETRY


def test_an_old_survey_version_shows_the_retry_rule_it_carried(store_a: Any, world: Any) -> None:
    published = _publish_retry(world, {"max_attempts": 4, "every_working_days": 2})
    old = survey_version(published.pk, store_a)
    assert old is not None and old.retry == {"max_attempts": 4, "every_working_days": 2}
