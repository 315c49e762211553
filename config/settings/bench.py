"""Benchmarks: production-like (no query guard, no debug), against the bench database."""

from .base import *  # noqa: F403
from .base import DATABASES
from .local import *  # noqa: F403

DEBUG = False
DATABASES["default"]["CONN_MAX_AGE"] = 0
LOGGING_CONFIG = None
