"""After-sales API routes, included by crm/api/urls.py at "aftersales/"."""

from .urls import api_urlpatterns as urlpatterns

__all__ = ["urlpatterns"]
