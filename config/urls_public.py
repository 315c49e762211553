"""Base domain: sign-in, HQ, platform admin, the HQ API."""

from django.contrib import admin
from django.urls import include, path

from crm.views.sms_callbacks import sms_callback
from hq import policy_urls as hq_policy_urls
from hq.api import metrics as hq_metrics_api
from hq.api.stores import StoreListCreate
from hq.views import messaging as hq_messaging
from hq.views import metrics as hq_metrics
from hq.views import stores as hq_stores
from tenants.api.schema import HqSchemaView, HqSwaggerView
from tenants.views import password, public, staff, tokens

hq_patterns = (
    [
        path("", hq_stores.store_list, name="stores"),
        path("stores/new/", hq_stores.store_add, name="store_add"),
        path("stores/<int:store_id>/status/", hq_stores.store_status, name="store_status"),
        path("compare/", hq_metrics.compare_page, name="compare"),
        path("compare/export.xlsx", hq_metrics.compare_export, name="compare_export"),
        path("trends/", hq_metrics.trend_page, name="trends"),
        path("stores/<int:store_id>/", hq_metrics.store_detail, name="store_detail"),
        path("stores/<int:store_id>/refresh/", hq_metrics.store_refresh, name="store_refresh"),
        path("stores/<int:store_id>/staff/", staff.hq_staff_page, name="store_staff"),
        path("account-events/", staff.hq_account_events, name="account_events"),
        path("tokens/", tokens.hq_token_page, name="tokens"),
        path("sms/", hq_messaging.sms_page, name="sms"),
        path("sms/account/", hq_messaging.sms_account_edit, name="sms_account"),
        path("sms/signatures/", hq_messaging.sms_signature_add, name="sms_signature_add"),
        path("sms/templates/", hq_messaging.sms_template_add, name="sms_template_add"),
        path("sms/wecom/", hq_messaging.wecom_account_edit, name="wecom_account"),
        path("sms/wecom/test/", hq_messaging.wecom_test, name="wecom_test"),
        path("tokens/<int:token_id>/revoke/", tokens.hq_token_revoke, name="token_revoke"),
        path("stores/<int:store_id>/staff/invitations/<int:invitation_id>/<str:action>/",
             staff.hq_invitation_action, name="store_staff_invitation"),
        path("stores/<int:store_id>/staff/<int:membership_id>/role/", staff.hq_member_role, name="store_staff_role"),
        path("stores/<int:store_id>/staff/<int:membership_id>/deactivate/", staff.hq_member_deactivate_page,
             name="store_staff_deactivate"),
    ],
    "hq",
)

# public: the base domain's own pages (sign-in, password, store switch, health, SMS callbacks).
public_patterns = (
    [
        path("", public.home, name="home"),
        path("signin/", public.signin, name="signin"),
        path("signout/", public.signout, name="signout"),
        path("switch/<int:store_id>/", public.switch_store, name="switch_store"),
        path("invite/<uuid:token>/", public.invitation, name="invitation"),
        path("password/forgot/", password.forgot, name="password_forgot"),
        path("password/reset/", password.reset_by_code, name="password_reset"),
        path("password/reset/<int:user_id>/<str:token>/", password.reset_by_link, name="password_reset_link"),
        path("password/change/", password.change, name="password_change"),
        path("healthz", public.healthz, name="healthz"),
        path("sms/callback/<str:vendor>/<str:token>/<str:kind>/", sms_callback, name="sms_callback"),
    ],
    "public",
)

# api: the HQ API roots and the schema (billing and policies keep their API in their own namespaces).
api_patterns = (
    [
        path("hq/stores/", StoreListCreate.as_view(), name="hq_stores"),
        path("hq/metrics/catalogue/", hq_metrics_api.CatalogueView.as_view(), name="hq_metric_catalogue"),
        path("hq/metrics/compare/", hq_metrics_api.CompareView.as_view(), name="hq_compare"),
        path("hq/metrics/trend/", hq_metrics_api.TrendView.as_view(), name="hq_trend"),
        path("schema/", HqSchemaView.as_view(urlconf="config.urls_public"), name="schema"),
        path("docs/", HqSwaggerView.as_view(url_name="api:schema"), name="docs"),
    ],
    "api",
)

urlpatterns = [
    path("", include(public_patterns)),
    path("hq/", include(hq_patterns)),
    path("api/", include(api_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Billing: HQ billing page and API, and the Stripe webhook endpoint.
urlpatterns += [path("", include("billing.urls"))]

# Policies & cadence (hq.policy_urls): group policy templates, their diff/publish/adoption, the work calendar.
urlpatterns += [
    path("hq/policies/", include(hq_policy_urls.pages)),
    path("api/hq/policies/", include(hq_policy_urls.api_patterns)),
]
