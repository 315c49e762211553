"""Celery app. Tasks that touch a store's data are TenantTasks: they carry the schema name."""

import os

from tenant_schemas_celery.app import CeleryApp

# Production by default (never DEBUG by accident); `make run` and the tests set their own settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = CeleryApp("chezhu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
