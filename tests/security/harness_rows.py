"""Harness rows of the security slice: the API schema and docs are for members only."""

from tests.harness import Case

ROWS = [
    Case(None, "a", "/api/schema/", 401, note="anonymous: sign in or send a token"),
    Case("b.sales_consultant", "a", "/api/schema/", 404, note="member of B at A's host"),
    Case("x.hq_admin", "a", "/api/schema/", 404, note="HQ is not store staff"),
    Case("a.sales_consultant", "a", "/api/schema/", 200),
    Case("b.sales_consultant", "a", "/api/docs/", 404),
    Case("a.sales_consultant", "a", "/api/docs/", 200),
    Case(None, None, "/api/schema/", 401),
    Case("a.general_manager", None, "/api/schema/", 404, note="store staff is not HQ"),
    Case("x.hq_analyst", None, "/api/schema/", 200),
    Case("y.hq_admin", None, "/api/docs/", 200),
]
