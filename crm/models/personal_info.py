"""个人信息权利请求 (PIPL 个人信息保护法 Art. 44–47) and 匿名化记录: a person's requests to see, copy,
correct or delete what the store holds about them, and every anonymisation of a customer (on request or
by the retention job), with who did it, when and why.

The rules live in crm.personal_info.services; these are the records.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .customers import Customer


class RequestKind(models.TextChoices):
    ACCESS = "access", _("查阅/复制")  # Art. 44–45
    CORRECTION = "correction", _("更正/补充")  # Art. 46
    DELETION = "deletion", _("删除")  # Art. 47


class RequesterRelation(models.TextChoices):
    SELF = "self", _("本人")
    AGENT = "agent", _("受托代理人")
    GUARDIAN = "guardian", _("监护人")


class IdentityCheck(models.TextChoices):
    """How the store checked that the person asking is the customer (or acts for them)."""

    ID_CARD = "id_card", _("到店核验身份证原件")
    SMS_CODE = "sms_code", _("向档案手机号发送验证码核验")
    CALLBACK = "callback", _("回拨档案手机号核实")
    POWER_OF_ATTORNEY = "power_of_attorney", _("授权委托书及双方身份证件")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    DONE = "done", _("已办结")
    REFUSED = "refused", _("已拒绝")


class PersonalInfoRequest(models.Model):
    """个人信息权利请求: one request from a person, received on a date, due on the working-day calendar."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="personal_info_requests",
                                 verbose_name=_("客户"))
    kind = models.CharField(_("请求类型"), max_length=12, choices=RequestKind.choices)
    requester_name = models.CharField(_("请求人"), max_length=50)
    requester_relation = models.CharField(_("与客户关系"), max_length=10, choices=RequesterRelation.choices,
                                          default=RequesterRelation.SELF)
    identity_check = models.CharField(_("身份核验方式"), max_length=20, choices=IdentityCheck.choices)
    identity_note = models.CharField(_("核验说明"), max_length=200, blank=True, default="")
    details = models.TextField(_("请求内容"), blank=True, default="")
    received_on = models.DateField(_("收到日期"))
    due_on = models.DateField(_("办理期限"))
    status = models.CharField(_("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    outcome = models.TextField(_("办理结果"), blank=True, default="")
    registered_by_id = models.BigIntegerField(_("登记人"))
    closed_by_id = models.BigIntegerField(_("办结人"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("个人信息权利请求")
        verbose_name_plural = _("个人信息权利请求")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="crm_pirequest_status_due"),
                   models.Index(fields=["customer", "-created_at"], name="crm_pirequest_customer")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.customer_id} · {self.received_on}"


class Anonymisation(models.Model):
    """匿名化记录: one customer anonymised — on a deletion request or by the retention job — with the
    person who did it (none for the nightly job), when, why, and what was replaced and deleted."""

    customer = models.OneToOneField(Customer, on_delete=models.PROTECT, related_name="anonymisation",
                                    verbose_name=_("客户"))
    request = models.OneToOneField(PersonalInfoRequest, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="anonymisation", verbose_name=_("请求"))
    by_user_id = models.BigIntegerField(_("执行人"), null=True, blank=True)  # None = the retention job
    reason = models.CharField(_("原因"), max_length=300)
    fields = models.JSONField(_("已清除的字段"), default=list)  # ["crm_customer.name", ...]
    rows = models.PositiveIntegerField(_("涉及记录数"), default=0)
    files_deleted = models.PositiveIntegerField(_("删除的文件数"), default=0)
    at = models.DateTimeField(_("匿名化时间"), default=timezone.now)

    class Meta:
        verbose_name = _("匿名化记录")
        verbose_name_plural = _("匿名化记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.at:%Y-%m-%d}"


class RetentionRun(models.Model):
    """保存期限到期处理: one night's retention run of this store (its row makes the run idempotent)."""

    run_on = models.DateField(_("运行日期"), unique=True)
    retention_years = models.PositiveSmallIntegerField(_("保存年限"))
    cutoff = models.DateField(_("最近联系早于"))
    candidates = models.PositiveIntegerField(_("到期客户数"), default=0)
    anonymised = models.PositiveIntegerField(_("已匿名化"), default=0)
    skipped = models.PositiveIntegerField(_("未处理(有进行中的业务)"), default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("保存期限到期处理")
        verbose_name_plural = _("保存期限到期处理")
        ordering = ["-run_on"]

    def __str__(self) -> str:
        return f"{self.run_on} {self.anonymised}/{self.candidates}"

    @property
    def remaining(self) -> int:
        """Past the period but beyond the night's batch: they go on the next nights."""
        return max(0, self.candidates - self.anonymised - self.skipped)
