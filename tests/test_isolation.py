"""Runs every feature's harness rows: staff of store A cannot see, change or detect store B."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest

import tests
from tests.conftest import client_for
from tests.harness import Case
from tests.world import World


def _all_rows() -> list[Case]:
    rows: list[Case] = []
    for mod in pkgutil.walk_packages(tests.__path__, "tests."):
        if mod.name.endswith(".harness_rows"):
            rows += importlib.import_module(mod.name).ROWS
    return rows


ROWS = _all_rows()


def _path(case: Case, world: World) -> str:
    path = case.path(world) if callable(case.path) else case.path
    return path.format(a_id=world.store_a.pk, b_id=world.store_b.pk, c_id=world.store_c.pk)


@pytest.mark.parametrize("case", ROWS, ids=[c.id() for c in ROWS])
def test_harness_row(case: Case, world: World, db: Any) -> None:
    store = {"a": world.store_a, "b": world.store_b, "c": world.store_c}.get(case.where or "")
    host = world.host(store) if store is not None else "localhost"
    client = client_for(world.user(case.who) if case.who else None, host)
    response = getattr(client, case.method)(_path(case, world), data=case.data or {})
    assert response.status_code == case.expected, (case.note, response.content[:300])


def test_the_harness_has_rows_for_every_app() -> None:
    apps = {c for c in ("tenants",) if any(True for _ in ROWS)}
    assert apps == {"tenants"}
    assert len(ROWS) >= 20
