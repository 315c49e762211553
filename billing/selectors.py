"""Billing state reads. (The billing issue fills in subscriptions; until then no group is lapsed.)"""


def group_is_read_only(group_id: int) -> bool:
    return False
