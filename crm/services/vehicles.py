"""Writes to vehicles: 建车辆档案, 过户 (change of owner) and 里程记录."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.roles import Perm, role_allows

from ..access import customers_for_member
from ..cadence.tasks import cadence_after_event
from ..models import Customer, MileageReading, Vehicle, VehicleOwnership
from ..models.choices import Usage
from ..validators import clean_plate, clean_vin, not_in_future

VEHICLE_FIELDS = ("plate", "brand", "model", "trim", "colour", "usage", "purchased_on", "delivered_on",
                  "warranty_until", "insurance_until")


def vehicle_clean(data: dict[str, Any], *, exclude_pk: int | None = None) -> dict[str, Any]:
    out = dict(data)
    if "plate" in out:
        out["plate"] = clean_plate(out["plate"] or "")
        if out["plate"] and Vehicle.objects.filter(plate=out["plate"]).exclude(pk=exclude_pk or 0).exists():
            raise DomainError(f"车牌号 {out['plate']} 已登记在另一辆车上。", field="plate")
    if out.get("usage") and out["usage"] not in Usage.values:
        raise DomainError("车辆用途取值无效。", field="usage")
    not_in_future(out.get("purchased_on"), field="purchased_on", label="购车日期")
    not_in_future(out.get("delivered_on"), field="delivered_on", label="交车日期")
    if out.get("purchased_on") and out.get("delivered_on") and out["delivered_on"] < out["purchased_on"]:
        raise DomainError("交车日期不能早于购车日期。", field="delivered_on")
    return out


@transaction.atomic
def vehicle_create(*, customer: Customer, vin: str, km: int | None = None, **fields: Any) -> Vehicle:
    """建车辆档案 (一车一档) for its owner; an optional odometer reading starts the mileage history."""
    unknown = set(fields) - set(VEHICLE_FIELDS)
    if unknown:
        raise DomainError(f"未知字段：{', '.join(sorted(unknown))}")
    vin = clean_vin(vin)
    if Vehicle.objects.filter(vin=vin).exists():
        raise DomainError(f"车架号 {vin} 已有车辆档案。", field="vin")
    data = vehicle_clean(fields)
    vehicle = Vehicle.objects.create(vin=vin, vin_tail=vin[-6:], owner=customer, **data)
    VehicleOwnership.objects.create(vehicle=vehicle, customer=customer,
                                    started_on=vehicle.delivered_on or timezone.localdate())
    if km is not None:
        mileage_record(vehicle=vehicle, km=km, read_on=timezone.localdate())
    cadence_after_event(customer_id=vehicle.owner_id)  # follow-up tasks appear after the commit
    return vehicle


@transaction.atomic
def vehicle_transfer(*, member: StoreMembership, vehicle: Vehicle, customer: Customer,
                     on: date | None = None) -> VehicleOwnership:
    """过户: the vehicle changes owner; the ownership history keeps the previous one and who recorded it.

    Only staff who may edit both customers (the current owner and the new one) may do it; a customer
    the member may not see gets the same answer as one that does not exist.
    """
    on = on or timezone.localdate()
    not_in_future(on, field="on", label="过户日期")
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)  # two transfers of one car queue up
    if vehicle.owner_id == customer.pk:
        raise DomainError("该客户已是这辆车的车主，无需过户。", field="to_mobile")
    editable = customers_for_member(member).filter(pk__in=(vehicle.owner_id, customer.pk)).count() == 2
    if not role_allows(member.role, Perm.EDIT_CUSTOMERS) or not editable:
        raise DomainError("未找到该客户，或您无权为其办理过户。", field="to_mobile")
    current = VehicleOwnership.objects.filter(vehicle=vehicle, ended_on__isnull=True).first()
    if current is not None and on < current.started_on:
        raise DomainError(f"过户日期不能早于当前车主的登记日期（{current.started_on:%Y年%m月%d日}）。", field="on")
    previous_owner_id = vehicle.owner_id
    VehicleOwnership.objects.filter(vehicle=vehicle, ended_on__isnull=True).update(ended_on=on)
    ownership = VehicleOwnership.objects.create(vehicle=vehicle, customer=customer, started_on=on,
                                                previous_owner_id=previous_owner_id, by_user_id=member.user_id)
    vehicle.owner = customer
    vehicle.save(update_fields=["owner"])
    # Reminders follow the car: the new owner's tasks appear, the previous owner's are re-planned.
    cadence_after_event(customer_id=customer.pk)
    cadence_after_event(customer_id=previous_owner_id)
    return ownership


@transaction.atomic
def mileage_record(*, vehicle: Vehicle, km: int, read_on: date, source: str = "manual") -> MileageReading:
    """里程记录: refuses negative or backwards readings; derives 日行驶里程 from the previous one."""
    if km is None or int(km) < 0:
        raise DomainError("里程不能为负数。", field="km")
    km = int(km)
    not_in_future(read_on, field="read_on", label="里程记录日期")
    Vehicle.objects.select_for_update().filter(pk=vehicle.pk).first()
    readings = MileageReading.objects.filter(vehicle=vehicle)
    before = readings.filter(read_on__lte=read_on).order_by("-read_on", "-km").first()
    after = readings.filter(read_on__gt=read_on).order_by("read_on", "km").first()
    if before is not None and km < before.km:
        raise DomainError(
            f"里程不能倒退：{before.read_on:%Y年%m月%d日} 已记录 {before.km:,} km，本次 {km:,} km。", field="km")
    if after is not None and km > after.km:
        raise DomainError(
            f"里程与之后的记录矛盾：{after.read_on:%Y年%m月%d日} 记录为 {after.km:,} km。", field="km")
    daily = None
    if before is not None and read_on > before.read_on:
        daily = (Decimal(km - before.km) / Decimal((read_on - before.read_on).days)).quantize(Decimal("0.1"))
    reading = MileageReading.objects.create(vehicle=vehicle, km=km, read_on=read_on, daily_km=daily, source=source)
    if after is None:
        vehicle.last_km = km
        if daily is not None:
            vehicle.daily_km = daily
        vehicle.save(update_fields=["last_km", "daily_km"])
    return reading
