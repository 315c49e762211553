"""One store restored from its own dump while another store takes writes (issue 16).

Committed data (pg_dump sees only committed rows), cleaned up afterwards. Store A is restored from a dump
of itself, so the shared test world is left as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django_tenants.utils import tenant_context

from crm.models import Customer
from tests.world import World

pytestmark = pytest.mark.server


def _customer(name: str, mobile: str) -> Customer:
    return Customer.objects.create(name=name, mobile=mobile)


@pytest.fixture
def committed(world: World, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        yield
        for store in (world.store_a, world.store_b):
            with tenant_context(store):
                Customer.objects.filter(name__startswith="备份测试").delete()


def test_restore_a_while_b_takes_writes(world: World, committed: None, tmp_path: Path) -> None:
    a, b = world.store_a, world.store_b
    with tenant_context(a):
        _customer("备份测试-备份前", "13911110001")
    with tenant_context(b):
        _customer("备份测试-B原有", "13922220001")
        b_before = sorted(Customer.objects.values_list("pk", "name", "mobile", "updated_at"))
    dump = tmp_path / "a.dump"
    call_command("store_backup", a.slug, "--output", str(dump))
    assert dump.stat().st_size > 0
    with tenant_context(a):  # after the dump: these must be gone once A is restored
        _customer("备份测试-备份后", "13911110002")
        Customer.objects.filter(name="备份测试-备份前").update(notes="备份后改过")

    written: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def b_takes_writes() -> None:
        try:
            i = 0
            while not stop.is_set() or i < 5:
                with tenant_context(b):
                    written.append(_customer(f"备份测试-B写入{i}", f"139333{i:05d}").pk)
                i += 1
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    writer = threading.Thread(target=b_takes_writes)
    writer.start()
    try:
        call_command("store_restore", a.slug, str(dump))
    finally:
        stop.set()
        writer.join(60)
    assert errors == []
    assert len(written) >= 5
    with tenant_context(a):
        names = set(Customer.objects.filter(name__startswith="备份测试").values_list("name", flat=True))
        assert names == {"备份测试-备份前"}  # A is back at the dump: the later row is gone
        assert Customer.objects.get(name="备份测试-备份前").notes == ""
        Customer.objects.create(name="备份测试-恢复后", mobile="13911110003")  # sequences work after restore
    with tenant_context(b):
        b_after = Customer.objects.values_list("pk", "name", "mobile", "updated_at")
        assert sorted(r for r in b_after if r[0] not in written) == b_before  # untouched
        assert set(Customer.objects.filter(pk__in=written).values_list("pk", flat=True)) == set(written)  # none lost


def test_a_dump_of_another_store_is_refused(world: World, committed: None, tmp_path: Path) -> None:
    dump = tmp_path / "b.dump"
    call_command("store_backup", world.store_b.slug, "--output", str(dump))
    with pytest.raises(CommandError, match="not s_store_a"):
        call_command("store_restore", world.store_a.slug, str(dump))
    with pytest.raises(CommandError, match="no store"):
        call_command("store_backup", "no-such-store")


def test_a_damaged_dump_leaves_the_store_as_it_was(world: World, committed: None, tmp_path: Path) -> None:
    with tenant_context(world.store_a):
        _customer("备份测试-仍在", "13911110009")
    dump = tmp_path / "broken.dump"
    dump.write_bytes(b"PGDMP not really")
    with pytest.raises(CommandError):
        call_command("store_restore", world.store_a.slug, str(dump))
    with tenant_context(world.store_a):
        assert Customer.objects.filter(name="备份测试-仍在").exists()
