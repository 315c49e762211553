"""Secrets with local defaults, for the settings that never serve the public: dev, test, bench.

Production (config/settings/production.py) has no defaults: a missing secret stops the process.
"""

from .base import env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz")
STRIPE_API_KEY = env("STRIPE_API_KEY", default="sk_test_local_chezhu")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="whsec_local_chezhu")
