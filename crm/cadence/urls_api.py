"""Cadence API routes, included by crm/api/urls.py at "cadence/"."""

from .urls import api_urlpatterns as urlpatterns

__all__ = ["urlpatterns"]
