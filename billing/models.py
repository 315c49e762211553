"""Public schema: a dealer group's Stripe customer and subscription, webhook events, audit trail."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import DealerGroup, User


class BillingAccount(models.Model):
    """订阅账户: one per dealer group; mirrors the Stripe customer and its one subscription."""

    class Status(models.TextChoices):
        # Stripe's subscription statuses, kept verbatim so the mirror never translates state.
        NONE = "", _("未开通")
        INCOMPLETE = "incomplete", _("待首次付款")
        TRIALING = "trialing", _("试用中")
        ACTIVE = "active", _("正常")
        PAST_DUE = "past_due", _("付款逾期")
        UNPAID = "unpaid", _("未付款")
        CANCELED = "canceled", _("已取消")
        INCOMPLETE_EXPIRED = "incomplete_expired", _("已失效")
        PAUSED = "paused", _("已暂停")

    group = models.OneToOneField(DealerGroup, on_delete=models.PROTECT, related_name="billing_account")
    stripe_customer_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    stripe_subscription_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    stripe_item_id = models.CharField(max_length=64, blank=True)
    plan_code = models.CharField(_("套餐"), max_length=32, blank=True)
    interval = models.CharField(_("计费周期"), max_length=8, blank=True)  # "month" / "year"
    quantity = models.PositiveIntegerField(_("计费门店数"), default=0)
    status = models.CharField(_("订阅状态"), max_length=24, choices=Status.choices, blank=True, default="")
    trial_ends_at = models.DateTimeField(_("试用截止"), null=True, blank=True)
    current_period_end = models.DateTimeField(_("本期截止"), null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    # Set by the first failed payment; the grace period runs from here (settings.BILLING_GRACE_DAYS).
    payment_failed_at = models.DateTimeField(_("付款失败时间"), null=True, blank=True)
    # `created` (unix seconds) of the newest Stripe event applied; older events never move state back.
    state_event_created = models.BigIntegerField(default=0)
    lapse_recorded = models.BooleanField(default=False)  # the "now read-only" audit line was written
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("订阅账户")
        verbose_name_plural = _("订阅账户")

    def __str__(self) -> str:
        return f"{self.group} · {self.plan_code or '-'} · {self.status or '-'}"


class WebhookEvent(models.Model):
    """A Stripe event as received: stored before processing, so a crash loses nothing."""

    stripe_event_id = models.CharField(max_length=64, unique=True)
    type = models.CharField(max_length=64)
    created = models.BigIntegerField()  # Stripe's unix seconds
    payload = models.JSONField()
    account = models.ForeignKey(BillingAccount, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="events")
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)  # why it changed nothing, or what went wrong
    deliveries = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("Stripe 事件")
        verbose_name_plural = _("Stripe 事件")
        indexes = [models.Index(fields=["processed_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_event_id}"


class BillingAuditLog(models.Model):
    """账单日志: every billing change a person or Stripe made, shown on the billing page."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("开通试用")
        QUANTITY = "quantity", _("门店数调整")
        PLAN = "plan", _("更换套餐")
        PAYMENT_FAILED = "payment_failed", _("付款失败")
        PAYMENT_RECOVERED = "payment_recovered", _("付款恢复")
        PAYMENT_SUCCEEDED = "payment_succeeded", _("付款成功")
        READ_ONLY = "read_only", _("转为只读")
        STATUS = "status", _("订阅状态变化")
        CANCELED = "canceled", _("取消订阅")
        DRIFT = "drift", _("数量校正")

    account = models.ForeignKey(BillingAccount, on_delete=models.CASCADE, related_name="audit_log")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    message = models.CharField(max_length=300)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    stripe_event_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("账单日志")
        verbose_name_plural = _("账单日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["account", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.message}"
