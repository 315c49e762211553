"""Billing fixtures: a real localstripe server, a request recorder, committed data and a Celery worker."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from django.db import connection
from django.test.utils import override_settings

from tenants.models import DealerGroup, GroupMembership, Store, User
from tenants.roles import GroupRole
from tenants.services.onboarding import store_onboard
from tests.conftest import worker_process

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real localstripe on a free port; the app's Stripe calls go there for the whole session."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("localstripe") / "localstripe.log").open("wb")
    proc = subprocess.Popen([str(VENV_BIN / "localstripe"), "--port", str(port), "--from-scratch"],
                            stdout=log, stderr=subprocess.STDOUT, cwd=str(tmp_path_factory.getbasetemp()))
    base = f"http://127.0.0.1:{port}"
    overrides = override_settings(STRIPE_API_BASE=base, STRIPE_MAX_NETWORK_RETRIES=0,
                                  BILLING_STRIPE_SEND_PRORATION_BEHAVIOR=False)
    try:
        _wait_port(port, proc)
        overrides.enable()
        yield base
    finally:
        overrides.disable()
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


class Recorder:
    """A tiny HTTP server standing in for api.stripe.com: records each request, answers canned JSON."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.replies: dict[str, dict[str, Any]] = {}
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                recorder.requests.append({"method": "POST", "path": self.path, "form": dict(parse_qsl(body)),
                                          "headers": dict(self.headers)})
                reply = recorder.replies.get(self.path, {"id": "obj_1", "object": "unknown"})
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def stripe_recorder() -> Iterator[Recorder]:
    rec = Recorder()
    with override_settings(STRIPE_API_BASE=rec.base, STRIPE_MAX_NETWORK_RETRIES=0):
        yield rec
    rec.server.shutdown()


@pytest.fixture
def committed(world: Any, django_db_blocker: Any) -> Iterator[None]:
    """Database access without the per-test transaction: every commit is real (on_commit fires)."""
    with django_db_blocker.unblock():
        # Never commit into a development database: only into this run's test database.
        assert connection.settings_dict["NAME"] == connection.settings_dict["TEST"]["NAME"]
        yield


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def new_group_with_admin() -> tuple[DealerGroup, User]:
    code = unique("bill")
    group = DealerGroup.objects.create(code=code, name=f"账单测试{code}")
    mobile = "139" + str(uuid.uuid4().int)[:8]
    admin = User.objects.create_user(email=f"{code}@test.chezhu.cn", password="x" * 16, name="账单管理员",
                                     mobile=mobile)
    GroupMembership.objects.create(user=admin, group=group, role=GroupRole.HQ_ADMIN)
    return group, admin


def new_store(group: DealerGroup) -> Store:
    slug = unique("bs")
    return store_onboard(group=group, name=f"店{slug}", slug=slug, city="杭州", gm_name="经理",
                         gm_mobile="13700000000").store


@pytest.fixture
def celery_worker(committed: None, localstripe: str) -> Iterator[subprocess.Popen[bytes]]:
    """A real worker carrying the Stripe settings (pointed at localstripe): the only consumer meanwhile."""
    with worker_process({"STRIPE_API_BASE": localstripe, "STRIPE_MAX_NETWORK_RETRIES": "0",
                         "BILLING_STRIPE_SEND_PRORATION_BEHAVIOR": "false"}) as proc:
        yield proc
