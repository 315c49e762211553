"""The one place a `next` URL from a request is trusted: only a path on this host (the store's own
host, or the base domain) passes `url_has_allowed_host_and_scheme`; anything else — another site,
`//evil.example`, `javascript:`, a backslash trick — falls back to the page the view names."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def allowed_hosts(request: HttpRequest) -> set[str]:
    """This request's host and the base domain (with the request's port when it carries one)."""
    host = request.get_host()
    hosts = {host, settings.BASE_DOMAIN}
    _name, sep, port = host.rpartition(":")
    if sep and port.isdigit():
        hosts.add(f"{settings.BASE_DOMAIN}:{port}")
    return hosts


def safe_next(request: HttpRequest, url: str | None) -> str:
    """`url` if it is safe to redirect to from this request, else ""."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=allowed_hosts(request),
                                               require_https=request.is_secure()):
        return url
    return ""


def next_url(request: HttpRequest, fallback: str, *args: Any, param: str = "next") -> str:
    """The request's `next` (POST, then GET) when safe, else `fallback` (a URL name or path)."""
    return safe_next(request, request.POST.get(param) or request.GET.get(param)) or resolve_url(fallback, *args)


def redirect_next(request: HttpRequest, fallback: str, *args: Any, param: str = "next") -> HttpResponseRedirect:
    """Redirect to the request's `next` when safe, else to `fallback` (a URL name or path)."""
    return HttpResponseRedirect(next_url(request, fallback, *args, param=param))
