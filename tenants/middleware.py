"""Routes a request to its store's schema by host name, or to the public site on the base domain."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import set_urlconf
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.db import tenant_connection

from . import guard
from .models import Store
from .requests import TenantRequest


class StoreMiddleware(TenantMainMiddleware):
    """django-tenants' host routing, plus: archived stores are not served, and the schema guard
    is told which store this request serves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        super().__init__(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.process_request(request)
        if response is not None:
            return response
        tenant = getattr(request, "tenant", None)
        token = guard.set_serving(tenant.schema_name if tenant is not None else None)
        if tenant is not None:
            # "Today", working hours and displayed times are the store's own clock.
            timezone.activate(tenant.zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            guard.reset_serving(token)
            tenant_connection().set_schema_to_public()

    def get_tenant(self, domain_model, hostname):  # type: ignore[no-untyped-def]
        domain = domain_model.objects.select_related("tenant", "tenant__group").get(domain=hostname)
        if domain.tenant.status == Store.Status.ARCHIVED:
            raise domain_model.DoesNotExist
        return domain.tenant

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> None:
        base = settings.BASE_DOMAIN
        if hostname in (base, f"hq.{base}", "127.0.0.1", "testserver"):
            public = cast(TenantRequest, request)
            public.tenant = None
            public.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(public.urlconf)
            return None
        raise Http404(gettext("未找到该门店"))


class FriendlyErrorMiddleware:
    """"Not found" and "not allowed" answered with the product's own page, in every setting.

    The access check denies with Http404 (the same answer as "does not exist"); with DEBUG on, Django
    would show its technical 404 page for it. Rendering 404.html / 403.html here keeps the status code
    and the wording identical whether DEBUG is on or off, and never names what was asked for.
    (API views handle Http404 themselves and answer JSON; this only sees page views.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return render(request, "404.html", status=404)
        if isinstance(exception, PermissionDenied):
            return render(request, "403.html", status=403)
        return None


class NullByteGuardMiddleware:
    """A NUL character in the query string or a form field is never valid input (PostgreSQL text cannot
    hold one, so it would surface as a 500 deep inside a query): answer 400 before any view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            return HttpResponse(_("请求中含有无效字符（空字符）。"), status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or any("\x00" in k or any("\x00" in v for v in vs)
                                          for k, vs in request.GET.lists()):
            return True
        # Only urlencoded forms: parsing multipart here would consume the stream a view may read raw
        # (the Stripe webhook reads request.body); uploads are checked by their reader.
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            return any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.POST.lists())
        return False
