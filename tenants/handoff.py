"""Move a signed-in user from the base domain to a store's domain without signing in again.

Browsers will not share a cookie between `localhost` and `<store>.localhost`, and in production
each store may even sit on its own domain. So the base domain signs a short-lived, single-use
ticket, and the store's domain exchanges it for a session of its own.
"""

from __future__ import annotations

import secrets

from django.core import signing
from django.core.cache import cache
from django_tenants.utils import schema_context

from tenants.db import tenant_connection

from .models import Store, StoreMembership, User

SALT = "chezhu.store-handoff"
MAX_AGE_S = 60


def handoff_ticket(*, user: User, store: Store) -> str:
    nonce = secrets.token_urlsafe(12)
    return signing.dumps({"u": user.pk, "s": store.pk, "n": nonce}, salt=SALT)


def handoff_redeem(ticket: str, store: Store) -> User | None:
    """The user the ticket was issued to, if it is fresh, unused, for this store, and they still work here."""
    try:
        data = signing.loads(ticket, salt=SALT, max_age=MAX_AGE_S)
    except signing.BadSignature:
        return None
    if data.get("s") != store.pk:
        return None
    # Single use: the first redeemer claims the nonce (key scoped to the public schema).
    with schema_context("public"):
        if not cache.add(f"handoff:{data['n']}", 1, timeout=MAX_AGE_S * 2):
            return None
    if tenant_connection().schema_name != store.schema_name:
        return None
    if not StoreMembership.objects.filter(user_id=data["u"], store=store, is_active=True).exists():
        return None
    return User.objects.filter(pk=data["u"], is_active=True).first()
