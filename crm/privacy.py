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
from django.utils.translation import gettext_lazy

from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.throttle import client_ip

from .models import AccessAction, Complaint, Customer, PersonalDataAccess, ReturnVisit

# The numbers a member may reveal (显示号码) on a customer they may see: the customer's own fields, and
# the number kept on one of the customer's records (the return visit's 回访号码, the complaint's 联系电话),
# named by the record's id (`ref`) and looked up only among this customer's records.
CUSTOMER_NUMBERS = ("mobile", "mobile2", "call_number")
RECORD_NUMBERS: dict[str, tuple[type[ReturnVisit] | type[Complaint], str, str]] = {
    "visit_number": (ReturnVisit, "number", "return_visit.number"),
    "complaint_phone": (Complaint, "contact_phone", "complaint.contact_phone"),
}
REVEALABLE = (*CUSTOMER_NUMBERS, *RECORD_NUMBERS)
# How the log names the fields that are not the customer's own (crm.selectors.privacy.field_labels).
FIELD_LABELS = {"return_visit.number": gettext_lazy("回访号码"), "complaint.contact_phone": gettext_lazy("投诉联系电话"),
                "vehicles": gettext_lazy("车辆")}
# The personal data the 360° page shows (the numbers there are masked, so they are not listed).
CUSTOMER_PAGE_FIELDS = ("name", "wechat", "gender", "age_cohort", "birthday", "region", "occupation",
                        "call_time", "tags", "notes")
# The API's customer record also carries the e-mail address and the contact channels (numbers masked).
CUSTOMER_API_FIELDS = (*CUSTOMER_PAGE_FIELDS, "email", "channels")
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
def phone_reveal(*, member: StoreMembership, customer: Customer, field: str, ref: int | None = None,
                 origin: Origin | None = None) -> str:
    """显示号码: the full number of one of the customer's phone fields (or of one of their records), recorded.

    The caller has loaded `customer` through crm.access (a colleague's customer is a 404 before this
    runs, so nothing is recorded that would tell the customer exists). A `ref` that is not one of this
    customer's records gets the same answer as an unknown field, and nothing is recorded."""
    if field in CUSTOMER_NUMBERS:
        value: str | None = str(getattr(customer, field) or "")
        logged, detail = field, ""
    elif field in RECORD_NUMBERS and ref is not None:
        model, attr, logged = RECORD_NUMBERS[field]
        value = model.objects.filter(pk=ref, customer_id=customer.pk).values_list(attr, flat=True).first()
        detail = f"#{ref}"
    else:
        value = None
    if value is None:
        raise DomainError(_("无法显示该字段。"), field="field")
    access_record(member=member, action=AccessAction.REVEAL, customer_ids=[customer.pk], fields=[logged],
                  origin=origin, detail=detail)
    return value
