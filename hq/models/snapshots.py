"""Metrics flow up: each store writes its own figures into the public schema, HQ reads only these."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import DealerGroup, Store


class PeriodKind(models.TextChoices):
    DAY = "day", _("日")
    MONTH = "month", _("月")


class MetricSnapshot(models.Model):
    """指标快照: one figure of one store for one day or month. Recomputing a period replaces its rows."""

    group = models.ForeignKey(DealerGroup, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="metric_snapshots")
    period_kind = models.CharField(max_length=5, choices=PeriodKind.choices)
    period_start = models.DateField()
    metric = models.CharField(max_length=64)
    value = models.FloatField()
    policy_version = models.CharField(_("生效政策版本"), max_length=120, blank=True, default="")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "period_kind", "period_start", "metric"], name="uniq_snapshot"),
        ]
        indexes = [
            # The comparison page: one group, one period, a few metrics, every store — index-only.
            models.Index(fields=["group", "period_kind", "period_start", "metric"], name="snapshot_compare",
                         include=["store", "value"]),
            # Trends: one group, one metric, a range of periods.
            models.Index(fields=["group", "period_kind", "metric", "period_start"], name="snapshot_trend"),
        ]

    def __str__(self) -> str:
        return f"{self.store_id} {self.period_kind}:{self.period_start} {self.metric}={self.value}"


class SnapshotRun(models.Model):
    """When a store last refreshed a period, and whether it worked: a failed store shows as stale, not zero."""

    class Status(models.TextChoices):
        OK = "ok", _("已更新")
        FAILED = "failed", _("更新失败")

    group = models.ForeignKey(DealerGroup, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="snapshot_runs")
    period_kind = models.CharField(max_length=5, choices=PeriodKind.choices)
    period_start = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices)
    finished_at = models.DateTimeField(default=timezone.now)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "period_kind", "period_start"], name="uniq_snapshot_run"),
        ]
        indexes = [models.Index(fields=["group", "period_kind", "period_start"], name="snapshot_run_group")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.period_kind}:{self.period_start} {self.status}"
