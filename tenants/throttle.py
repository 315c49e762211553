"""Sign-in throttling a showroom can live with.

Thirty staff share one store's internet address, so one person's typos must not lock the others:
- django-axes locks an (account, address) pair after AXES_FAILURE_LIMIT failures;
- an address alone is locked only after ADDRESS_FAILURE_LIMIT failures (much higher), counted here
  in Redis over AXES_COOLOFF_TIME, because axes has one limit for every parameter set;
- the account is the normalised login: `139 0100 1003`, `+86 13901001003` and `13901001003` are one
  account to the throttle, as they are to sign-in;
- a successful sign-in clears only that account's failures at that address, never another's.
Behind nginx the client address is read from X-Forwarded-For, trusting exactly TRUSTED_PROXY_COUNT
proxies (the right-most hops are ours); REMOTE_ADDR is the proxy itself (127.0.0.1).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django_tenants.utils import schema_context

from .validators import CN_MOBILE_RE, normalize_cn_mobile


def account_key(login: str | None) -> str:
    """The one spelling of a login for throttling: the 11-digit mobile, or the e-mail in lower case."""
    login = (login or "").strip()
    if "@" in login:
        return login.lower()
    mobile = normalize_cn_mobile(login)
    return mobile if CN_MOBILE_RE.match(mobile) else login


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: normalise before axes counts or checks anything."""
    login = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD) if credentials else None
    if login is None and request is not None:
        login = getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD)
    return account_key(login)


def client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE and every other caller: the client's address as our proxies saw it."""
    remote = request.META.get("REMOTE_ADDR")
    hops = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops <= 0 or not forwarded:
        return remote
    chain = [part.strip() for part in forwarded.split(",") if part.strip()]
    # nginx appends the address it saw; each trusted proxy adds one. Anything further left the client wrote.
    return chain[-hops] if len(chain) >= hops else chain[0]


def _address_key(ip: str) -> str:
    return f"signin-failures:{ip}"


def _window_s() -> int:
    return int(float(settings.AXES_COOLOFF_TIME) * 3600)


def failure_count_add(key: str, *, window_s: int) -> int:
    """Count one failure under `key` in the cache (the window starts at the first); returns the count.
    In a store's schema the cache key carries the schema, so one store's counts are its own."""
    if cache.add(key, 1, timeout=window_s):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_s)
        return 1


def failure_count(key: str) -> int:
    return int(cache.get(key) or 0)


def address_failure_record(ip: str | None) -> None:
    """Count one failed sign-in against the address (expires with the axes cool-off)."""
    if not ip:
        return
    with schema_context("public"):
        failure_count_add(_address_key(ip), window_s=_window_s())


def address_is_locked(ip: str | None) -> bool:
    """Too many failures from this address, whoever they were for."""
    if not ip:
        return False
    with schema_context("public"):
        return failure_count(_address_key(ip)) >= settings.ADDRESS_FAILURE_LIMIT


def address_reset(ip: str) -> None:
    with schema_context("public"):
        cache.delete(_address_key(ip))
