"""A store's domain: the store CRM pages and API. Every view goes through tenants.access."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tenants.views import public, store

urlpatterns = [
    path("", store.store_home, name="store_home"),
    path("auth/handoff/", store.handoff, name="handoff"),
    path("signout/", store.signout, name="store_signout"),
    path("healthz", public.healthz, name="store_healthz"),
    path("", include("crm.urls")),
    path("api/", include("crm.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="config.urls_tenants"), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]
