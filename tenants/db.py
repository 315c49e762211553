"""The default connection, typed as django-tenants' wrapper (schema_name, set_tenant, ...)."""

from typing import cast

from django.db import connection
from django_tenants.postgresql_backend.base import DatabaseWrapper


def tenant_connection() -> DatabaseWrapper:
    return cast(DatabaseWrapper, connection)
