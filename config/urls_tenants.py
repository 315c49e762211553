"""A store's domain: the store CRM pages and API. Every view goes through tenants.access."""

from django.urls import include, path

from tenants.api.schema import StoreSchemaView, StoreSwaggerView
from tenants.views import public, store

urlpatterns = [
    path("", store.store_home, name="store_home"),
    path("auth/handoff/", store.handoff, name="handoff"),
    path("signout/", store.signout, name="store_signout"),
    path("healthz", public.healthz, name="store_healthz"),
    path("", include("crm.urls")),
    path("api/", include("crm.api.urls")),
    path("api/schema/", StoreSchemaView.as_view(urlconf="config.urls_tenants"), name="schema"),
    path("api/docs/", StoreSwaggerView.as_view(url_name="schema"), name="api_docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]
