"""Writes to vehicles: 建车辆档案, 过户 (change of owner), 里程记录 and the documents kept with the car."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from tenants.errors import DomainError
from tenants.models import StoreMembership
from tenants.requests import current_store
from tenants.roles import Perm, role_allows

from ..access import customers_for_member
from ..cadence.tasks import cadence_after_event
from ..models import Customer, DocumentKind, MileageReading, Vehicle, VehicleDocument, VehicleOwnership
from ..models.choices import Usage
from ..templatetags.crm_format import cndate
from ..validators import clean_plate, clean_vin, not_in_future

VEHICLE_FIELDS = ("plate", "brand", "model", "trim", "colour", "usage", "purchased_on", "delivered_on",
                  "warranty_until", "insurance_until")


def vehicle_clean(data: dict[str, Any], *, exclude_pk: int | None = None) -> dict[str, Any]:
    out = dict(data)
    if "plate" in out:
        out["plate"] = clean_plate(out["plate"] or "")
        if out["plate"] and Vehicle.objects.filter(plate=out["plate"]).exclude(pk=exclude_pk or 0).exists():
            raise DomainError(gettext("车牌号 %(plate)s 已登记在另一辆车上。") % {"plate": out["plate"]}, field="plate")
    if out.get("usage") and out["usage"] not in Usage.values:
        raise DomainError(gettext("车辆用途取值无效。"), field="usage")
    not_in_future(out.get("purchased_on"), field="purchased_on", label=gettext("购车日期"))
    not_in_future(out.get("delivered_on"), field="delivered_on", label=gettext("交车日期"))
    if out.get("purchased_on") and out.get("delivered_on") and out["delivered_on"] < out["purchased_on"]:
        raise DomainError(gettext("交车日期不能早于购车日期。"), field="delivered_on")
    return out


@transaction.atomic
def vehicle_create(*, customer: Customer, vin: str, km: int | None = None, **fields: Any) -> Vehicle:
    """建车辆档案 (一车一档) for its owner; an optional odometer reading starts the mileage history."""
    unknown = set(fields) - set(VEHICLE_FIELDS)
    if unknown:
        raise DomainError(gettext("未知字段：%(fields)s") % {"fields": ", ".join(sorted(unknown))})
    vin = clean_vin(vin)
    if Vehicle.objects.filter(vin=vin).exists():
        raise DomainError(gettext("车架号 %(vin)s 已有车辆档案。") % {"vin": vin}, field="vin")
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
    not_in_future(on, field="on", label=gettext("过户日期"))
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)  # two transfers of one car queue up
    if vehicle.owner_id == customer.pk:
        raise DomainError(gettext("该客户已是这辆车的车主，无需过户。"), field="to_mobile")
    editable = customers_for_member(member).filter(pk__in=(vehicle.owner_id, customer.pk)).count() == 2
    if not role_allows(member.role, Perm.EDIT_CUSTOMERS) or not editable:
        raise DomainError(gettext("未找到该客户，或您无权为其办理过户。"), field="to_mobile")
    current = VehicleOwnership.objects.filter(vehicle=vehicle, ended_on__isnull=True).first()
    if current is not None and on < current.started_on:
        raise DomainError(gettext("过户日期不能早于当前车主的登记日期（%(date)s）。") % {"date": cndate(current.started_on)},
                          field="on")
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
        raise DomainError(gettext("里程不能为负数。"), field="km")
    km = int(km)
    not_in_future(read_on, field="read_on", label=gettext("里程记录日期"))
    Vehicle.objects.select_for_update().filter(pk=vehicle.pk).first()
    readings = MileageReading.objects.filter(vehicle=vehicle)
    before = readings.filter(read_on__lte=read_on).order_by("-read_on", "-km").first()
    after = readings.filter(read_on__gt=read_on).order_by("read_on", "km").first()
    if before is not None and km < before.km:
        raise DomainError(
            gettext("里程不能倒退：%(date)s 已记录 %(before)s km，本次 %(km)s km。")
            % {"date": cndate(before.read_on), "before": f"{before.km:,}", "km": f"{km:,}"}, field="km")
    if after is not None and km > after.km:
        raise DomainError(
            gettext("里程与之后的记录矛盾：%(date)s 记录为 %(km)s km。")
            % {"date": cndate(after.read_on), "km": f"{after.km:,}"}, field="km")
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


# ------------------------------------------------------------------ 车辆资料 (documents kept with the car)

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# What the file's first bytes must be, whatever its name says (a renamed .exe is not a PDF).
_DOCUMENT_MAGIC = ((b"%PDF-", "application/pdf", "pdf"), (b"\xff\xd8\xff", "image/jpeg", "jpg"),
                   (b"\x89PNG\r\n\x1a\n", "image/png", "png"))


def document_type_check(*, head: bytes, size: int) -> tuple[str, str]:
    """(content type, extension) of an upload judged by its content; a clear Chinese error otherwise."""
    if size <= 0:
        raise DomainError(_("文件是空的，请重新选择。"), field="file")
    if size > DOCUMENT_MAX_BYTES:
        raise DomainError(_("文件不能超过 10 MB（本文件 %(mb).1f MB）。") % {"mb": size / 1024 / 1024}, field="file")
    for magic, content_type, ext in _DOCUMENT_MAGIC:
        if head.startswith(magic):
            return content_type, ext
    raise DomainError(_("只能上传 PDF、JPEG 或 PNG 文件（按文件内容判断，而不只是扩展名）。"), field="file")


def document_dir(vehicle: Vehicle) -> str:
    """Storage folder of one car's documents; it carries the store's schema name (files are per store)."""
    return f"vehicle-docs/{current_store().schema_name}/{vehicle.pk}/"


@transaction.atomic
def vehicle_document_upload(*, member: StoreMembership, vehicle: Vehicle, kind: str, upload: UploadedFile,
                            note: str = "") -> VehicleDocument:
    """上传车辆资料 (购车合同/发票/行驶证/保险单): checked by size and content, stored under the store's schema."""
    if kind not in DocumentKind.values:
        raise DomainError(_("请选择资料类型。"), field="kind")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type, ext = document_type_check(head=head, size=upload.size or 0)
    path = default_storage.save(f"{document_dir(vehicle)}{uuid.uuid4().hex}.{ext}", upload)
    try:  # the file is written before the row; a failed insert removes it again
        return VehicleDocument.objects.create(
            vehicle=vehicle, kind=kind, file_path=path, original_name=(upload.name or f"document.{ext}")[-200:],
            content_type=content_type, size=upload.size or 0, note=note.strip()[:200], uploaded_by_id=member.user_id)
    except Exception:
        default_storage.delete(path)
        raise


@transaction.atomic
def vehicle_document_delete(*, member: StoreMembership, document: VehicleDocument) -> None:
    """删除车辆资料: a manager's action; the file is removed once the row's deletion is committed."""
    if not role_allows(member.role, Perm.SUPERVISE):
        raise DomainError(_("只有经理可以删除车辆资料。"))
    path = document.file_path
    document.delete()
    transaction.on_commit(lambda: default_storage.delete(path))
