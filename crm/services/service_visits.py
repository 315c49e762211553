"""维修工单: recording a repair order updates mileage and the customer's classes at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from tenants.errors import DomainError
from tenants.models import StoreMembership

from ..cadence.tasks import cadence_after_event
from ..models import ServiceVisit, Vehicle
from ..models.choices import ServiceType
from ..validators import not_in_future, parse_money
from .classification import classification_recompute_customer
from .vehicles import mileage_record


@transaction.atomic
def service_visit_create(
    *, member: StoreMembership, vehicle: Vehicle, kind: str, visited_on: date, amount: Decimal | str | int | None = 0,
    km: int | None = None, advisor_id: int | None = None, may_call: bool = True, order_no: str = "",
    notes: str = "",
) -> ServiceVisit:
    """维修工单登记 (首保/定期保养/一般维修/保修/事故车/美容), with the return-call consent asked."""
    if kind not in ServiceType.values:
        raise DomainError(gettext("请选择工单类型。"), field="kind")
    not_in_future(visited_on, field="visited_on", label=gettext("进站日期"))
    money = parse_money(amount, field="amount") or Decimal("0.00")  # 金额 as typed: 1,280 / ¥1280 / 0.13万
    order_no = order_no.strip()[:30]
    if order_no and ServiceVisit.objects.filter(order_no=order_no).exists():
        raise DomainError(gettext("工单号 %(order_no)s 已存在。") % {"order_no": order_no}, field="order_no")
    if km is not None:
        mileage_record(vehicle=vehicle, km=km, read_on=visited_on, source="service")
    visit = ServiceVisit.objects.create(
        order_no=order_no, vehicle=vehicle, customer_id=vehicle.owner_id, kind=kind, visited_on=visited_on,
        km=km, amount=money, advisor_id=advisor_id or member.user_id, may_call=may_call, notes=notes.strip(),
    )
    classification_recompute_customer(customer_id=vehicle.owner_id)
    cadence_after_event(customer_id=visit.customer_id)  # follow-up tasks appear after the commit
    return visit
