"""个人信息保护 (PIPL): the access log's one writer, and the recorded reveal of a customer's number.

Every view, reveal, export, import and change of customers' personal data lands here as one row of
`PersonalDataAccess` (store schema). Recording is synchronous and cheap — one INSERT, no SELECT — so a
row is never lost with a dropped task, and a page view costs about as much as its session lookup.

"A GET never writes" holds for business tables; the access-log row of a page view is the one
exception, and it is deliberate: the law asks who *viewed* the data, and a view is a GET.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.throttle import client_ip

from .models import AccessAction, Customer, PersonalDataAccess

# The numbers a member may reveal (显示号码) on a customer they may see.
REVEALABLE = ("mobile", "mobile2", "call_number")
# The personal data the 360° page shows (the numbers there are masked, so they are not listed).
CUSTOMER_PAGE_FIELDS = ("name", "wechat", "gender", "age_cohort", "birthday", "region", "occupation",
                        "call_time", "email", "tags", "notes")
# The edit form shows every editable field in full (a number cannot be corrected masked).
CUSTOMER_FORM_FIELDS = ("name", "mobile", "mobile2", "wechat", "gender", "birthday", "region", "occupation",
                        "age_cohort", "call_number", "call_time", "email", "notes")


@dataclass(frozen=True)
class Origin:
    """Where a request came from: the client address (tenants.throttle.client_ip) and its user agent."""

    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def of(cls, request: Any) -> Origin:
        """From a Django or DRF request (DRF's Request proxies META)."""
        return cls(ip=client_ip(request), user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300])


def access_record(*, member: StoreMembership, action: str, customer_ids: Iterable[int],
                  fields: Sequence[str] = (), origin: Origin | None = None, detail: str = "") -> PersonalDataAccess:
    """Record one access to customers' personal data (个人信息访问记录): one INSERT, nothing read."""
    origin = origin or Origin()
    return PersonalDataAccess.objects.create(
        user_id=member.user_id, user_name=member.user.name[:50], role=member.role, action=action,
        customer_ids=sorted({int(i) for i in customer_ids}), fields=list(fields), detail=detail[:200],
        ip=origin.ip or None, user_agent=origin.user_agent[:300],
    )


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The fields whose value differs (what an edit changed), in the order given."""
    return [k for k, v in after.items() if before.get(k) != v]


@transaction.atomic
def phone_reveal(*, member: StoreMembership, customer: Customer, field: str,
                 origin: Origin | None = None) -> str:
    """显示号码: the full number of one of the customer's phone fields, recorded.

    The caller has loaded `customer` through crm.access (a colleague's customer is a 404 before this
    runs, so nothing is recorded that would tell the customer exists)."""
    if field not in REVEALABLE:
        raise DomainError(_("无法显示该字段。"), field="field")
    value = str(getattr(customer, field) or "")
    access_record(member=member, action=AccessAction.REVEAL, customer_ids=[customer.pk], fields=[field],
                  origin=origin)
    return value
