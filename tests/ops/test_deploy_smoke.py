"""The repository deploys: production settings under gunicorn (deploy/gunicorn.conf.py) behind Debian's
nginx with deploy/nginx/chezhu.conf.template, all on 127.0.0.1, on this run's test database.

Checks /healthz, a store page chosen by the Host header, a static file served by nginx, HSTS and the
forwarded-proto chain, CSP (only when django-csp's middleware is configured), and that a missing secret
stops start-up. Skipped with the reason where Debian's nginx or openssl is absent (`make test` installs it).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import ssl
import string
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.conftest import worker_database_url
from tests.world import World

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(NGINX is None, reason="Debian's nginx is not installed (`make test` apt-installs it)"),
    pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed for the throw-away certificate"),
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prod_env(static_root: Path, **extra: str) -> dict[str, str]:
    # The stack keeps the test's clock: under `make test-at` (faketime) every process has the moved clock,
    # else a session signed in by the test would be read on another date.
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR", "VIRTUAL_ENV", "LD_PRELOAD")
           or k.startswith("FAKETIME")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", DJANGO_SECRET_KEY=settings.SECRET_KEY,  # the test's sessions must verify
               DATABASE_URL=worker_database_url(), REDIS_URL=settings.REDIS_URL, BASE_DOMAIN="localhost",
               STRIPE_API_KEY="sk_test_smoke", STRIPE_WEBHOOK_SECRET="whsec_smoke", STATIC_ROOT=str(static_root),
               MEDIA_ROOT=str(static_root.parent / "media"), GUNICORN_ACCESS_LOG="-",
               WEB_CONCURRENCY="1", WEB_THREADS="2")
    env.update(extra)
    return env


def _https(port: int, host: str, path: str, cookie: str = "") -> http.client.HTTPResponse:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the throw-away self-signed certificate
    conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=20, context=ctx)
    conn.request("GET", path, headers={"Host": host, "Cookie": cookie})
    resp = conn.getresponse()
    resp.body = resp.read()  # type: ignore[attr-defined]
    conn.close()
    return resp


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, world: World, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("deploy")
    static_root = tmp / "static"
    env = _prod_env(static_root)
    collect = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=300)
    assert collect.returncode == 0, collect.stderr[-2000:]
    web_port, https_port, http_port = _port(), _port(), _port()
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"], cwd=ROOT,
                           env={**env, "GUNICORN_BIND": f"127.0.0.1:{web_port}"},
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=localhost", "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
                   check=True, capture_output=True, timeout=60)
    site = string.Template((ROOT / "deploy/nginx/chezhu.conf.template").read_text()).safe_substitute(
        BASE_DOMAIN="localhost", HTTPS_LISTEN=f"127.0.0.1:{https_port}", HTTP_LISTEN=f"127.0.0.1:{http_port}",
        UPSTREAM=f"127.0.0.1:{web_port}", STATIC_ROOT=str(static_root), TLS_CERT=str(tmp / "cert.pem"),
        TLS_KEY=str(tmp / "key.pem"))
    (tmp / "chezhu.conf").write_text(site)
    # As root, nginx's workers would switch to www-data, which cannot read pytest's private temp dir.
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp / "nginx.conf").write_text(f"""
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    include {tmp}/chezhu.conf;
}}
""")
    test = subprocess.run([NGINX or "nginx", "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
                          capture_output=True, text=True, timeout=30)
    assert test.returncode == 0, test.stderr
    nginx = subprocess.Popen([NGINX or "nginx", "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _https(https_port, "localhost", "/healthz").status == 200:
                    break
            except OSError:
                pass
            assert web.poll() is None, web.stdout.read().decode()[-3000:] if web.stdout else ""
            assert time.monotonic() < deadline, "gunicorn behind nginx did not answer /healthz"
            time.sleep(0.3)
        yield {"https": https_port, "http": http_port, "static": static_root, "tmp": tmp}
    finally:
        nginx.terminate()
        web.terminate()
        nginx.wait(20)
        web.wait(30)


def test_healthz_through_nginx(stack: dict[str, Any]) -> None:
    resp = _https(stack["https"], "localhost", "/healthz")
    assert resp.status == 200
    assert json.loads(resp.body) == {"status": "ok", "database": "ok", "redis": "ok"}  # type: ignore[attr-defined]


def test_plain_http_redirects_to_https(stack: dict[str, Any]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", stack["http"], timeout=10)
    conn.request("GET", "/customers/", headers={"Host": "store-a.localhost"})
    resp = conn.getresponse()
    assert resp.status == 301
    assert resp.getheader("Location") == "https://store-a.localhost/customers/"


def test_a_store_page_is_chosen_by_the_host_header(stack: dict[str, Any], world: World,
                                                   django_db_blocker: Any) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    with django_db_blocker.unblock():
        user = world.user("a.general_manager")
        session = SessionStore()
        session.update({"_auth_user_id": str(user.pk), "_auth_user_backend": "tenants.auth.MobileOrEmailBackend",
                        "_auth_user_hash": user.get_session_auth_hash()})
        session.create()
        try:
            cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
            a = _https(stack["https"], "store-a.localhost", "/customers/", cookie)
            b = _https(stack["https"], "store-b.localhost", "/customers/", cookie)
        finally:
            session.delete()
    assert a.status == 200, a.body[:500]  # type: ignore[attr-defined]
    assert world.store_a.name in a.body.decode()  # type: ignore[attr-defined]
    assert b.status == 404  # A's general manager is no member of store B: denied as "not found"
    # Behind the proxy the request is secure (X-Forwarded-Proto from nginx): HSTS on every HTTPS answer.
    hsts = a.getheader("Strict-Transport-Security") or ""
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts
    assert a.getheader("X-Content-Type-Options") == "nosniff"
    assert a.getheader("X-Frame-Options") == "DENY"
    if "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE:  # django-csp is the security helper's slice
        assert a.getheader("Content-Security-Policy")


def test_anonymous_store_page_redirects_to_sign_in_over_https(stack: dict[str, Any]) -> None:
    resp = _https(stack["https"], "store-a.localhost", "/customers/")
    assert resp.status == 302
    assert (resp.getheader("Location") or "").startswith(("https://", "/"))


def test_a_static_file_is_served_by_nginx(stack: dict[str, Any]) -> None:
    manifest = json.loads((stack["static"] / "staticfiles.json").read_text())["paths"]
    original, hashed = next((k, v) for k, v in manifest.items() if k.endswith(".css"))
    resp = _https(stack["https"], "localhost", f"/static/{hashed}")
    assert resp.status == 200
    assert resp.body == (stack["static"] / hashed).read_bytes()  # type: ignore[attr-defined]
    assert "immutable" in (resp.getheader("Cache-Control") or "")
    assert original != hashed


def test_a_missing_secret_stops_gunicorn_start_up(tmp_path: Path) -> None:
    env = _prod_env(tmp_path / "static", GUNICORN_BIND=f"127.0.0.1:{_port()}")
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=90)
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "missing environment variable(s) DJANGO_SECRET_KEY." in out, out[-2000:]
