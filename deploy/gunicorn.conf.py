"""gunicorn for 车主CRM: `make run` (bin/dev.py) and production use this same file.

Sized for a 2-core host: WEB_CONCURRENCY processes × WEB_THREADS threads (gthread). Every thread keeps at
most one PostgreSQL connection (CONN_MAX_AGE reuses it, CONN_HEALTH_CHECKS replaces a broken one), so the
web tier never holds more than workers × threads connections however many clients arrive: a burst waits in
the listen backlog instead of exhausting `max_connections` (the dev server opened one per request thread).
"""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))  # 2 cores: 3 processes keep both busy during I/O waits
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
# Clients beyond workers × threads queue in the kernel; 2,048 holds a burst of hundreds.
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a stuck request is killed, its worker replaced
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# nginx on the same host is the only proxy trusted to set X-Forwarded-* (see deploy/README.md).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
wsgi_app = "config.wsgi:application"
# Load the app in the master before forking: a missing secret or broken settings stop start-up at once with
# the message (instead of workers failing to boot one after another); workers share the loaded code.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
