"""CRM test helpers: members of the world's stores and small factories that go through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from crm.demo import make_vin
from tenants.models import StoreMembership
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
