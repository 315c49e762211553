"""Lead pages, under /leads/ of the store domain (beside the lead board's /leads/<id>/<action>/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("inbox/", views.inbox_page, name="lead_inbox"),
    path("inbox/duty/", views.duty_view, name="lead_duty"),
    path("inbox/<int:pk>/claim/", views.claim_view, name="lead_claim"),
    path("inbox/<int:pk>/contact/", views.contact_view, name="lead_contact"),
    path("inbox/<int:pk>/assign/", views.assign_view, name="lead_assign"),
    path("hotline/", views.hotline_page, name="lead_hotline"),
    path("import/", views.import_page, name="lead_import"),
    path("response/", views.response_page, name="lead_response"),
]
