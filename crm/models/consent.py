"""同意记录 and 免打扰名单: the consent ledger and the one suppression list of this store.

The ledger is append-only: every grant or withdrawal of consent, per channel and purpose, with when,
where it came from and who recorded it. The customer's current consent is derived from it
(crm.services.consent.consent_allows). The suppression list holds numbers that must receive nothing
(an opt-out reply, a staff entry, a complaint), whoever the customer record is.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .customers import Customer


class ConsentChannel(models.TextChoices):
    SMS = "sms", _("短信")
    CALL = "call", _("电话")
    WECHAT = "wechat", _("微信")
    EMAIL = "email", _("电子邮件")


class ConsentPurpose(models.TextChoices):
    NOTIFICATION = "notification", _("通知")
    MARKETING = "marketing", _("营销")
    RETURN_VISIT = "return_visit", _("回访")


class ConsentSource(models.TextChoices):
    FORM = "form", _("客户资料")
    IMPORT = "import", _("导入")
    STAFF = "staff", _("员工记录")
    REPLY = "reply", _("短信回复")
    COMPLAINT = "complaint", _("投诉")
    CUSTOMER = "customer", _("客户本人")


class ConsentEvent(models.Model):
    """同意记录: one grant or withdrawal; never edited, never deleted except with the customer."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consent_events")
    channel = models.CharField(_("渠道"), max_length=10, choices=ConsentChannel.choices)
    purpose = models.CharField(_("用途"), max_length=14, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("同意"))
    source = models.CharField(_("来源"), max_length=10, choices=ConsentSource.choices)
    recorded_by_id = models.BigIntegerField(_("记录人"), null=True, blank=True)  # tenants.User id, None = system
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    # The words the customer agreed to (or withdrew with), kept verbatim as they were shown or read out.
    wording = models.TextField(_("同意内容"), blank=True, default="")
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("同意记录")
        verbose_name_plural = _("同意记录")
        indexes = [models.Index(fields=["customer", "channel", "purpose", "-at"], name="crm_consent_current")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.channel}/{self.purpose}: {self.granted}"


class SuppressionReason(models.TextChoices):
    REPLY = "reply", _("短信回复退订")
    STAFF = "staff", _("员工登记")
    COMPLAINT = "complaint", _("投诉")


class Suppression(models.Model):
    """免打扰名单: a mobile number nothing is sent to (every send checks it, crm.services.consent)."""

    phone = models.CharField(_("手机号"), max_length=11, unique=True)
    reason = models.CharField(_("原因"), max_length=10, choices=SuppressionReason.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("免打扰名单")
        verbose_name_plural = _("免打扰名单")

    def __str__(self) -> str:
        return self.phone
