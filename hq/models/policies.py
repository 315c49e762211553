"""集团政策模板: versioned policy templates (cadence, complaint, survey, classification) and adoption."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import DealerGroup, Store


class PolicyKind(models.TextChoices):
    CADENCE = "cadence", _("跟进节奏")
    COMPLAINT = "complaint", _("投诉处理")
    SURVEY = "survey", _("回访问卷")
    CLASSIFICATION = "classification", _("客户分类标准")


class PolicyTemplate(models.Model):
    """政策模板: one per group and kind; its versions are drafted, reviewed and published."""

    group = models.ForeignKey(DealerGroup, on_delete=models.CASCADE, related_name="policy_templates")
    kind = models.CharField(_("模板类型"), max_length=20, choices=PolicyKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("政策模板")
        verbose_name_plural = _("政策模板")
        constraints = [models.UniqueConstraint(fields=["group", "kind"], name="hq_template_group_kind")]

    def __str__(self) -> str:
        return f"{self.group} · {self.get_kind_display()}"


class PolicyVersion(models.Model):
    """模板版本: a draft may change; once published (已发布) it never changes (hq.services refuses)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    template = models.ForeignKey(PolicyTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    body = models.JSONField(_("模板内容"), default=dict)
    note = models.CharField(_("变更说明"), max_length=200, blank=True, default="")
    # Upper bound of follow-up tasks per customer per year (cadence only), computed at publish.
    tasks_per_customer_year = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # 生效日期: stores adopt on this day in the store's time (hq.services.policies); None = at once.
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("模板版本")
        verbose_name_plural = _("模板版本")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="hq_version_number"),
            models.UniqueConstraint(fields=["template"], condition=models.Q(status="draft"),
                                    name="hq_one_draft_per_template"),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"

    @property
    def label(self) -> str:
        return f"v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class StorePolicyAdoption(models.Model):
    """门店执行版本: which published version a store has in force, since when, with its own overrides."""

    group = models.ForeignKey(DealerGroup, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="policy_adoptions")
    kind = models.CharField(_("模板类型"), max_length=20, choices=PolicyKind.choices)
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="adoptions")
    adopted_at = models.DateTimeField(_("生效时间"), default=timezone.now)
    # {"rules.evening_call.message": "...", ...}: only paths the version leaves open (hq.policy.overrides).
    overrides = models.JSONField(_("门店调整"), default=dict, blank=True)
    # Overrides the new version no longer allows, kept for the store manager to see why they vanished.
    dropped_overrides = models.JSONField(default=dict, blank=True)
    overrides_updated_at = models.DateTimeField(null=True, blank=True)
    overrides_updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("门店执行版本")
        verbose_name_plural = _("门店执行版本")
        constraints = [models.UniqueConstraint(fields=["store", "kind"], name="hq_adoption_store_kind")]
        indexes = [models.Index(fields=["group", "kind"], name="hq_adoption_group_kind")]

    def __str__(self) -> str:
        return f"{self.store} · {self.get_kind_display()} · v{self.version_id}"


class PolicyChangeNotice(models.Model):
    """政策变更通知: told to a store's managers when the store adopts a new version — what changed
    (rows of hq.policy.diff) and which of the store's own adjustments the new version no longer allows."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="policy_notices")
    kind = models.CharField(_("模板类型"), max_length=20, choices=PolicyKind.choices)
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="notices")
    from_number = models.PositiveIntegerField(_("原版本号"))
    rows = models.JSONField(default=list, blank=True)
    dropped_overrides = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("政策变更通知")
        verbose_name_plural = _("政策变更通知")
        constraints = [models.UniqueConstraint(fields=["store", "version"], name="hq_notice_store_version")]
        indexes = [models.Index(fields=["store", "-created_at"], name="hq_notice_store_recent")]

    def __str__(self) -> str:
        return f"{self.store} · {self.get_kind_display()} v{self.from_number}→v{self.version_id}"
