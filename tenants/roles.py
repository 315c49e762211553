"""Roles and what each may do. One table, read by the single access check (tenants.access)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StoreRole(models.TextChoices):
    GENERAL_MANAGER = "general_manager", _("总经理")
    SALES_MANAGER = "sales_manager", _("销售经理")
    SALES_CONSULTANT = "sales_consultant", _("销售顾问")
    CUSTOMER_SERVICE = "customer_service", _("客服专员")
    SERVICE_ADVISOR = "service_advisor", _("服务顾问")
    SERVICE_MANAGER = "service_manager", _("服务经理")


class GroupRole(models.TextChoices):
    HQ_ADMIN = "hq_admin", _("集团管理员")
    HQ_ANALYST = "hq_analyst", _("集团分析员")


class Perm:
    """Actions a store member may take; views name one of these."""

    VIEW_STORE = "view_store"
    VIEW_ALL_CUSTOMERS = "view_all_customers"
    EDIT_CUSTOMERS = "edit_customers"
    REASSIGN_CUSTOMERS = "reassign_customers"
    MANAGE_LEADS = "manage_leads"
    SUPERVISE = "supervise"
    RETURN_VISITS = "return_visits"
    COMPLAINTS = "complaints"
    APPROVE_ACTIONS = "approve_actions"
    SERVICE_ORDERS = "service_orders"
    MANAGE_STORE = "manage_store"
    IMPORT_EXPORT = "import_export"
    # 个人信息访问记录 (PIPL access log): the GM only, read even while the store is read-only.
    VIEW_ACCESS_LOG = "view_access_log"
    # The sales floor's manager decisions: 战败审核 and merging two customers (销售经理, 总经理).
    SALES_DECISIONS = "sales_decisions"
    # 个人信息权利请求 (PIPL Art. 44–47): register, export, correct, anonymise. The GM answers for the
    # store as 个人信息处理者 (Art. 50 requires a way to accept and handle requests); nobody else may.
    PERSONAL_INFO_REQUESTS = "personal_info_requests"


_ALL_STAFF = {Perm.VIEW_STORE, Perm.EDIT_CUSTOMERS}
_MANAGERS = {Perm.VIEW_ALL_CUSTOMERS, Perm.REASSIGN_CUSTOMERS, Perm.SUPERVISE, Perm.IMPORT_EXPORT}

STORE_ROLE_PERMS: dict[str, frozenset[str]] = {
    StoreRole.GENERAL_MANAGER: frozenset(
        _ALL_STAFF
        | _MANAGERS
        | {Perm.MANAGE_LEADS, Perm.RETURN_VISITS, Perm.COMPLAINTS, Perm.APPROVE_ACTIONS}
        | {Perm.SERVICE_ORDERS, Perm.MANAGE_STORE, Perm.VIEW_ACCESS_LOG, Perm.SALES_DECISIONS,
           Perm.PERSONAL_INFO_REQUESTS}
    ),
    StoreRole.SALES_MANAGER: frozenset(_ALL_STAFF | _MANAGERS | {Perm.MANAGE_LEADS, Perm.SALES_DECISIONS}),
    StoreRole.SALES_CONSULTANT: frozenset(_ALL_STAFF | {Perm.MANAGE_LEADS}),
    StoreRole.CUSTOMER_SERVICE: frozenset(
        _ALL_STAFF | {Perm.VIEW_ALL_CUSTOMERS, Perm.RETURN_VISITS, Perm.COMPLAINTS, Perm.IMPORT_EXPORT}
    ),
    # Advisors open whichever car comes into the workshop, so they see the whole store.
    StoreRole.SERVICE_ADVISOR: frozenset(_ALL_STAFF | {Perm.VIEW_ALL_CUSTOMERS, Perm.SERVICE_ORDERS}),
    StoreRole.SERVICE_MANAGER: frozenset(
        _ALL_STAFF | {Perm.VIEW_ALL_CUSTOMERS, Perm.SERVICE_ORDERS, Perm.COMPLAINTS, Perm.RETURN_VISITS}
        | {Perm.SUPERVISE}
    ),
}

# Actions still allowed while a store is read-only (suspended, or billing lapsed).
READ_ONLY_PERMS = frozenset({Perm.VIEW_STORE, Perm.VIEW_ALL_CUSTOMERS, Perm.SUPERVISE, Perm.VIEW_ACCESS_LOG})


def role_allows(role: str, perm: str) -> bool:
    return perm in STORE_ROLE_PERMS.get(role, frozenset())
