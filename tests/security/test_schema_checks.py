"""The OpenAPI schemas generate without one drf-spectacular warning, and `check --deploy` is clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("urlconf", ["config.urls_tenants", "config.urls_public"])
def test_the_schema_validates_without_warnings(urlconf: str, tmp_path: Path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", urlconf=urlconf, validate=True, fail_on_warn=True, file=str(out))
    assert out.stat().st_size > 10_000


def test_check_deploy_with_production_settings_is_clean() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set for Playwright tests
    env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "DJANGO_SECRET_KEY": "x" * 20 + "-not-a-real-secret-but-long-and-varied-0123456789-abcdefghij",
           # Production names every required variable (deploy/env/chezhu.env.example): placeholders here.
           "BASE_DOMAIN": "chezhu.example", "STRIPE_API_KEY": "sk_test_placeholder",
           "STRIPE_WEBHOOK_SECRET": "whsec_placeholder"}
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chezhu")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    done = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
