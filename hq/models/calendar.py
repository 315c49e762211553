"""工作日历: HQ corrections to China's public-holiday calendar (节假日 / 调休), per group."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.models import DealerGroup


class CalendarYear(models.Model):
    """HQ has entered this year's official schedule (国务院办公厅放假安排): the year is covered."""

    group = models.ForeignKey(DealerGroup, on_delete=models.CASCADE, related_name="calendar_years")
    year = models.PositiveSmallIntegerField(_("年份"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("日历年份")
        verbose_name_plural = _("日历年份")
        constraints = [models.UniqueConstraint(fields=["group", "year"], name="hq_calendar_year")]

    def __str__(self) -> str:
        return f"{self.group} {self.year}"


class CalendarDay(models.Model):
    """One corrected day: a holiday (放假) or an adjusted working day (调休上班)."""

    group = models.ForeignKey(DealerGroup, on_delete=models.CASCADE, related_name="calendar_days")
    day = models.DateField(_("日期"))
    is_working = models.BooleanField(_("上班"))
    name = models.CharField(_("名称"), max_length=40, blank=True, default="")

    class Meta:
        verbose_name = _("日历修正")
        verbose_name_plural = _("日历修正")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["group", "day"], name="hq_calendar_day")]

    def __str__(self) -> str:
        return f"{self.day} {gettext('上班') if self.is_working else gettext('放假')} {self.name}"
