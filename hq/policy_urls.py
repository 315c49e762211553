"""HQ policy pages (/hq/policies/...) and API (/api/hq/policies/...), included by config/urls_public."""

from django.urls import path

from .api import policies as api
from .views import calendar, policies

pages = (
    [
        path("", policies.policy_list, name="list"),
        path("calendar/", calendar.calendar_page, name="calendar"),
        path("calendar/enter/", calendar.calendar_enter, name="calendar_enter"),
        path("versions/<int:version_id>/", policies.policy_version, name="version"),
        path("versions/<int:version_id>/edit/", policies.policy_edit, name="edit"),
        path("versions/<int:version_id>/publish/", policies.policy_publish, name="publish"),
        path("<str:kind>/", policies.policy_versions, name="versions"),
        path("<str:kind>/draft/", policies.policy_draft_new, name="draft_new"),
        path("<str:kind>/stores/", policies.policy_stores, name="stores"),
    ],
    "hq_policies",
)

api_patterns = (
    [
        path("", api.TemplateList.as_view(), name="templates"),
        path("calendar/<int:year>/", api.CalendarYearView.as_view(), name="calendar"),
        path("versions/<int:version_id>/", api.VersionDetail.as_view(), name="version"),
        path("versions/<int:version_id>/diff/", api.VersionDiff.as_view(), name="diff"),
        path("versions/<int:version_id>/publish/", api.VersionPublish.as_view(), name="publish"),
        path("<str:kind>/versions/", api.VersionList.as_view(), name="versions"),
        path("<str:kind>/stores/", api.AdoptionList.as_view(), name="stores"),
    ],
    "api_hq_policies",
)
