"""Lead-intake test helpers: a store token, a pinned store clock, pushes through the real API."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from hq.calendar import SHANGHAI
from tenants.services.accounts import api_token_issue
from tests.conftest import client_for

from ..conftest import member  # noqa: F401 - the fixture, for tests in this folder

# Monday 14 December 2026, 10:00 in the store (Asia/Shanghai): a working day, store open 08:30–18:00.
MONDAY_10 = dt.datetime(2026, 12, 14, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def token(world: Any, db: Any) -> Any:
    """`token("a.sales_manager")` → the clear key of a store API token of that member's store."""
    def issue(key: str) -> str:
        store = {"a": world.store_a, "b": world.store_b, "c": world.store_c}[key.split(".")[0]]
        return api_token_issue(user=world.user(key), store=store, name="push")[1]

    return issue


def push(world: Any, store: Any, key: str, leads: list[dict[str, Any]], **headers: str) -> Any:
    client = client_for(None, world.host(store))
    body = json.dumps({"leads": leads})
    return client.post("/api/leads/intake/", data=body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {key}", **headers)


@pytest.fixture
def ab_at_a(world: Any, db: Any) -> Any:
    """The consultant who works in A and B, as a member of A (a colleague of a.sales_consultant)."""
    from tenants.models import StoreMembership

    return StoreMembership.objects.select_related("user", "store").get(user=world.user("ab.sales_consultant"),
                                                                        store=world.store_a)
