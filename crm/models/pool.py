"""战败审核, 公海 and 客户合并: the records behind defeat approval, the shared pool and merging two customers.

- DefeatReview: one submission of a lead as defeated (handbook 000: defeated leads keep a reason and the
  competitor bought), and the sales manager's decision on it (approved, or sent back with a comment).
- PoolClaim: a consultant took a customer from the store's shared pool (公海); counted per store day
  for the policy's daily limit.
- CustomerMerge: two records of one person became one; who, when, which two, and which fields were kept.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import DefeatReason
from .customers import Customer
from .funnel import Lead


class DefeatDecision(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回")


class DefeatReview(models.Model):
    """战败审核: a consultant's request to close a lead as defeated, waiting for (or decided by) the manager."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="defeat_reviews")
    submitted_by_id = models.BigIntegerField(_("申请人"))
    submitted_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    reason = models.CharField(_("战败原因"), max_length=12, choices=DefeatReason.choices)
    competitor_brand = models.CharField(_("竞品品牌"), max_length=30, blank=True, default="")
    competitor_model = models.CharField(_("竞品车型"), max_length=40, blank=True, default="")
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    decision = models.CharField(_("审核结果"), max_length=10, choices=DefeatDecision.choices,
                                default=DefeatDecision.PENDING)
    decided_by_id = models.BigIntegerField(_("审核人"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    comment = models.CharField(_("审核意见"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("战败审核")
        verbose_name_plural = _("战败审核")
        constraints = [
            # A lead waits in the queue at most once.
            models.UniqueConstraint(fields=["lead"], condition=models.Q(decision="pending"),
                                    name="crm_defeat_one_pending"),
        ]
        indexes = [models.Index(fields=["decision", "submitted_at"], name="crm_defeat_queue")]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.decision}"


class PoolClaim(models.Model):
    """公海领取: who took which customer from the pool, on which store day (the daily limit counts these)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="pool_claims")
    user_id = models.BigIntegerField(_("领取人"))
    claimed_on = models.DateField(_("领取日期"))
    claimed_at = models.DateTimeField(_("领取时间"), default=timezone.now)

    class Meta:
        verbose_name = _("公海领取")
        verbose_name_plural = _("公海领取")
        indexes = [models.Index(fields=["user_id", "claimed_on"], name="crm_poolclaim_user_day")]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.user_id} {self.claimed_on}"


class CustomerMerge(models.Model):
    """客户合并: the audit record. The merged-away customer's id and a copy of its fields stay here."""

    survivor = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="merges")
    merged_id = models.BigIntegerField(_("被合并客户"))
    merged_snapshot = models.JSONField(_("被合并客户资料"), default=dict)
    field_choices = models.JSONField(_("字段取值"), default=dict)
    moved = models.JSONField(_("转移记录数"), default=dict)
    by_user_id = models.BigIntegerField(_("操作人"))
    created_at = models.DateTimeField(_("合并时间"), default=timezone.now)

    class Meta:
        verbose_name = _("客户合并记录")
        verbose_name_plural = _("客户合并记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"
