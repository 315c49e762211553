"""Billing URLs on the base domain (included from config.urls_public)."""

from django.urls import include, path

from . import api, views, webhook

app_name = "billing"

page_patterns = [
    path("", views.billing_page, name="page"),
    path("open/", views.billing_open, name="open"),
    path("plan/", views.billing_change_plan, name="change_plan"),
    path("cancel/", views.billing_cancel, name="cancel"),
    path("payment-method/", views.billing_payment_method, name="payment_method"),
]

urlpatterns = [
    path("hq/billing/", include(page_patterns)),
    path("api/hq/billing/", api.BillingState.as_view(), name="api_state"),
    path("api/hq/billing/plan/", api.BillingPlan.as_view(), name="api_plan"),
    path("billing/webhook/", webhook.billing_webhook, name="webhook"),
]
