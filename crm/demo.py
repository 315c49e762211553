"""Demo CRM data for one store (called inside that store's tenant_context)."""

from __future__ import annotations

import random

from faker import Faker

from tenants.models import Store

from .models import Customer


def populate_store(*, store: Store, customers: int, seed: int) -> None:
    if Customer.objects.exists():
        return
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rnd = random.Random(seed)
    seen: set[str] = set()
    rows = []
    while len(rows) < customers:
        mobile = f"1{rnd.choice('3456789')}{rnd.randrange(10**9):09d}"
        if mobile in seen:
            continue
        seen.add(mobile)
        rows.append(Customer(name=fake.name(), mobile=mobile))
    Customer.objects.bulk_create(rows, batch_size=2000)
