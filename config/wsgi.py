"""WSGI entry point (gunicorn). Defaults to production settings: a deploy that forgets
DJANGO_SETTINGS_MODULE gets the strict settings (and their missing-secret stop), never DEBUG."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
