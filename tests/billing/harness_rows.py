"""Billing isolation: HQ sees its own group's billing only; store staff never; analysts read, admins change."""

from tests.harness import Case

PLAN = {"plan": "professional:month"}

ROWS = [
    Case("x.hq_admin", None, "/hq/billing/", 200),
    Case("x.hq_analyst", None, "/hq/billing/", 200, note="analysts may look"),
    Case("y.hq_admin", None, "/api/hq/billing/", 200),
    Case("x.hq_admin", None, "/hq/billing/?group=group-y", 200, note="falls back to the caller's own group"),
    Case("a.general_manager", None, "/hq/billing/", 404, note="store staff are not HQ"),
    Case("a.general_manager", None, "/api/hq/billing/", 404),
    Case("a.general_manager", "a", "/hq/billing/", 404, note="not served on store hosts"),
    Case("x.hq_admin", "a", "/hq/billing/", 404),
    Case("x.hq_admin", "a", "/api/hq/billing/", 404),
    Case("nobody", None, "/hq/billing/", 404),
    Case(None, None, "/hq/billing/", 302),
    Case("x.hq_analyst", None, "/hq/billing/plan/", 404, method="post", data=PLAN, note="analysts cannot change plan"),
    Case("x.hq_analyst", None, "/api/hq/billing/plan/", 404, method="post", data={"plan": "basic", "interval": "year"}),
    Case("x.hq_analyst", None, "/hq/billing/open/", 404, method="post", data=PLAN),
    Case("x.hq_analyst", None, "/hq/billing/cancel/", 404, method="post"),
    Case("x.hq_analyst", None, "/hq/billing/payment-method/", 404, method="post"),
    Case("a.general_manager", None, "/hq/billing/plan/", 404, method="post", data=PLAN),
    Case("c.general_manager", None, "/api/hq/billing/plan/", 404, method="post", data={"plan": "basic", "interval": "year"}),
    Case(None, None, "/billing/webhook/", 405, note="webhook takes POST only"),
    Case(None, None, "/billing/webhook/", 400, method="post", data={"id": "evt_1"}, note="unsigned"),
]
