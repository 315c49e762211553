"""CRM domain errors (mapped to HTTP by tenants.api.errors and to form messages by crm.views)."""

from __future__ import annotations

from django.utils.translation import gettext

from tenants.errors import Conflict


class DuplicateMobile(Conflict):
    """该手机号已有客户: carries the existing customer so the page can offer to open it."""

    def __init__(self, *, customer_id: int | None, customer_name: str, field: str = "mobile") -> None:
        if customer_id is None:
            # The number belongs to a customer this user may not see: say so without naming or linking them.
            message = gettext("该手机号已有客户档案，由其他销售顾问跟进，请勿重复建档；如需协助请联系销售经理。")
        else:
            message = gettext("该手机号已是客户「%(name)s」的号码，请打开已有客户档案，不要重复建档。") % {
                "name": customer_name}
        super().__init__(message, field=field)
        self.customer_id = customer_id
        self.customer_name = customer_name if customer_id is not None else ""
