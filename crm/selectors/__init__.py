"""Reads of one store's CRM (call inside the store's schema; results are evaluated lists/dicts)."""

from .customers import CustomerFilters, customer_360, customer_list, customer_search, transfer_target
from .search import vin_near_matches
from .vehicles import vehicle_document_for_member, vehicle_file
from .work import lead_board, policy_notices_for, role_home, store_home_summary, supervision_data, today_data

__all__ = [
    "CustomerFilters", "customer_360", "customer_list", "customer_search", "lead_board", "policy_notices_for",
    "role_home", "store_home_summary", "supervision_data", "today_data", "transfer_target",
    "vehicle_document_for_member", "vehicle_file", "vin_near_matches",
]
