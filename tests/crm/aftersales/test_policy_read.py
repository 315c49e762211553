"""Reading a store's effective policy never writes: adoption happens at onboarding and on publication.
A store without an adoption gets a clear error (after-sales) or a run that does nothing (cadence)."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import schema_context, tenant_context

from crm.aftersales.policy import complaint_deadlines, survey_current
from crm.cadence.engine import cadence_run_store
from hq.models import PolicyKind, StorePolicyAdoption
from hq.selectors import PolicyNotAdopted, policy_required
from hq.services.policies import group_policy_bootstrap
from tests.hq.conftest import eager_celery  # noqa: F401 - the fixture
from tests.world import World


def test_reading_without_an_adoption_raises_clearly_and_adopts_nothing(world: World, db: Any) -> None:
    import datetime as dt

    group_policy_bootstrap(group=world.group_x)  # published, but this store never received it
    with schema_context("public"):
        StorePolicyAdoption.objects.filter(store=world.store_a).delete()
    with tenant_context(world.store_a):
        with pytest.raises(PolicyNotAdopted, match="本店尚未采用集团的「回访问卷」模板"):
            survey_current(world.store_a)
        with pytest.raises(PolicyNotAdopted, match="投诉"):
            complaint_deadlines(world.store_a, dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC))
        assert cadence_run_store(today=dt.date(2026, 11, 25)).created == 0
    with schema_context("public"):
        assert not StorePolicyAdoption.objects.filter(store=world.store_a).exists()


@pytest.mark.usefixtures("eager_celery")
def test_publication_adopts_and_the_read_then_finds_it(world: World, db: Any,
                                                        django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        group_policy_bootstrap(group=world.group_x)  # publishing fans the versions out to every store
    for store in (world.store_a, world.store_b):
        assert policy_required(store, PolicyKind.SURVEY).version.number == 1
        assert policy_required(store, PolicyKind.COMPLAINT).version.number == 1
