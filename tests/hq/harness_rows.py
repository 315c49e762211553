"""Isolation rows for HQ policy pages and API: own group only, admins write, store staff never."""

from tests.harness import Case

from .helpers import draft_id, published_id


def y_version(w):  # type: ignore[no-untyped-def]
    return f"/hq/policies/versions/{published_id(w, 'y')}/"


def y_draft_edit(w):  # type: ignore[no-untyped-def]
    return f"/hq/policies/versions/{draft_id(w, 'y')}/edit/"


def y_draft_publish(w):  # type: ignore[no-untyped-def]
    return f"/hq/policies/versions/{draft_id(w, 'y')}/publish/"


def x_version(w):  # type: ignore[no-untyped-def]
    return f"/hq/policies/versions/{published_id(w, 'x')}/"


def x_draft_edit(w):  # type: ignore[no-untyped-def]
    return f"/hq/policies/versions/{draft_id(w, 'x')}/edit/"


def x_draft_publish(w):  # type: ignore[no-untyped-def]
    return f"/hq/policies/versions/{draft_id(w, 'x')}/publish/"


def x_draft_publish_api(w):  # type: ignore[no-untyped-def]
    return f"/api/hq/policies/versions/{draft_id(w, 'x')}/publish/"


def y_version_api(w):  # type: ignore[no-untyped-def]
    return f"/api/hq/policies/versions/{published_id(w, 'y')}/"


def y_diff_api(w):  # type: ignore[no-untyped-def]
    return f"/api/hq/policies/versions/{published_id(w, 'y')}/diff/"


def x_version_api(w):  # type: ignore[no-untyped-def]
    return f"/api/hq/policies/versions/{published_id(w, 'x')}/"


ROWS = [
    # Pages: HQ members of their own group read; admins write; store staff and strangers never.
    Case("x.hq_admin", None, "/hq/policies/", 200),
    Case("x.hq_analyst", None, "/hq/policies/", 200),
    Case("a.general_manager", None, "/hq/policies/", 404, note="store staff never reach HQ pages"),
    Case("nobody", None, "/hq/policies/", 404),
    Case(None, None, "/hq/policies/", 302),
    Case("x.hq_admin", "a", "/hq/policies/", 404, note="HQ pages are not served on store hosts"),
    Case("x.hq_admin", None, "/hq/policies/cadence/", 200),
    Case("x.hq_admin", None, "/hq/policies/nonsense/", 404),
    Case("x.hq_analyst", None, "/hq/policies/cadence/stores/", 200),
    Case("a.general_manager", None, "/hq/policies/cadence/stores/", 404),
    Case("x.hq_admin", None, x_version, 200),
    Case("x.hq_analyst", None, x_version, 200),
    Case("x.hq_admin", None, y_version, 404, note="another group's template version"),
    Case("x.hq_analyst", None, y_version, 404),
    Case("y.hq_admin", None, x_version, 404),
    Case("x.hq_admin", None, y_draft_edit, 404),
    Case("x.hq_admin", None, y_draft_publish, 404, method="post"),
    Case("x.hq_admin", None, x_draft_edit, 200),
    Case("x.hq_analyst", None, x_draft_edit, 404, note="analysts read, admins edit"),
    Case("x.hq_analyst", None, x_draft_publish, 404, method="post", note="analysts cannot publish"),
    Case("x.hq_analyst", None, "/hq/policies/cadence/draft/", 404, method="post"),
    Case("a.general_manager", None, x_draft_publish, 404, method="post"),
    Case("x.hq_admin", None, "/hq/policies/calendar/", 200),
    Case("x.hq_analyst", None, "/hq/policies/calendar/", 200),
    Case("x.hq_analyst", None, "/hq/policies/calendar/enter/", 404, method="post", data={"year": "2027"}),
    Case("a.general_manager", None, "/hq/policies/calendar/", 404),
    # API: same rules.
    Case("x.hq_admin", None, "/api/hq/policies/", 200),
    Case("x.hq_analyst", None, "/api/hq/policies/", 200),
    Case("a.general_manager", None, "/api/hq/policies/", 404),
    Case(None, None, "/api/hq/policies/", 401),
    Case("x.hq_admin", "a", "/api/hq/policies/", 404),
    Case("x.hq_analyst", None, "/api/hq/policies/cadence/versions/", 200),
    Case("x.hq_analyst", None, "/api/hq/policies/cadence/versions/", 404, method="post",
         note="analysts cannot draft"),
    Case("x.hq_analyst", None, x_draft_publish_api, 404, method="post", note="analysts cannot publish"),
    Case("x.hq_admin", None, x_version_api, 200),
    Case("x.hq_admin", None, y_version_api, 404),
    Case("x.hq_admin", None, y_diff_api, 404),
    Case("y.hq_analyst", None, x_version_api, 404),
    Case("x.hq_analyst", None, "/api/hq/policies/cadence/stores/", 200),
    Case("c.general_manager", None, "/api/hq/policies/cadence/stores/", 404),
    Case("x.hq_analyst", None, "/api/hq/policies/calendar/2027/", 200),
]
