"""Celery app. Tasks that touch a store's data are TenantTasks: they carry the schema name."""

import os

from celery.signals import task_postrun, task_prerun
from tenant_schemas_celery.app import CeleryApp

from config.observability import task_finished, task_started

# Production by default (never DEBUG by accident); `make run` and the tests set their own settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = CeleryApp("chezhu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Log lines written inside a task carry its id as request_id (config.observability).
task_prerun.connect(task_started, weak=False)
task_postrun.connect(task_finished, weak=False)
