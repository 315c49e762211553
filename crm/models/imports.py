"""导入任务: an uploaded spreadsheet, its per-row errors, and import progress."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """客户导入: previewed first, then the valid rows imported (inline or by a Celery task)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("待确认")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    user_id = models.BigIntegerField()
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created_customers = models.PositiveIntegerField(default=0)
    created_vehicles = models.PositiveIntegerField(default=0)
    # [{"line": 3, "column": "手机号", "reason": "..."}], capped for display.
    errors = models.JSONField(default=list)
    message = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.valid_rows) if self.valid_rows else 100
