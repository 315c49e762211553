"""车辆: one car, one file (一车一档) — the vehicle, its owners over time and its mileage history."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AgeBand, Usage
from .customers import Customer


class Vehicle(models.Model):
    """车辆: identified by its VIN (ISO 3779, check digit verified by crm.validators)."""

    vin = models.CharField(_("车架号(VIN)"), max_length=17, unique=True)
    # Last six VIN characters: what staff read off a registration certificate (车架号后六位).
    vin_tail = models.CharField(max_length=6, db_index=True, editable=False)
    plate = models.CharField(_("车牌号"), max_length=8, blank=True, default="")
    owner = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("车主"))
    brand = models.CharField(_("品牌"), max_length=30, blank=True, default="")
    model = models.CharField(_("车型"), max_length=40, blank=True, default="")
    trim = models.CharField(_("配置"), max_length=60, blank=True, default="")
    colour = models.CharField(_("颜色"), max_length=20, blank=True, default="")
    usage = models.CharField(_("用途"), max_length=10, choices=Usage.choices, default=Usage.PRIVATE)
    purchased_on = models.DateField(_("购车日期"), null=True, blank=True)
    delivered_on = models.DateField(_("交车日期"), null=True, blank=True)
    warranty_until = models.DateField(_("质保到期"), null=True, blank=True)
    insurance_until = models.DateField(_("保险到期"), null=True, blank=True)
    # Derived from MileageReading by crm.services.vehicles.mileage_record.
    last_km = models.PositiveIntegerField(_("最近里程(km)"), null=True, blank=True)
    daily_km = models.DecimalField(_("日行驶里程(km)"), max_digits=7, decimal_places=1, null=True, blank=True)
    age_band = models.CharField(_("车龄分类"), max_length=10, choices=AgeBand.choices, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("车辆")
        verbose_name_plural = _("车辆")
        indexes = [
            models.Index(fields=["plate"], name="crm_vehicle_plate"),
            GinIndex(fields=["plate"], name="crm_vehicle_plate_trgm", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.plate or self.vin


class VehicleOwnership(models.Model):
    """车主变更: who owned the vehicle from when to when (ended_on null = current owner)."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="ownerships")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="ownerships")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    # Set by a 过户: who sold it on and which staff member recorded it (both 360° timelines show it).
    previous_owner = models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="ownerships_transferred_out", verbose_name=_("原车主"))
    by_user_id = models.BigIntegerField(_("经办人"), null=True, blank=True)

    class Meta:
        verbose_name = _("车主变更")
        verbose_name_plural = _("车主变更")
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(fields=["vehicle"], condition=models.Q(ended_on__isnull=True),
                                    name="crm_one_current_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_id} ← {self.customer_id}"


class MileageReading(models.Model):
    """里程记录: odometer at a date; the daily mileage (日行驶里程) since the previous reading."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="mileage_readings")
    read_on = models.DateField(_("日期"))
    km = models.PositiveIntegerField(_("里程(km)"))
    daily_km = models.DecimalField(_("日行驶里程(km)"), max_digits=7, decimal_places=1, null=True, blank=True)
    source = models.CharField(max_length=16, default="manual")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-read_on", "-km"]
        indexes = [models.Index(fields=["vehicle", "-read_on"], name="crm_mileage_vehicle")]

    def __str__(self) -> str:
        return f"{self.vehicle_id} {self.read_on} {self.km}km"


class DocumentKind(models.TextChoices):
    """车辆档案资料 kept with the car (一车一档)."""

    CONTRACT = "contract", _("购车合同")
    INVOICE = "invoice", _("发票")
    REGISTRATION = "registration", _("行驶证/登记证")
    INSURANCE = "insurance", _("保险单")


class VehicleDocument(models.Model):
    """车辆资料: an uploaded file about one car, stored under the store's schema name, served by a store view.

    `file_path` is a path in Django's default storage (`vehicle-docs/<schema>/<vehicle id>/<random>.<ext>`),
    never a public MEDIA URL.
    """

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("资料类型"), max_length=16, choices=DocumentKind.choices)
    file_path = models.CharField(max_length=300)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("大小"))
    note = models.CharField(_("备注"), max_length=200, blank=True, default="")
    uploaded_by_id = models.BigIntegerField(_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("车辆资料")
        verbose_name_plural = _("车辆资料")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["vehicle", "-uploaded_at"], name="crm_vehicledoc_vehicle")]

    def __str__(self) -> str:
        return f"{self.vehicle_id} {self.kind} {self.original_name}"
