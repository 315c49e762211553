"""CRM domain errors (mapped to HTTP by tenants.api.errors and to form messages by crm.views)."""

from __future__ import annotations

from tenants.errors import Conflict


class DuplicateMobile(Conflict):
    """该手机号已有客户: carries the existing customer so the page can offer to open it."""

    def __init__(self, *, customer_id: int, customer_name: str, field: str = "mobile") -> None:
        super().__init__(f"该手机号已是客户「{customer_name}」的号码，请打开已有客户档案，不要重复建档。", field=field)
        self.customer_id = customer_id
        self.customer_name = customer_name
