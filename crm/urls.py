"""Store CRM pages, namespace `crm:` (included at the store domain's root by config.urls_tenants)."""

from django.urls import URLPattern, URLResolver, include, path

from .aftersales.urls import survey_urlpatterns
from .personal_info import views as personal_info
from .views import customers, funnel, imports, leads, pool, privacy, sales_floor, suppression, vehicles

app_name = "crm"

urlpatterns: list[URLPattern | URLResolver] = [
    path("customers/", customers.customer_list_page, name="customer_list"),
    path("suppression/", suppression.suppression_page, name="suppression"),
    path("suppression/<int:pk>/remove/", suppression.suppression_remove, name="suppression_remove"),
    path("customers/views/", customers.saved_view_create, name="saved_view_create"),
    path("customers/new/", customers.customer_new, name="customer_new"),
    path("customers/import/", imports.import_page, name="import"),
    path("customers/import/<int:pk>/", imports.import_job_page, name="import_job"),
    path("customers/import/<int:pk>/confirm/", imports.import_job_confirm, name="import_confirm"),
    path("customers/export.<str:fmt>", imports.export_view, name="export"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/reveal/", privacy.phone_reveal_view, name="phone_reveal"),
    path("customers/<int:pk>/edit/", customers.customer_edit, name="customer_edit"),
    path("customers/<int:pk>/reassign/", customers.customer_reassign_view, name="customer_reassign"),
    path("customers/<int:pk>/merge/", pool.customer_merge_page, name="customer_merge"),
    path("customers/<int:pk>/vehicles/", customers.vehicle_new, name="vehicle_new"),
    path("customers/<int:pk>/vehicles/<int:vehicle_pk>/mileage/", customers.mileage_new, name="mileage_new"),
    path("customers/<int:pk>/vehicles/<int:vehicle_pk>/transfer/", customers.vehicle_transfer_page,
         name="vehicle_transfer"),
    path("customers/<int:pk>/followups/", funnel.followup_new, name="followup_new"),
    path("customers/<int:pk>/test-drives/", funnel.test_drive_new, name="test_drive_new"),
    path("customers/<int:pk>/service-visits/", funnel.service_visit_new, name="service_visit_new"),
    path("customers/<int:pk>/appointments/", sales_floor.appointment_new, name="appointment_new"),
    path("test-drives/<int:pk>/<str:outcome>/", sales_floor.test_drive_keep_view, name="test_drive_keep"),
    path("appointments/", sales_floor.appointment_board, name="appointments"),
    path("appointments/<int:pk>/<str:action>/", sales_floor.appointment_action, name="appointment_action"),
    path("key-customers/", sales_floor.key_review_page, name="key_review"),
    path("key-customers/open/", sales_floor.key_review_open, name="key_review_open"),
    path("key-customers/export.xlsx", sales_floor.key_review_export, name="key_review_export"),
    path("key-customers/items/<int:pk>/", sales_floor.key_review_outcome, name="key_review_outcome"),
    path("key-customers/<int:week_pk>/coach/<int:consultant_id>/", sales_floor.key_review_coach_view,
         name="key_review_coach"),
    path("search/", customers.search_page, name="search"),
    path("vehicles/<int:pk>/", vehicles.vehicle_detail, name="vehicle_detail"),
    path("vehicles/<int:pk>/documents/", vehicles.vehicle_document_new, name="vehicle_document_new"),
    path("vehicles/<int:pk>/documents/<int:doc_pk>/", vehicles.vehicle_document_download,
         name="vehicle_document"),
    path("vehicles/<int:pk>/documents/<int:doc_pk>/delete/", vehicles.vehicle_document_remove,
         name="vehicle_document_delete"),
    path("reception/", funnel.reception_new, name="reception_new"),
    path("leads/", funnel.lead_board_page, name="lead_board"),
    path("leads/defeats/", pool.defeat_review_page, name="defeat_review"),
    path("leads/defeats/<int:pk>/<str:action>/", pool.defeat_decide, name="defeat_decide"),
    path("leads/pool/", pool.pool_page, name="pool"),
    path("leads/pool/<int:pk>/claim/", pool.pool_claim_view, name="pool_claim"),
    path("leads/<int:pk>/<str:action>/", funnel.lead_action, name="lead_action"),
    path("today/", funnel.today_page, name="today"),
    path("supervision/", funnel.supervision_page, name="supervision"),
    path("privacy/access-log/", privacy.access_log_page, name="access_log"),
    path("privacy/access-log/export.<str:fmt>", privacy.access_log_export, name="access_log_export"),
    # 个人信息权利请求 (PIPL Art. 44–47) and 保存期限, for the GM.
    path("privacy/requests/", personal_info.request_list, name="privacy_requests"),
    path("privacy/requests/new/", personal_info.request_new, name="privacy_request_new"),
    path("privacy/requests/<int:pk>/", personal_info.request_detail, name="privacy_request"),
    path("privacy/requests/<int:pk>/export.xlsx", personal_info.request_export, name="privacy_request_export"),
    path("privacy/requests/<int:pk>/answer/", personal_info.request_answer, name="privacy_request_answer"),
    path("privacy/requests/<int:pk>/correct/", personal_info.request_correct_view, name="privacy_request_correct"),
    path("privacy/requests/<int:pk>/delete/", personal_info.request_delete_view, name="privacy_request_delete"),
    path("privacy/requests/<int:pk>/refuse/", personal_info.request_refuse_view, name="privacy_request_refuse"),
    path("privacy/retention/", personal_info.retention_page, name="privacy_retention"),
]

# 线索接入 (crm.leads): the inbox, claim, first contact, assignment, 400 entry, lead import, response figures
# (beside the lead board's /leads/<id>/<action>/, so none of these paths starts with a number).
urlpatterns += [
    path("leads/inbox/", leads.inbox_page, name="lead_inbox"),
    path("leads/inbox/duty/", leads.duty_view, name="lead_duty"),
    path("leads/inbox/<int:pk>/claim/", leads.claim_view, name="lead_claim"),
    path("leads/inbox/<int:pk>/contact/", leads.contact_view, name="lead_contact"),
    path("leads/inbox/<int:pk>/assign/", leads.assign_view, name="lead_assign"),
    path("leads/hotline/", leads.hotline_page, name="lead_hotline"),
    path("leads/import/", leads.import_page, name="lead_import"),
    path("leads/response/", leads.response_page, name="lead_response"),
    path("leads/settings/", leads.settings_page, name="lead_settings"),
    path("leads/schedule/", leads.schedule_page, name="lead_schedule"),
    path("leads/schedule/<int:user_id>/", leads.schedule_edit_page, name="lead_schedule_edit"),
]
# 问卷链接: the customer answers a return-visit survey on the store's host without signing in.
urlpatterns += [path("s/", include(survey_urlpatterns))]
