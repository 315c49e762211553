"""After-sales pages (`/aftersales/...`) and API (`/api/aftersales/...`) on a store's domain.

config/urls_tenants includes `urlpatterns` at "aftersales/" (namespace `aftersales:`, from app_name); crm/api/urls.py
includes `crm.aftersales.urls_api` at "aftersales/", in the `api:` namespace (`api:aftersales_visits`).
"""

from django.urls import URLPattern, path

from . import api, survey_views, views

app_name = "aftersales"

urlpatterns: list[URLPattern] = [
    path("visits/", views.visit_queue_page, name="visits"),
    path("visits/<int:pk>/", views.visit_call_page, name="visit"),
    path("visits/<int:pk>/complaint/", views.visit_complaint_draft, name="visit_complaint"),
    path("visits/<int:pk>/survey-link/", views.visit_survey_link, name="visit_survey_link"),
    path("complaints/", views.complaint_list_page, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/edit/", views.complaint_edit, name="complaint_edit"),
    path("complaints/<int:pk>/transition/", views.complaint_transition_view, name="complaint_transition"),
    path("complaints/<int:pk>/print/", views.complaint_print, name="complaint_print"),
    path("actions/", views.actions_page, name="actions"),
    path("actions/mine/", views.my_actions_page, name="my_actions"),
    path("actions/<int:pk>/approve/", views.action_approve, name="action_approve"),
    path("actions/<int:pk>/complete/", views.action_complete, name="action_complete"),
    path("actions/<int:pk>/return/", views.action_return, name="action_return"),
    path("actions/<int:pk>/revise/", views.action_revise, name="action_revise"),
    path("gm/", views.gm_page, name="gm"),
    path("report/", views.report_page, name="report"),
    path("report.xlsx", views.report_export, name="report_xlsx"),
    path("report/print/", views.report_print, name="report_print"),
    path("notifications/", views.notifications_page, name="notifications"),
]

# The customer's survey pages (no sign-in), included at "s/" on the store's host by crm/urls.py.
survey_urlpatterns: list[URLPattern] = [
    path("", survey_views.survey_code_page, name="survey_code"),
    path("thanks/", survey_views.survey_thanks_page, name="survey_thanks"),
    path("<str:token>/", survey_views.survey_answer_page, name="survey_answer"),
]

api_urlpatterns: list[URLPattern] = [
    path("return-visits/", api.VisitQueue.as_view(), name="aftersales_visits"),
    path("return-visits/<int:pk>/", api.VisitDetail.as_view(), name="aftersales_visit"),
    path("return-visits/<int:pk>/record/", api.VisitRecord.as_view(), name="aftersales_visit_record"),
    path("return-visits/<int:pk>/complaint-draft/", api.VisitComplaintDraft.as_view(),
         name="aftersales_visit_complaint"),
    path("complaints/", api.Complaints.as_view(), name="aftersales_complaints"),
    path("complaints/<int:pk>/", api.ComplaintDetail.as_view(), name="aftersales_complaint"),
    path("complaints/<int:pk>/transition/", api.ComplaintTransitionView.as_view(),
         name="aftersales_complaint_transition"),
    path("corrective-actions/", api.Actions.as_view(), name="aftersales_actions"),
    path("corrective-actions/<int:pk>/approve/", api.ActionApprove.as_view(), name="aftersales_action_approve"),
    path("corrective-actions/<int:pk>/complete/", api.ActionComplete.as_view(),
         name="aftersales_action_complete"),
    path("report/", api.Report.as_view(), name="aftersales_report"),
]
