"""Production fails closed (issue 15): the entry points default to production settings, production has no
default secrets, and a missing one stops the process with a message naming it. Each entry point runs in
a subprocess with a clean environment (no DJANGO_SETTINGS_MODULE), as a forgotten deploy would."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DATABASE_URL": "postgres://chezhu@127.0.0.1:1/chezhu",  # never reached: these checks need no database
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "BASE_DOMAIN": "chezhu.cn",
    "STRIPE_API_KEY": "sk_live_not_a_real_key",
    "STRIPE_WEBHOOK_SECRET": "whsec_not_a_real_secret",
}
ENTRY_POINTS = {
    "wsgi": [sys.executable, "-c", "import config.wsgi; from django.conf import settings; print('DEBUG', settings.DEBUG)"],
    "asgi": [sys.executable, "-c", "import config.asgi; from django.conf import settings; print('DEBUG', settings.DEBUG)"],
    "celery": [sys.executable, "-c", "from config.celery import app; from django.conf import settings; "
               "print(app.conf.broker_url); print('DEBUG', settings.DEBUG)"],
}


def _clean_env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items()
            if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH")}
    return {**keep, **extra}


def _run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET", "DATABASE_URL"])
def test_an_entry_point_with_a_missing_secret_stops_with_a_clear_message(entry: str, missing: str) -> None:
    env = _clean_env(**{k: v for k, v in PROD_ENV.items() if k != missing})
    result = _run(ENTRY_POINTS[entry], env)
    assert result.returncode != 0, result.stdout
    assert f"missing environment variable(s) {missing}." in result.stderr, result.stderr[-2000:]
    assert "refusing to start" in result.stderr


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_entry_points_default_to_production_settings(entry: str) -> None:
    result = _run(ENTRY_POINTS[entry], _clean_env(**PROD_ENV))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "DEBUG False" in result.stdout


def test_a_short_secret_key_is_refused() -> None:
    result = _run(ENTRY_POINTS["wsgi"], _clean_env(**{**PROD_ENV, "DJANGO_SECRET_KEY": "short"}))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be at least 50 random characters" in result.stderr


def test_base_settings_carry_no_secret_defaults() -> None:
    base = (ROOT / "config" / "settings" / "base.py").read_text()
    for name in ("SECRET_KEY", "STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET"):
        assert not re.search(rf"^{name}\s*=", base, re.M), f"{name} is set in base.py"


def test_check_deploy_finds_nothing_in_the_settings() -> None:
    """`check --deploy --fail-level WARNING` with production settings: no security.* or other settings
    warning is left. What remains belongs to drf-spectacular's schema (the security helper's slice)."""
    result = _run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING",
                   "--settings=config.settings.production"], _clean_env(**PROD_ENV))
    out = result.stdout + result.stderr
    issues = re.findall(r"^\?: \((\S+?)\)|^\S.*?: \((\S+?)\)", out, re.M)
    ids = [a or b for a, b in issues]
    assert not [i for i in ids if not i.startswith("drf_spectacular")], out[-3000:]
    assert not re.search(r"\(security\.W\d+\)", out), out[-3000:]
