"""集团短信配置: the group's SMS account (keys encrypted), its signatures and templates with review status.

Public schema, one group's rows only (selectors take the group first). Which policy messages use a
template: `SmsTemplate.rule_keys` (cadence rule keys, and "appointment_reminder").
"""

from __future__ import annotations

import secrets

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.messaging.base import MessageKind, Vendor
from tenants.models import DealerGroup


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


def _callback_token() -> str:
    return secrets.token_urlsafe(24)


class SmsAccount(models.Model):
    """短信服务账号: one per group. AccessKey secret / SecretKey are Fernet-encrypted (tenants.messaging.secrets)."""

    group = models.OneToOneField(DealerGroup, on_delete=models.CASCADE, related_name="sms_account")
    vendor = models.CharField(_("短信服务商"), max_length=10, choices=Vendor.choices, default=Vendor.LOG)
    key_id_encrypted = models.TextField(blank=True, default="")
    secret_encrypted = models.TextField(blank=True, default="")
    # 腾讯云 SmsSdkAppId (the SMS application); unused by Aliyun.
    app_id = models.CharField(_("短信应用ID(SdkAppId)"), max_length=20, blank=True, default="")
    # Blank = the vendor's public endpoint; tests point it at a local server.
    endpoint = models.CharField(_("接入地址"), max_length=200, blank=True, default="")
    protocol = models.CharField(max_length=5, default="https")
    # Receipt / reply callbacks carry this token in their URL: it says which group the push is for.
    callback_token = models.CharField(max_length=64, unique=True, default=_callback_token)
    is_active = models.BooleanField(_("启用"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信服务账号")
        verbose_name_plural = _("短信服务账号")

    def __str__(self) -> str:
        return f"{self.group_id} · {self.vendor}"


class SmsSignature(models.Model):
    """短信签名 (e.g. 【华东汽车】) with its review status at the vendor."""

    group = models.ForeignKey(DealerGroup, on_delete=models.CASCADE, related_name="sms_signatures")
    name = models.CharField(_("签名"), max_length=20)
    status = models.CharField(_("审核状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("短信签名")
        verbose_name_plural = _("短信签名")
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="hq_smssign_group_name")]

    def __str__(self) -> str:
        return self.name


class SmsTemplate(models.Model):
    """短信模板: the vendor's template code, its text with ${var} / {1} placeholders, class and review status."""

    group = models.ForeignKey(DealerGroup, on_delete=models.CASCADE, related_name="sms_templates")
    signature = models.ForeignKey(SmsSignature, on_delete=models.RESTRICT, related_name="templates",
                                  verbose_name=_("签名"))
    code = models.CharField(_("模板编号"), max_length=40)
    name = models.CharField(_("模板名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=12, choices=MessageKind.choices, default=MessageKind.NOTIFICATION)
    content = models.TextField(_("模板内容"), max_length=500)
    # The variables in order (Tencent's TemplateParamSet is positional); Aliyun uses them by name.
    variables = ArrayField(models.CharField(max_length=30), default=list, blank=True, verbose_name=_("变量"))
    status = models.CharField(_("审核状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    rule_keys = ArrayField(models.CharField(max_length=40), default=list, blank=True, verbose_name=_("用于规则"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("短信模板")
        verbose_name_plural = _("短信模板")
        constraints = [models.UniqueConstraint(fields=["group", "code"], name="hq_smstpl_group_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SmsSendRef(models.Model):
    """Which store sent a vendor reference (BizId / SerialNo): receipts and replies are routed by it, so a
    push for one group can reach only that group's stores, and only the store that sent the message."""

    group = models.ForeignKey(DealerGroup, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey("tenants.Store", on_delete=models.CASCADE, related_name="+")
    vendor = models.CharField(max_length=10, choices=Vendor.choices)
    vendor_ref = models.CharField(max_length=100)
    phone = models.CharField(max_length=11)
    outbox_id = models.BigIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vendor", "vendor_ref", "phone"], name="hq_smsref_uniq")]
        indexes = [models.Index(fields=["group", "phone", "-sent_at"], name="hq_smsref_phone")]

    def __str__(self) -> str:
        return self.vendor_ref


class SmsDailyVolume(models.Model):
    """每日发送量: messages handed to the vendor per store, day (the store's date) and channel, for HQ."""

    group = models.ForeignKey(DealerGroup, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey("tenants.Store", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    channel = models.CharField(max_length=10)
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "day", "channel"], name="hq_smsvolume_uniq")]
        indexes = [models.Index(fields=["group", "-day"], name="hq_smsvolume_group")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.day} {self.channel}: {self.sent}"


class WeComAccount(models.Model):
    """企业微信应用: the group's WeCom corp and self-built application that staff notices go through.

    One per group; the application's Secret is Fernet-encrypted (tenants.messaging.secrets) and never shown."""

    group = models.OneToOneField(DealerGroup, on_delete=models.CASCADE, related_name="wecom_account")
    corp_id = models.CharField(_("企业ID(CorpID)"), max_length=40, blank=True, default="")
    agent_id = models.CharField(_("应用AgentId"), max_length=12, blank=True, default="")
    secret_encrypted = models.TextField(blank=True, default="")
    # Blank = WeCom's public API (qyapi.weixin.qq.com); tests point it at a local server.
    api_base = models.CharField(_("接入地址"), max_length=200, blank=True, default="")
    is_active = models.BooleanField(_("启用"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("企业微信应用")
        verbose_name_plural = _("企业微信应用")

    def __str__(self) -> str:
        return f"{self.group_id} · wecom"
