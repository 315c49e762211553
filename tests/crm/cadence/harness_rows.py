"""Isolation rows for the cadence pages and API: store staff of this store only, managers for supervision."""

from tests.harness import Case


def adopted_override(w):  # type: ignore[no-untyped-def]
    """Group X's starter cadence in force at store A, then the override page's path."""
    from hq.services.policies import group_policy_bootstrap, store_policy_adopt_current

    group_policy_bootstrap(group=w.group_x)
    store_policy_adopt_current(store=w.store_a)
    return "/cadence/policy/cadence/override/"


ROWS = [
    Case("a.sales_consultant", "a", "/cadence/tasks/", 200),
    Case("a.customer_service", "a", "/cadence/tasks/?day=2026-11-23", 200),
    Case("a.sales_consultant", "b", "/cadence/tasks/", 404, note="same group, other store"),
    Case("c.general_manager", "a", "/cadence/tasks/", 404, note="other group"),
    Case("x.hq_admin", "a", "/cadence/tasks/", 404, note="HQ is not store staff"),
    Case(None, "a", "/cadence/tasks/", 302),
    Case("a.sales_manager", "a", "/cadence/overdue/", 200),
    Case("a.sales_consultant", "a", "/cadence/overdue/", 404, note="consultants do not supervise"),
    Case("a.general_manager", "a", "/cadence/policy/", 200),
    Case("a.sales_consultant", "a", "/cadence/policy/", 200),
    Case("a.general_manager", "a", adopted_override, 200),
    Case("a.sales_manager", "a", adopted_override, 404, note="only the GM manages the store"),
    Case("b.general_manager", "a", adopted_override, 404),
    Case("a.customer_service", "a", "/cadence/maintenance-due/", 200),
    Case("a.customer_service", "a", "/cadence/maintenance-due.csv", 200),
    Case("a.sales_consultant", "a", "/cadence/maintenance-due.xlsx", 404),
    Case("a.customer_service", "a", "/cadence/maintenance-due/lists/999999/download/", 404, note="no such list"),
    Case("a.sales_consultant", "a", "/cadence/maintenance-due/lists/1/download/", 404, note="no export right"),
    Case("b.customer_service", "a", "/cadence/maintenance-due/lists/1/download/", 404, note="other store"),
    Case(None, "a", "/cadence/maintenance-due/lists/1/download/", 302),
    Case("a.sales_consultant", "a", "/cadence/tasks/999999/complete/", 404, method="post",
         data={"outcome": "reached"}),
    Case("a.general_manager", None, "/cadence/tasks/", 404, note="store pages are not on the base domain"),
    Case("a.sales_consultant", "a", "/api/cadence/tasks/", 200),
    Case("b.sales_consultant", "a", "/api/cadence/tasks/", 404),
    Case(None, "a", "/api/cadence/tasks/", 401),
    Case("a.sales_consultant", "a", "/api/cadence/overdue/", 404),
    Case("a.service_manager", "a", "/api/cadence/overdue/", 200),
    Case("a.sales_consultant", "a", "/api/cadence/policy/", 200),
    Case("c.sales_consultant", "a", "/api/cadence/policy/", 404),
]
