"""A store's domain: the store CRM pages and API. Every view goes through tenants.access."""

from django.urls import include, path

from crm.views import home as crm_home
from tenants.api.schema import StoreSchemaView, StoreSwaggerView
from tenants.views import public, staff, store, store_settings, tokens

urlpatterns = [
    path("", crm_home.store_home, name="store_home"),
    path("auth/handoff/", store.handoff, name="handoff"),
    path("signout/", store.signout, name="store_signout"),
    path("healthz", public.healthz, name="store_healthz"),
    # 员工管理 (tenants.views.staff): invitations, roles, deactivation with 离职交接.
    path("staff/", staff.staff_page, name="staff"),
    path("store/hours/", store_settings.hours_page, name="store_hours"),
    path("staff/reassign/", staff.work_reassign_page, name="staff_reassign"),
    path("staff/tokens/", tokens.token_page, name="staff_tokens"),
    path("staff/tokens/<int:token_id>/revoke/", tokens.token_revoke, name="staff_token_revoke"),
    path("staff/invitations/<int:invitation_id>/<str:action>/", staff.invitation_action, name="staff_invitation"),
    path("staff/<int:membership_id>/role/", staff.member_role, name="staff_role"),
    path("staff/<int:membership_id>/wecom/", staff.member_wecom, name="staff_wecom"),
    path("staff/<int:membership_id>/deactivate/", staff.member_deactivate_page, name="staff_deactivate"),
    path("", include("crm.urls")),
    path("api/", include("crm.api.urls")),
    path("api/schema/", StoreSchemaView.as_view(urlconf="config.urls_tenants"), name="schema"),
    path("api/docs/", StoreSwaggerView.as_view(url_name="schema"), name="api_docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]
