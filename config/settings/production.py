"""Production: everything secret from the environment, no defaults; `manage.py check --deploy` clean.

A missing variable stops the process at start-up (web, worker, beat, manage.py) with one message that
names every missing one — never a silently insecure default. deploy/env/chezhu.env.example lists them.
"""

import os

from django.core.exceptions import ImproperlyConfigured

# Checked before anything else so one message names them all.
REQUIRED_ENV = ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "BASE_DOMAIN", "STRIPE_API_KEY",
                "STRIPE_WEBHOOK_SECRET")
_missing = [name for name in REQUIRED_ENV if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Chezhu CRM production settings: missing environment variable(s) " + ", ".join(_missing)
        + ". Set them in the environment file (deploy/env/chezhu.env.example lists every one); refusing to start."
    )

# The imports below come after the check on purpose: base.py reads the environment at import.
from config.observability import logging_config  # noqa: E402

from .base import *  # noqa: E402, F403
from .base import BASE_DIR, env  # noqa: E402

DEBUG = False
LOGGING = logging_config(fmt=env("LOG_FORMAT", default="json"), level=env("LOG_LEVEL", default="INFO"))
SECRET_KEY = env("DJANGO_SECRET_KEY")
STRIPE_API_KEY = env("STRIPE_API_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("Chezhu CRM production settings: DJANGO_SECRET_KEY must be at least 50 random characters.")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# TLS ends at nginx, which sets X-Forwarded-Proto (deploy/nginx/chezhu.conf); only nginx reaches gunicorn.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's and systemd's probes speak plain HTTP on loopback
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True  # every store is a subdomain
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SITE_SCHEME = "https"
SITE_PORT = ""
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))  # nginx serves it (deploy/nginx)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.storage.StaticStorage"},
}

# Behind the documented nginx (one proxy sending X-Forwarded-For / X-Real-IP): the client address is the
# right-most X-Forwarded-For hop, not 127.0.0.1. Set to 0 if Django faces the internet directly.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
