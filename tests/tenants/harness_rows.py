from tests.harness import Case

ROWS = [
    # Store home: only members of this store.
    Case("a.general_manager", "a", "/", 200),
    Case("a.sales_consultant", "a", "/", 200),
    Case("a.customer_service", "a", "/", 200),
    Case("a.general_manager", "b", "/", 404, note="same group, other store"),
    Case("a.general_manager", "c", "/", 404, note="other group"),
    Case("c.general_manager", "a", "/", 404),
    Case("x.hq_admin", "a", "/", 404, note="HQ is not store staff"),
    Case("nobody", "a", "/", 404),
    Case(None, "a", "/", 302),
    Case("ab.sales_consultant", "a", "/", 200),
    Case("ab.sales_consultant", "b", "/", 200),
    Case("ab.sales_consultant", "c", "/", 404),
    # Store API.
    Case("a.general_manager", "a", "/api/me/", 200),
    Case("a.general_manager", "b", "/api/me/", 404),
    Case("c.sales_consultant", "a", "/api/me/", 404),
    Case(None, "a", "/api/me/", 401),
    # HQ pages and API: HQ of its own group only; store staff never.
    Case("x.hq_admin", None, "/hq/", 200),
    Case("x.hq_analyst", None, "/hq/", 200),
    Case("x.hq_admin", None, "/hq/stores/new/", 200),
    Case("x.hq_analyst", None, "/hq/stores/new/", 404, note="analysts read, admins onboard"),
    Case("a.general_manager", None, "/hq/", 404),
    Case("nobody", None, "/hq/", 404),
    Case(None, None, "/hq/", 302),
    Case("x.hq_admin", None, "/api/hq/stores/", 200),
    Case(None, None, "/api/hq/stores/", 401),
    Case("a.general_manager", None, "/api/hq/stores/", 404),
    Case("x.hq_admin", None, "/hq/stores/{c_id}/status/", 404, method="post", data={"status": "suspended"},
         note="a store of another group"),
    Case("x.hq_admin", "a", "/api/hq/stores/", 404, note="HQ API is not served on store hosts"),
    Case("x.hq_admin", None, "/switch/{a_id}/", 404, note="HQ cannot hand itself into a store"),
    Case("a.general_manager", None, "/switch/{b_id}/", 404),
]

# 员工管理 (issue 13): the GM on the store domain; the group's HQ admin on the base domain for its stores.
ROWS += [
    Case("a.general_manager", "a", "/staff/", 200),
    Case("a.sales_manager", "a", "/staff/", 404, note="only the GM manages staff"),
    Case("a.sales_consultant", "a", "/staff/", 404),
    Case("a.general_manager", "b", "/staff/", 404, note="GM of A sees nothing of B's staff"),
    Case("c.general_manager", "a", "/staff/", 404),
    Case("x.hq_admin", "a", "/staff/", 404, note="HQ manages staff from HQ pages"),
    Case(None, "a", "/staff/", 302),
    Case("a.general_manager", "b", "/staff/", 404, method="post",
         data={"name": "x", "mobile": "13901001003", "role": "sales_consultant"}, note="cannot invite into B"),
    Case("a.general_manager", "a", "/staff/reassign/", 200),
    Case("a.sales_consultant", "a", "/staff/reassign/", 404),
    Case("a.general_manager", "b", "/staff/reassign/", 404),
    Case("b.general_manager", "b", "/staff/999999/deactivate/", 404),
    Case("x.hq_admin", None, "/hq/stores/{a_id}/staff/", 200),
    Case("x.hq_admin", None, "/hq/stores/{b_id}/staff/", 200),
    Case("x.hq_admin", None, "/hq/stores/{c_id}/staff/", 404, note="group X cannot touch group Y's stores"),
    Case("x.hq_admin", None, "/hq/stores/{c_id}/staff/", 404, method="post",
         data={"name": "x", "mobile": "13901001003", "role": "sales_consultant"}),
    Case("x.hq_analyst", None, "/hq/stores/{a_id}/staff/", 404, note="analysts read metrics, admins manage staff"),
    Case("y.hq_admin", None, "/hq/stores/{a_id}/staff/", 404),
    Case("a.general_manager", None, "/hq/stores/{a_id}/staff/", 404),
]

# 找回密码 / 修改密码 (base domain only).
ROWS += [
    Case(None, None, "/password/forgot/", 200),
    Case(None, None, "/password/reset/", 200),
    Case(None, None, "/password/change/", 302),
    Case("a.sales_consultant", None, "/password/change/", 200),
    Case(None, "a", "/password/forgot/", 404, note="not served on store hosts"),
]

# API令牌 (store GM only).
ROWS += [
    Case("a.general_manager", "a", "/staff/tokens/", 200),
    Case("a.sales_manager", "a", "/staff/tokens/", 404),
    Case("a.general_manager", "b", "/staff/tokens/", 404),
    Case("c.general_manager", "a", "/staff/tokens/", 404, method="post", data={"name": "x", "access": "write"}),
    Case("b.general_manager", "b", "/staff/tokens/999999/revoke/", 404, method="post"),
]

# 营业时间 (store GM) and the group's account events (HQ admin).
ROWS += [
    Case("a.general_manager", "a", "/store/hours/", 200),
    Case("a.customer_service", "a", "/store/hours/", 404),
    Case("a.general_manager", "b", "/store/hours/", 404),
    Case("x.hq_admin", None, "/hq/account-events/", 200),
    Case("x.hq_analyst", None, "/hq/account-events/", 404),
    Case("a.general_manager", None, "/hq/account-events/", 404),
]

# HQ API tokens (the group's HQ admin).
ROWS += [
    Case("x.hq_admin", None, "/hq/tokens/", 200),
    Case("x.hq_analyst", None, "/hq/tokens/", 404),
    Case("a.general_manager", None, "/hq/tokens/", 404),
    Case("y.hq_admin", None, "/hq/tokens/999999/revoke/", 404, method="post"),
]
