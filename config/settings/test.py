"""Test settings: the real PostgreSQL and Redis, fast hashing, no throttling surprises."""

from .base import *  # noqa: F403
from .base import DATABASES, env
from .local import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DB_NAME", default="test_chezhu")}
SITE_PORT = ""
AXES_FAILURE_LIMIT = 5
ALLOWED_HOSTS = ["*"]
TENANT_QUERY_GUARD = True
# Throttles counted in the shared Redis across a whole run would make unrelated tests flaky; the
# throttle tests (tests/security/test_headers.py) set low rates themselves.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {  # noqa: F405
    "anon": "100000/minute", "user": "100000/minute", "auth": "100000/minute"}}
