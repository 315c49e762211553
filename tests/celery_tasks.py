"""Tasks only the test worker loads (`--include tests.celery_tasks`)."""

from __future__ import annotations

from django.core.cache import cache
from tenant_schemas_celery.task import TenantTask

from config.celery import app
from crm.models import Customer
from tenants.db import tenant_connection


@app.task(base=TenantTask, bind=True, name="tests.record_schema")
def record_schema(self: TenantTask, token: str) -> None:
    """Write the schema the task ran in, and what it saw there, under a tenant-scoped cache key."""
    cache.set(f"probe:{token}", {"schema": tenant_connection().schema_name, "customers": Customer.objects.count()}, 60)


@app.task(base=TenantTask, name="tests.mark_store")
def mark_store() -> None:
    """Leave a tenant-scoped mark saying which schema the task ran in."""
    cache.set("fanout:mark", tenant_connection().schema_name, 60)
