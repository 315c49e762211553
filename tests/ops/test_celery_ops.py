"""Celery operations: time limits on every task, broker visibility above the longest countdown, an
interactive queue the nightly fan-outs never use, JSON logs with request id and store schema, Sentry on
by one variable."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def _registered_tasks() -> dict[str, Any]:
    from config.celery import app

    app.loader.import_default_modules()
    return {name: t for name, t in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_has_a_soft_and_a_hard_time_limit() -> None:
    from config.celery import app

    tasks = _registered_tasks()
    assert len(tasks) >= 15
    for name, task in tasks.items():
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        assert soft and hard and soft < hard, name


def test_visibility_timeout_exceeds_the_longest_countdown() -> None:
    from config.celery import app

    visibility = app.conf.broker_transport_options["visibility_timeout"]
    longest = max(settings.CADENCE_SPREAD_S, settings.HQ_SNAPSHOT_SPREAD_S, settings.CADENCE_MONTHLY_SPREAD_S,
                  1800)  # 1800: the nightly classification's spread (CELERY_BEAT_SCHEDULE)
    assert visibility > longest + app.conf.task_time_limit
    assert settings.CELERY_BEAT_SCHEDULE["crm-classification-nightly"]["args"][1] <= longest


def test_interactive_work_is_routed_to_its_own_queue() -> None:
    from config.celery import app

    tasks = _registered_tasks()
    for name in ("crm.tasks.import_job_run", "hq.snapshot_refresh_store", "cadence.customer_run"):
        assert name in tasks
        route = app.amqp.router.route({}, name)
        assert route["queue"].name == "interactive", name
    assert app.amqp.router.route({}, "cadence.store_run")["queue"].name == "celery"
    assert {q.name for q in app.conf.task_queues} == {"interactive", "celery"}


def test_make_run_and_the_systemd_worker_consume_both_queues() -> None:
    assert '"-Q", "interactive,celery"' in (ROOT / "bin" / "dev.py").read_text()
    assert "-Q interactive,celery" in (ROOT / "deploy" / "systemd" / "chezhu-worker.service").read_text()


def test_request_id_is_answered_and_a_forged_one_replaced(db: Any) -> None:
    client = Client(HTTP_HOST="localhost")
    mine = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-0123456789abcdef")
    assert mine["X-Request-ID"] == "nginx-0123456789abcdef"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="<script>\nSet-Cookie: x")
    assert forged["X-Request-ID"] != "<script>\nSet-Cookie: x" and len(forged["X-Request-ID"]) == 32


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.dev", **env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True,
                          timeout=120)


def test_logs_are_json_lines_with_request_id_and_store_schema() -> None:
    code = (
        "import django, logging; django.setup()\n"
        "from django.db import connection\n"
        "from config.observability import request_id_var\n"
        "request_id_var.set('req-12345678')\n"
        "connection.set_schema('s_store_a')\n"  # what the store middleware does for a store host
        "logging.getLogger('crm').warning('客户导入完成')\n"
    )
    result = _python(code, LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr[-2000:]
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "客户导入完成"
    assert line["request_id"] == "req-12345678"
    assert line["schema_name"] == "s_store_a"
    assert line["level"] == "WARNING" and line["logger"] == "crm"


def test_production_logs_json_by_default() -> None:
    prod = (ROOT / "config" / "settings" / "production.py").read_text()
    assert 'LOG_FORMAT", default="json"' in prod


class _SentryPeer(http.server.BaseHTTPRequestHandler):
    """A local stand-in for Sentry's ingestion API: records envelope POSTs."""

    received: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding") == "gzip":
            import gzip

            body = gzip.decompress(body)
        _SentryPeer.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


def test_sentry_is_off_without_the_variable_and_reports_with_it() -> None:
    off = _python("import django; django.setup(); from django.conf import settings; print(settings.SENTRY_ENABLED)",
                  SENTRY_DSN="")
    assert off.stdout.strip() == "False", off.stderr[-1000:]
    server = http.server.HTTPServer(("127.0.0.1", 0), _SentryPeer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_port}/42"
        code = ("import django; django.setup(); import sentry_sdk\n"
                "from django.conf import settings; print(settings.SENTRY_ENABLED)\n"
                "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    sentry_sdk.capture_exception(e)\n"
                "sentry_sdk.flush(5)\n")
        on = _python(code, SENTRY_DSN=dsn)
        assert on.returncode == 0 and on.stdout.strip() == "True", on.stderr[-2000:]
    finally:
        server.shutdown()
    assert any(path.startswith("/api/42/envelope/") and b"ZeroDivisionError" in body
               for path, body in _SentryPeer.received)
