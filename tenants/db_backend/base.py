"""django-tenants' PostgreSQL backend with the schema guard installed on every connection."""

from typing import Any

from django.conf import settings
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper

from tenants.guard import query_guard


class DatabaseWrapper(TenantDatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if getattr(settings, "TENANT_QUERY_GUARD", False):
            self.execute_wrappers.append(query_guard)
