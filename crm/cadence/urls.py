"""Cadence pages (`/cadence/...`) and API (`/api/cadence/...`) on a store's domain.

config/urls_tenants includes `urlpatterns` at "cadence/" (namespace `cadence:`, from app_name); crm/api/urls.py
includes `api_urlpatterns` at "cadence/" through urls_api.py, in the `api:` namespace (`api:cadence_tasks`).
"""

from django.urls import path

from . import api, views

app_name = "cadence"

urlpatterns = [
    path("tasks/", views.my_tasks, name="tasks"),
    path("tasks/<int:pk>/complete/", views.task_complete_view, name="task_complete"),
    path("tasks/<int:pk>/skip/", views.task_skip_view, name="task_skip"),
    path("overdue/", views.overdue_page, name="overdue"),
    path("policy/", views.policy_page, name="policy"),
    path("policy/<str:kind>/override/", views.override_page, name="override"),
    path("maintenance-due/", views.maintenance_page, name="maintenance"),
    path("maintenance-due.<str:fmt>", views.maintenance_export, name="maintenance_export"),
    path("maintenance-due/lists/<int:pk>/download/", views.maintenance_list_download,
         name="maintenance_list_download"),
]

api_urlpatterns = [
    path("tasks/", api.MyTasks.as_view(), name="cadence_tasks"),
    path("tasks/<int:pk>/complete/", api.TaskComplete.as_view(), name="cadence_task_complete"),
    path("tasks/<int:pk>/skip/", api.TaskSkip.as_view(), name="cadence_task_skip"),
    path("overdue/", api.Overdue.as_view(), name="cadence_overdue"),
    path("policy/", api.EffectivePolicyView.as_view(), name="cadence_policy"),
    path("policy/<str:kind>/overrides/", api.Overrides.as_view(), name="cadence_overrides"),
]

