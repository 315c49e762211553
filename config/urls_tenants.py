"""A store's domain: the store CRM pages and API. Every view goes through tenants.access."""

from django.urls import URLPattern, URLResolver, include, path

from crm.views import home as crm_home
from tenants.api.schema import StoreSchemaView, StoreSwaggerView
from tenants.views import public, staff, store, store_settings, tokens

# store: the store domain's own pages (home, sign-in hand-over, staff, store settings).
store_patterns = (
    [
        path("", crm_home.store_home, name="home"),
        path("auth/handoff/", store.handoff, name="handoff"),
        path("signout/", store.signout, name="signout"),
        path("healthz", public.healthz, name="healthz"),
        # 员工管理 (tenants.views.staff): invitations, roles, deactivation with 离职交接.
        path("staff/", staff.staff_page, name="staff"),
        path("store/hours/", store_settings.hours_page, name="hours"),
        path("staff/reassign/", staff.work_reassign_page, name="staff_reassign"),
        path("staff/tokens/", tokens.token_page, name="staff_tokens"),
        path("staff/tokens/<int:token_id>/revoke/", tokens.token_revoke, name="staff_token_revoke"),
        path("staff/invitations/<int:invitation_id>/<str:action>/", staff.invitation_action, name="staff_invitation"),
        path("staff/<int:membership_id>/role/", staff.member_role, name="staff_role"),
        path("staff/<int:membership_id>/wecom/", staff.member_wecom, name="staff_wecom"),
        path("staff/<int:membership_id>/deactivate/", staff.member_deactivate_page, name="staff_deactivate"),
    ],
    "store",
)

# api: the store API (crm.api.urls, which takes in the cadence and after-sales API) and its schema.
api_patterns: tuple[list[URLPattern | URLResolver], str] = (
    [
        path("", include("crm.api.urls")),
        path("schema/", StoreSchemaView.as_view(urlconf="config.urls_tenants"), name="schema"),
        path("docs/", StoreSwaggerView.as_view(url_name="api:schema"), name="docs"),
    ],
    "api",
)

urlpatterns = [
    path("", include(store_patterns)),
    path("", include("crm.urls")),
    path("cadence/", include("crm.cadence.urls")),
    path("aftersales/", include("crm.aftersales.urls")),
    path("api/", include(api_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
]
