"""A burst against the server `make run` uses: gunicorn with deploy/gunicorn.conf.py, dev settings.

Figures, at 10, 50 and 100 concurrent clients (BENCH_LOAD_CLIENTS), each client a thread on loopback
sending BENCH_LOAD_REQUESTS requests one after another, signed in as a store's general manager:
- load_<n>_rps: requests per second over the whole burst;
- load_<n>_p95_ms: 95th percentile latency;
- load_<n>_5xx: answers >= 500 plus failed connections (must be 0, the benchmark fails otherwise);
- then /healthz must answer 200 right after the burst (the app recovers by itself).
The mix: store home, customer list, one customer's 360° page, the customer API, and /healthz.
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.common import SMOKE, record, size

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = [int(c) for c in os.environ.get("BENCH_LOAD_CLIENTS", "5" if SMOKE else "10,50,100").split(",")]
REQUESTS = size("BENCH_LOAD_REQUESTS", 20, 4)  # per client


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, env_extra: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """gunicorn as `make run` starts it (same config file, dev settings), on 127.0.0.1:<port>."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.dev", SITE_PORT=f":{port}",
               GUNICORN_ACCESS_LOG="", **(env_extra or {}))
    env.pop("GUNICORN_ACCESS_LOG")  # no access log: the benchmark measures, it does not print 2,000 lines
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        cwd=str(ROOT), env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = get(port, "localhost", "/healthz", "")
            if status == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def get(port: int, host: str, path: str, cookie: str, timeout: float = 60.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": host, "Cookie": cookie, "Accept-Language": "zh-hans"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def burst(port: int, host: str, cookie: str, paths: list[str], clients: int, per_client: int) -> dict[str, Any]:
    """`clients` threads each send `per_client` requests (cycling through `paths`); bounded, loopback only."""
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(clients)

    def client(k: int) -> None:
        start_gate.wait()
        for i in range(per_client):
            path = paths[(k + i) % len(paths)]
            t0 = time.perf_counter()
            try:
                status, _ = get(port, host, path, cookie)
            except OSError:
                status = 599  # connection refused/reset counts as a server error
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
                statuses.append(status)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    return {
        "rps": len(statuses) / seconds,
        "p95_ms": statistics.quantiles(latencies, n=20)[18] if len(latencies) > 1 else latencies[0],
        "errors": sum(1 for s in statuses if s >= 500),
        "statuses": sorted(set(statuses)),
        "requests": len(statuses),
    }


def signed_in_store() -> tuple[str, str, list[str]]:
    """(host, session cookie, paths) for a demo store's general manager; the session lives in the DB."""
    from django.conf import settings
    from django.test import Client
    from django_tenants.utils import tenant_context

    from crm.demo import populate_store
    from crm.demo_group import demo_group_create
    from crm.models import Customer
    from tenants.models import StoreMembership

    store = demo_group_create(name="压测负载集团", code="bench-load", stores=1, group_no=7).stores[0]
    with tenant_context(store):
        if not Customer.objects.exists():
            populate_store(store=store, customers=size("BENCH_LOAD_CUSTOMERS", 2000, 30), seed=5)
        customer_id = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
    gm = StoreMembership.objects.select_related("user").get(store=store, role="general_manager").user
    client = Client()
    client.force_login(gm, backend="tenants.auth.MobileOrEmailBackend")
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    paths = ["/", "/customers/", f"/customers/{customer_id}/", "/api/customers/?page=1", "/healthz"]
    return f"{store.slug}.localhost", cookie, paths


def run() -> None:
    from django.core.management import call_command

    call_command("migrate_schemas", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    host, cookie, paths = signed_in_store()
    port = _free_port()
    server = start_server(port)
    try:
        for path in paths:  # every page of the mix answers 200 before we measure it
            status, body = get(port, host, path, cookie)
            assert status == 200, (path, status, body[:300])
        workers, threads = os.environ.get("WEB_CONCURRENCY", "3"), os.environ.get("WEB_THREADS", "4")
        for clients in CLIENTS:
            result = burst(port, host, cookie, paths, clients, REQUESTS)
            label = (f"{clients} concurrent clients × {REQUESTS} requests, gunicorn {workers}×{threads} gthread, "
                     f"mix of {len(paths)} store pages/API")
            record(f"load_{clients}_rps", result["rps"], "req/s", label)
            record(f"load_{clients}_p95_ms", result["p95_ms"], "ms", label)
            record(f"load_{clients}_5xx", result["errors"], "responses", label)
            assert result["errors"] == 0, result
            status, _ = get(port, "localhost", "/healthz", "", timeout=10)
            assert status == 200, f"/healthz answered {status} right after the burst of {clients}"
    finally:
        server.terminate()
        server.wait(30)
