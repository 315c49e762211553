"""Logs and errors: a request id on every log line (JSON in production), and Sentry behind one variable.

- `RequestIdMiddleware` takes nginx's `X-Request-ID` (or makes one), keeps it for the request's log lines
  and answers it back; a Celery task's lines carry its task id the same way (`config/celery.py`).
- `ContextFilter` puts `request_id` on every record; django-tenants' `TenantContextFilter` adds
  `schema_name` (the store). With LOG_FORMAT=json (production's default) each line is one JSON object.
- `sentry_init()`: on only when SENTRY_DSN is set (web, worker and beat read the same settings).
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")  # a forwarded id is echoed back: never trust its shape


class RequestIdMiddleware:
    """One id per request, from nginx's `X-Request-ID` when well-formed, else a new one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = rid
        return response


class ContextFilter(logging.Filter):
    """Adds `request_id` (the HTTP request's or the Celery task's id) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def task_started(task_id: str | None = None, **_: Any) -> None:
    """Celery `task_prerun`: the task's log lines carry its id as request_id."""
    request_id_var.set(task_id or "-")


def task_finished(**_: Any) -> None:
    request_id_var.set("-")


def logging_config(*, fmt: str, level: str) -> dict[str, Any]:
    """LOGGING for settings: `fmt` is "json" (one object per line) or "text"."""
    formatters = {
        "text": {"format": "%(asctime)s %(levelname)s [%(schema_name)s %(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(schema_name)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "tenant_context": {"()": "django_tenants.log.TenantContextFilter"},
            "request_context": {"()": "config.observability.ContextFilter"},
        },
        "formatters": {"main": formatters[fmt]},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["tenant_context", "request_context"],
                        "formatter": "main"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
    }


def sentry_init(dsn: str, *, environment: str, release: str = "") -> bool:
    """Switch Sentry on (Django + Celery + logging errors). No personal data is sent: customers' names and
    phone numbers stay in China (PIPL); only stack traces, the request path and the store schema."""
    if not dsn:
        return False
    import sentry_sdk  # optional: loaded only when a Sentry DSN is set
    from sentry_sdk.integrations.celery import (
        CeleryIntegration,  # optional: loaded only when a Sentry DSN is set
    )
    from sentry_sdk.integrations.django import (
        DjangoIntegration,  # optional: loaded only when a Sentry DSN is set
    )

    sentry_sdk.init(dsn=dsn, environment=environment, release=release or None, send_default_pii=False,
                    integrations=[DjangoIntegration(), CeleryIntegration()], traces_sample_rate=0.0)
    return True
