"""The schema guard turns django-tenants' quiet failure modes into test failures."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import tenant_context

from crm.models import Customer
from tenants.db import tenant_connection
from tenants.guard import SchemaLeak, serving_store
from tests.world import World


def test_a_lazy_queryset_evaluated_in_another_store_fails(world: World, db: Any) -> None:
    with tenant_context(world.store_a):
        customers = Customer.objects.all()  # lazy: not evaluated yet
    with serving_store(world.store_a.schema_name), tenant_context(world.store_b), pytest.raises(SchemaLeak):
        list(customers)


def test_a_store_table_read_from_public_while_serving_a_store_fails(world: World, db: Any) -> None:
    tenant_connection().set_schema_to_public()
    with serving_store(world.store_a.schema_name), pytest.raises(SchemaLeak):
        list(Customer.objects.all())


def test_public_tables_stay_readable_while_serving_a_store(world: World, db: Any) -> None:
    from tenants.models import StoreMembership

    with serving_store(world.store_a.schema_name), tenant_context(world.store_a):
        assert StoreMembership.objects.filter(store=world.store_a).exists()
        assert Customer.objects.count() >= 0
