"""CRM test helpers: members of the world's stores and small factories that go through services."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection

from crm.demo import make_vin
from hq.models import StorePolicyAdoption
from tenants.models import DealerGroup, Store, StoreMembership
from tenants.services.onboarding import store_onboard
from tests.world import World

_serial = [100]


def vin() -> str:
    import random

    _serial[0] += 1
    return make_vin(random.Random(_serial[0]), _serial[0])


def mobile(n: int) -> str:
    return f"1390000{n:04d}"


@pytest.fixture
def member(world: World, db: Any) -> Callable[[str], StoreMembership]:
    def get(key: str) -> StoreMembership:
        store = {"a": world.store_a, "b": world.store_b, "c": world.store_c}[key.split(".")[0]]
        return StoreMembership.objects.select_related("user", "store").get(user=world.user(key), store=store)

    return get


@pytest.fixture
def committed(django_db_setup: Any, django_db_blocker: Any, request: pytest.FixtureRequest) -> Iterator[None]:
    """Real commits (a worker is another process), only ever into this run's test database."""
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"] == connection.settings_dict["TEST"]["NAME"]
        request.getfixturevalue("world")
        yield


@pytest.fixture
def own_store(committed: None) -> Iterator[Store]:
    """A committed store of a group of its own (committed data must not change what other tests count),
    removed again afterwards with its schema."""
    code = f"own-{uuid.uuid4().hex[:8]}"
    group = DealerGroup.objects.create(code=code, name=f"测试集团{code}")
    store = store_onboard(group=group, name=f"测试店{code}", slug=code, city="杭州", gm_name="经理",
                          gm_mobile="13700000000").store
    try:
        yield store
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{store.schema_name}" CASCADE')
        StorePolicyAdoption.objects.filter(group=group).delete()
        Store.objects.filter(pk=store.pk).delete()
        group.delete()
