"""Local development: `make run`."""

from .base import *  # noqa: F403
from .base import env
from .local import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SITE_PORT = env("SITE_PORT", default=":8000")
