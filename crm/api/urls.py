from django.urls import path

from tenants.api.me import MeView

urlpatterns = [
    path("me/", MeView.as_view(), name="api_me"),
]
