"""维修工单: after-sales visits that feed classification and return visits."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ServiceType
from .customers import Customer
from .vehicles import Vehicle


class ServiceVisit(models.Model):
    """维修工单 / 进站记录: one repair order."""

    order_no = models.CharField(_("工单号"), max_length=30, blank=True, default="")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="service_visits")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="service_visits")
    kind = models.CharField(_("工单类型"), max_length=10, choices=ServiceType.choices)
    visited_on = models.DateField(_("进站日期"))
    km = models.PositiveIntegerField(_("进站里程(km)"), null=True, blank=True)
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2, default=0)
    advisor_id = models.BigIntegerField(_("服务顾问"), null=True, blank=True)
    may_call = models.BooleanField(_("同意回访"), default=True)
    notes = models.TextField(_("备注"), blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("维修工单")
        verbose_name_plural = _("维修工单")
        indexes = [models.Index(fields=["customer", "-visited_on"], name="crm_visit_customer"),
                   models.Index(fields=["vehicle", "-visited_on"], name="crm_visit_vehicle"),
                   models.Index(fields=["-visited_on"], name="crm_visit_date")]
        constraints = [models.UniqueConstraint(fields=["order_no"], condition=~models.Q(order_no=""),
                                               name="crm_visit_order_no")]

    def __str__(self) -> str:
        return f"{self.order_no or self.pk} {self.get_kind_display()}"
