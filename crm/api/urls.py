"""The store API, namespace `api:` (config.urls_tenants `api_patterns`, at "api/"): names without a prefix."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from tenants.api.me import MeView

from ..leads.api import LeadPushView
from . import views

router = SimpleRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("vehicles", views.VehicleViewSet, basename="vehicle")
router.register("mileage-readings", views.MileageViewSet, basename="mileage")
router.register("receptions", views.ReceptionViewSet, basename="reception")
router.register("leads", views.LeadViewSet, basename="lead")
router.register("followups", views.FollowUpViewSet, basename="followup")
router.register("test-drives", views.TestDriveViewSet, basename="test_drive")
router.register("service-visits", views.ServiceVisitViewSet, basename="service_visit")
router.register("assignments", views.AssignmentViewSet, basename="assignment")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("leads/intake/", LeadPushView.as_view(), name="lead_intake"),
    path("customers/<int:pk>/reassign/", views.CustomerReassignView.as_view(), name="customer_reassign"),
    path("customers/<int:pk>/reveal/", views.CustomerRevealView.as_view(), name="customer_reveal"),
    *router.urls,
]

# Cadence engine API (crm.cadence): tasks and outcomes, overdue, effective policy, overrides.
urlpatterns += [path("cadence/", include("crm.cadence.urls_api"))]

# After-sales API (crm.aftersales): return visits, complaints (+transition), corrective actions, report.
urlpatterns += [path("aftersales/", include("crm.aftersales.urls_api"))]
