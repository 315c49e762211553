"""Celery app. Tasks that touch a store's data are TenantTasks: they carry the schema name."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = CeleryApp("chezhu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
