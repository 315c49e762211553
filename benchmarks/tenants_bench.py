"""Foundation: onboarding one more store, and a no-op `migrate_schemas`, at 10 / 100 / 1,000 stores.

Stores are created through the real onboarding service (schema cloned from the template). The
figures are `store_onboard_s` and `migrate_noop_s`, each sized by the number of existing stores.
"""

from __future__ import annotations

import io
import os
import statistics
import time

from benchmarks.common import SMOKE, record

SIZES = [int(s) for s in os.environ.get("BENCH_STORE_SIZES", "3" if SMOKE else "10,100,1000").split(",")]


def _ensure_stores(group, count: int) -> None:  # type: ignore[no-untyped-def]
    from tenants.models import Store
    from tenants.services.onboarding import store_onboard

    have = Store.objects.filter(group=group).count()
    for i in range(have, count):
        store_onboard(group=group, name=f"压测门店{i}", slug=f"bench-{i:05d}", city="杭州",
                      gm_name="压测经理", gm_mobile="13900000000", onboarding_key=f"bench-{i}")


def run() -> None:
    from django.core.management import call_command
    from django.db import connection

    from tenants.models import DealerGroup, Store
    from tenants.services.onboarding import store_onboard

    call_command("migrate_schemas", verbosity=0)
    group, _ = DealerGroup.objects.get_or_create(code="bench", defaults={"name": "压测集团"})
    for size in SIZES:
        _ensure_stores(group, size)
        total = Store.objects.count()
        samples = []
        for k in range(3):
            slug = f"probe-{size}-{k}"
            start = time.perf_counter()
            result = store_onboard(group=group, name="新开门店", slug=slug, city="杭州", gm_name="新经理",
                                   gm_mobile="13900000001")
            samples.append(time.perf_counter() - start)
            # Remove the probe so the store count stays at `size`.
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA "{result.store.schema_name}" CASCADE')
            Store.objects.filter(pk=result.store.pk).delete()
        record("store_onboard_s", statistics.median(samples), "s", total)
        start = time.perf_counter()
        call_command("migrate_schemas", verbosity=0, stdout=io.StringIO())
        record("migrate_noop_s", time.perf_counter() - start, "s", total)
