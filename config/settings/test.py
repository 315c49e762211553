"""Test settings: the real PostgreSQL and Redis, fast hashing, no throttling surprises."""

from .base import *  # noqa: F403
from .base import DATABASES, env
from .local import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DB_NAME", default="test_chezhu")}
# `make test-citus`: the suite against a Citus coordinator (deploy/scale-out.md). The database is prepared
# on every node beforehand (CREATE EXTENSION citus, nodes added, schema-based sharding on) and used as it
# is: its name starts with test_ and pytest keeps it (--reuse-db), never creating or dropping it.
if env("CITUS_DATABASE_URL", default=""):
    DATABASES["default"] = {**env.db("CITUS_DATABASE_URL"), "ENGINE": "tenants.db_backend", "CONN_MAX_AGE": 0,
                            "CONN_HEALTH_CHECKS": True}
    if not DATABASES["default"]["NAME"].startswith("test_"):
        raise RuntimeError("CITUS_DATABASE_URL must name a database whose name starts with test_")
    DATABASES["default"]["TEST"] = {"NAME": DATABASES["default"]["NAME"]}
SITE_PORT = ""
AXES_FAILURE_LIMIT = 5
ALLOWED_HOSTS = ["*"]
TENANT_QUERY_GUARD = True
# Throttles counted in the shared Redis across a whole run would make unrelated tests flaky; the
# throttle tests (tests/security/test_headers.py) set low rates themselves.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {  # noqa: F405
    "anon": "100000/minute", "user": "100000/minute", "auth": "100000/minute"}}
