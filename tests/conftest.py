"""Fixtures every test can use. Real PostgreSQL and Redis; no mocks of our own parts."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from tenants.db import tenant_connection
from tenants.models import Store, User

from .world import PASSWORD, World, build_world

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any, django_db_keepdb: bool) -> Iterator[None]:
    """pytest-django sets up a test database only if a collected test asks for `db`; a run of browser tests
    alone asks only for the committed `world`, so set the default database up here in that case."""
    from django.db import connection
    from django.test.utils import setup_databases

    if not connection.settings_dict["NAME"].startswith("test_"):
        with django_db_blocker.unblock():
            setup_databases(verbosity=0, interactive=False, aliases={"default"}, keepdb=django_db_keepdb)
    yield


@pytest.fixture(scope="session")
def world(django_db_setup: Any, django_db_blocker: Any) -> World:
    """Two groups, three stores and users of every role, committed once per test database."""
    with django_db_blocker.unblock():
        return build_world()


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:
    tenant_connection().set_schema_to_public()
    yield
    tenant_connection().set_schema_to_public()


@pytest.fixture(autouse=True)
def _reset_axes(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "db" in request.fixturenames or "world" in request.fixturenames:
        try:
            from axes.utils import reset

            reset()
        except Exception:  # noqa: BLE001 - db may be blocked for this test
            pass


def client_for(user: User | None, host: str = "localhost") -> Client:
    """A test client signed in as `user` (or anonymous), talking to `host`."""
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user, backend="tenants.auth.MobileOrEmailBackend")
    return client


@pytest.fixture
def make_client(world: World, db: Any) -> Any:
    def make(user_key: str | None, store: Store | None = None) -> Client:
        user = world.user(user_key) if user_key else None
        return client_for(user, world.host(store) if store is not None else "localhost")

    return make


@pytest.fixture
def in_store(world: World, db: Any) -> Any:
    """`with in_store(world.store_a):` runs code in that store's schema."""
    return tenant_context


@pytest.fixture
def public_schema() -> Any:
    return schema_context("public")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.base = f"http://localhost:{port}"

    def store_url(self, store: Store, path: str = "/") -> str:
        return f"http://{store.slug}.localhost:{self.port}{path}"


@pytest.fixture(scope="session")
def live_app(world: World, django_db_blocker: Any) -> Iterator[LiveServer]:
    """The real app served on localhost and *.localhost against the test database (committed data)."""
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    port = _free_port()

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    class ThreadedServer(WSGIServer):
        daemon_threads = True

        def process_request(self, request: Any, client_address: Any) -> None:
            t = threading.Thread(target=self._handle, args=(request, client_address), daemon=True)
            t.start()

        def _handle(self, request: Any, client_address: Any) -> None:
            try:
                self.finish_request(request, client_address)
            finally:
                self.shutdown_request(request)
                from django.db import connections

                connections.close_all()

    overrides = override_settings(SITE_PORT=f":{port}", ALLOWED_HOSTS=["*"], DEBUG=False)
    overrides.enable()
    blocker = django_db_blocker.unblock()
    blocker.__enter__()
    server = make_server("127.0.0.1", port, StaticFilesHandler(WSGIHandler()), server_class=ThreadedServer,
                         handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(port)
    finally:
        server.shutdown()
        blocker.__exit__(None, None, None)
        overrides.disable()
        _ = settings


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=executable,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def worker_database_url() -> str:
    """DATABASE_URL for a worker subprocess on this run's test database (TCP or the embedded socket)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    host = db["HOST"] or db.get("OPTIONS", {}).get("host", "")
    if host.startswith("/"):
        return f"postgres://{db['USER']}@/{db['NAME']}?host={host}"
    return f"postgres://{db['USER']}@{host or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A real `celery worker` process on the test database; started on demand, restartable."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.proc: Any = None

    def ensure_running(self) -> Worker:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        return self

    def _start(self) -> Any:
        import subprocess
        import sys
        import time

        from config.celery import app

        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning", "-c", "1",
             "--include", "tests.celery_tasks", "--without-mingle", "--without-gossip",
             "-n", f"test-{os.getpid()}@%h"],
            env=self.env, cwd=str(ROOT),
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if app.control.ping(timeout=0.5):
                return proc
            if proc.poll() is not None:
                raise RuntimeError("test celery worker exited at start")
        raise RuntimeError("test celery worker did not answer ping")

    def restart(self) -> None:
        self.stop()
        self.ensure_running()

    def stop(self) -> None:
        import subprocess

        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


_SESSION_WORKERS: list[Worker] = []


@contextlib.contextmanager
def worker_process(extra_env: dict[str, str] | None = None, *, pool: str = "solo") -> Iterator[Any]:
    """A dedicated real worker (for a suite that needs its own settings, or to kill one mid-task):
    pauses the shared worker, purges the broker, yields the Popen, prints the worker's log tail."""
    import subprocess
    import sys

    from django.conf import settings

    from config.celery import app

    stop_session_workers()  # one consumer on this run's broker
    app.control.purge()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=worker_database_url(),
               CELERY_BROKER_URL=settings.CELERY_BROKER_URL, **(extra_env or {}))
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", pool, "-c", "1", "--without-heartbeat",
         "--without-gossip", "--without-mingle", "-l", "INFO", "-Q", "celery,interactive"],
        cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: app.control.inspect(timeout=0.5).ping(), timeout=40, what="celery worker")
        yield proc
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        sys.stdout.write(out.decode(errors="replace")[-3000:])


def worker_children(pid: int) -> list[int]:
    """The pool processes of a prefork worker (the ones a test kills with SIGKILL)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def stop_session_workers() -> None:
    """For suites that run a worker of their own (billing): no second consumer on the same broker."""
    for worker in _SESSION_WORKERS:
        worker.stop()


@pytest.fixture(scope="session")
def _session_worker(world: World, django_db_blocker: Any) -> Iterator[Worker]:
    from django.conf import settings

    from config.celery import app

    with django_db_blocker.unblock():
        app.control.purge()
    worker = Worker(dict(os.environ, DATABASE_URL=worker_database_url(),
                         DJANGO_SETTINGS_MODULE="config.settings.test", REDIS_URL=settings.REDIS_URL))
    _SESSION_WORKERS.append(worker)
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def celery_worker(_session_worker: Worker) -> Worker:
    """A real `celery worker` process on the test database and this run's Redis, one process.

    Has `.proc` (the subprocess.Popen), `.restart()` and `.env`. Tasks sent from tests reach it only
    once committed: use data created outside the test transaction.
    """
    return _session_worker.ensure_running()


def wait_for(predicate: Any, timeout: float = 30.0, interval: float = 0.2, *, what: str = "") -> Any:
    """Poll until `predicate()` is truthy (for effects of a real worker); returns its value."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what or predicate}")


@pytest.fixture
def redis_cache() -> Iterator[Any]:
    yield cache
    cache.clear()


__all__ = ["PASSWORD", "client_for", "wait_for"]


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request in English (language cookie) leaves English active in this thread: the next test
    starts again from the site language, as a fresh worker process would."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
