"""Throttles for the endpoints that check a credential: sign-in, hand-off tickets, invitations.

DRF's user/anon throttles (settings `REST_FRAMEWORK`) cover the API; `auth_throttled` puts the same
machinery (the "auth" rate, counted per client address in the cache) in front of plain Django views,
and answers 429 with a Chinese message and `Retry-After` once the rate is used up.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

F = TypeVar("F", bound=Callable[..., HttpResponse])


class AuthRateThrottle(SimpleRateThrottle):
    """The "auth" scope, per client address (signed in or not: a ticket is tried before sign-in)."""

    scope = "auth"

    def get_rate(self) -> str | None:
        # Read at call time, not import time, so a changed setting (or a test) takes effect.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return str(rate) if rate else None

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def auth_throttled(*, methods: tuple[str, ...] = ("GET", "POST")) -> Callable[[F], F]:
    """Decorate a Django view: requests with `methods` count against the "auth" rate."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                throttle = AuthRateThrottle()
                # DRF's throttle reads only META (the address) from the request; no view is needed.
                if not throttle.allow_request(request, None):  # type: ignore[arg-type]
                    wait = int(throttle.wait() or 60)
                    response = HttpResponse(_("尝试次数过多，请 %(seconds)s 秒后再试。") % {"seconds": wait},
                                            status=429, content_type="text/plain; charset=utf-8")
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return cast(F, wrapped)

    return decorator
