"""The one search box at 100,000 customers (~150,000 vehicles): every kind of query a desk types.

Figures: customer_search_p95_ms (all kinds mixed, as a manager and as a consultant), and one p95 per kind
(customer_search_<kind>_p95_ms). BENCH_SEARCH_CUSTOMERS overrides the size (default 100000).
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from typing import Any

from benchmarks.common import p95_ms, record

CUSTOMERS = int(os.environ.get("BENCH_SEARCH_CUSTOMERS", "100000"))


def _queries(sample: list[Any], rnd: random.Random) -> dict[str, list[str]]:
    from pypinyin import lazy_pinyin

    from crm.demo import GIVEN

    by_sound: dict[str, list[str]] = {}
    for ch in GIVEN:
        by_sound.setdefault(lazy_pinyin(ch)[0], []).append(ch)

    def typo(name: str) -> str:  # the last character replaced by a homophone if there is one, else any
        last = name[-1]
        same = [c for c in by_sound.get(lazy_pinyin(last)[0], []) if c != last]
        return name[:-1] + rnd.choice(same or [c for c in GIVEN if c != last])

    def swapped(vin: str) -> str:
        i = rnd.randrange(11, 16)
        return vin[:i] + vin[i + 1] + vin[i] + vin[i + 2:]

    out: dict[str, list[str]] = {k: [] for k in ("typo", "part", "surname", "initials", "pinyin", "phone",
                                                 "plate", "vin_swapped")}
    for v in sample:
        name = v.owner.name
        out["typo"].append(typo(name))
        out["part"].append(name[1:])
        out["surname"].append(name[0])
        out["initials"].append(v.owner.name_initials)
        out["pinyin"].append(v.owner.name_pinyin)
        m = v.owner.mobile
        out["phone"].append(f"+86 {m[:3]} {m[3:7]} {m[7:]}")
        out["plate"].append(v.plate)
        out["vin_swapped"].append(swapped(v.vin))
    return out


def run() -> None:
    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    from crm.demo import populate_store
    from crm.demo_group import demo_group_create
    from crm.models import Customer, Vehicle
    from crm.selectors import customer_search, vin_near_matches
    from tenants.models import StoreMembership

    call_command("migrate_schemas", verbosity=0)
    store = demo_group_create(name="压测搜索集团", code="bench-search", stores=1, group_no=8,
                              consultants_per_store=8).stores[0]
    with tenant_context(store):
        populate_store(store=store, customers=CUSTOMERS, seed=11)
        size = f"{Customer.objects.count()} customers, {Vehicle.objects.count()} vehicles"
        manager = StoreMembership.objects.get(store=store, role="general_manager")
        consultant = StoreMembership.objects.filter(store=store, role="sales_consultant").order_by("pk").first()
        rnd = random.Random(3)
        sample = list(Vehicle.objects.exclude(plate="").select_related("owner").order_by("?")[:150])
        kinds = _queries(sample, rnd)

        def one(member: Any, q: str, kind: str) -> None:
            if not customer_search(member=member, q=q) and kind == "vin_swapped":
                vin_near_matches(member=member, q=q)  # what the search page does when a VIN has no exact hit

        mixed = [(m, q, k) for k, qs in kinds.items() for q in qs for m in (manager, consultant)]
        rnd.shuffle(mixed)
        it = iter(mixed * 3)
        step: Callable[[], None] = lambda: one(*next(it))  # noqa: E731
        record("customer_search_p95_ms", p95_ms(step, runs=800), "ms", size)
        for kind, qs in kinds.items():
            it_k = iter(qs * 4)

            def step_kind(it_k: Any = it_k, kind: str = kind) -> None:
                one(manager, next(it_k), kind)
            record(f"customer_search_{kind}_p95_ms", p95_ms(step_kind, runs=120), "ms", size)
