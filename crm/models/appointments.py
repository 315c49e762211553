"""预约保养/维修 (service appointments) and the Monday key-customer review (重点客户周报, handbook 004)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cadence import OutboxMessage
from .customers import Customer
from .funnel import Lead
from .service import ServiceVisit
from .vehicles import Vehicle


class AppointmentKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("保养")
    REPAIR = "repair", _("维修")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    ARRIVED = "arrived", _("已到店")
    NO_SHOW = "no_show", _("未到店")
    CANCELLED = "cancelled", _("已取消")


class Appointment(models.Model):
    """预约保养/维修: a date and time with a service advisor; kept (到店) or missed (爽约)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="appointments")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="appointments")
    kind = models.CharField(_("预约类型"), max_length=12, choices=AppointmentKind.choices)
    starts_at = models.DateTimeField(_("预约时间"))
    advisor_id = models.BigIntegerField(_("服务顾问"))
    note = models.CharField(_("备注"), max_length=200, blank=True, default="")
    status = models.CharField(_("状态"), max_length=10, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.BOOKED)
    booked_by_id = models.BigIntegerField(_("预约登记人"))
    arrived_at = models.DateTimeField(_("到店时间"), null=True, blank=True)
    # The repair order opened at check-in: the car came in, which is what the cadence counts.
    service_visit = models.OneToOneField(ServiceVisit, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="appointment")
    reminder = models.OneToOneField(OutboxMessage, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="appointment")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        indexes = [models.Index(fields=["status", "starts_at"], name="crm_appt_status_start"),
                   models.Index(fields=["advisor_id", "starts_at"], name="crm_appt_advisor")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.starts_at:%Y-%m-%d %H:%M}"


class KeyOutcome(models.TextChoices):
    PENDING = "pending", _("待定")
    DEAL = "deal", _("成交")
    DEFEATED = "defeated", _("战败")
    POSTPONED = "postponed", _("延期")


class KeyReviewWeek(models.Model):
    """One Monday's key-customer review of the store; its row makes the Monday job idempotent."""

    week_start = models.DateField(_("周一"), unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("重点客户周报")
        verbose_name_plural = _("重点客户周报")

    def __str__(self) -> str:
        return str(self.week_start)


class KeyReviewItem(models.Model):
    """A key customer on a consultant's Monday list, and how the week ended: 成交 / 战败 / 延期."""

    week = models.ForeignKey(KeyReviewWeek, on_delete=models.CASCADE, related_name="items")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="key_reviews")
    consultant_id = models.BigIntegerField(_("销售顾问"))
    outcome = models.CharField(_("结果"), max_length=10, choices=KeyOutcome.choices, default=KeyOutcome.PENDING)
    reason = models.CharField(_("原因"), max_length=200, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("重点客户")
        verbose_name_plural = _("重点客户")
        constraints = [models.UniqueConstraint(fields=["week", "lead"], name="crm_keyreview_week_lead")]

    def __str__(self) -> str:
        return f"{self.week_id} {self.lead_id} {self.outcome}"


class KeyReviewCoaching(models.Model):
    """销售总监的辅导意见: one comment per consultant per week."""

    week = models.ForeignKey(KeyReviewWeek, on_delete=models.CASCADE, related_name="coaching")
    consultant_id = models.BigIntegerField(_("销售顾问"))
    comment = models.TextField(_("辅导意见"))
    by_user_id = models.BigIntegerField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("辅导意见")
        verbose_name_plural = _("辅导意见")
        constraints = [models.UniqueConstraint(fields=["week", "consultant_id"], name="crm_keyreview_coach")]

    def __str__(self) -> str:
        return f"{self.week_id} {self.consultant_id}"
