"""The sales funnel (handbook 000/004): 接待 → 线索(意向级别) → 跟进 / 试驾 → 成交 or 战败."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Channel, ContactOutcome, DefeatReason, Grade, LeadStatus, Source
from .customers import Customer
from .leads import LeadSource
from .vehicles import Vehicle


class Lead(models.Model):
    """销售线索: one purchase intention of a customer, graded H/A/B/C, ending as 成交, 战败 or 延期."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="leads")
    consultant_id = models.BigIntegerField(_("销售顾问"), null=True, blank=True)
    grade = models.CharField(_("意向级别"), max_length=1, choices=Grade.choices, default=Grade.C)
    model_of_interest = models.CharField(_("意向车型"), max_length=60, blank=True, default="")
    status = models.CharField(_("状态"), max_length=16, choices=LeadStatus.choices, default=LeadStatus.OPEN)
    is_key = models.BooleanField(_("重点客户"), default=False)
    next_followup_on = models.DateField(_("下次跟进日期"), null=True, blank=True)
    next_step = models.CharField(_("下一步计划"), max_length=200, blank=True, default="")
    last_followup_at = models.DateTimeField(_("最近跟进"), null=True, blank=True)
    # 成交
    deal_vehicle = models.ForeignKey(Vehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("交付车辆"))
    deal_amount = models.DecimalField(_("成交金额"), max_digits=12, decimal_places=2, null=True, blank=True)
    # 战败
    defeat_reason = models.CharField(_("战败原因"), max_length=12, choices=DefeatReason.choices, blank=True,
                                     default="")
    competitor_brand = models.CharField(_("竞品品牌"), max_length=30, blank=True, default="")
    competitor_model = models.CharField(_("竞品车型"), max_length=40, blank=True, default="")
    close_note = models.CharField(_("结案说明"), max_length=200, blank=True, default="")
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    # When the current grade was given (lead_create, lead_grade): the intent-grade follow-up cadence
    # counts from here, so a regrade restarts it. NULL on rows made outside the services (imports,
    # older data) reads as created_at.
    graded_at = models.DateTimeField(_("定级时间"), null=True, blank=True)
    # 线索接入 (crm.leads): where it came from, when, and the first response by a person against the deadline.
    source = models.CharField(_("线索来源"), max_length=12, choices=LeadSource.choices, blank=True, default="")
    campaign = models.CharField(_("活动"), max_length=100, blank=True, default="")
    source_lead_id = models.CharField(_("来源线索编号"), max_length=64, blank=True, default="")
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    first_response_due_at = models.DateTimeField(_("首次响应截止"), null=True, blank=True)
    reassign_due_at = models.DateTimeField(_("改派时间"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("首次联系时间"), null=True, blank=True)
    first_contact_by_id = models.BigIntegerField(_("首次联系人"), null=True, blank=True)
    # Working minutes (store hours, group calendar) from receipt to the first human contact.
    first_response_minutes = models.PositiveIntegerField(_("首次响应(工作分钟)"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("超时升级时间"), null=True, blank=True)
    reassigned_count = models.PositiveSmallIntegerField(_("改派次数"), default=0)

    class Meta:
        verbose_name = _("销售线索")
        verbose_name_plural = _("销售线索")
        indexes = [
            models.Index(fields=["consultant_id", "status", "next_followup_on"], name="crm_lead_consultant"),
            models.Index(fields=["status", "grade"], name="crm_lead_status_grade"),
            models.Index(fields=["customer", "-created_at"], name="crm_lead_customer"),
            # The cadence's lead_graded source selects leads by COALESCE(graded_at, created_at).
            models.Index(Coalesce("graded_at", "created_at"), name="crm_lead_graded"),
            # The inbox and the SLA sweep: open leads still waiting for their first human contact, in the
            # inbox's own order (due time, then id), so the page reads its 50 rows off the index.
            models.Index(fields=["consultant_id", "first_response_due_at", "id"], name="crm_lead_awaiting",
                         condition=models.Q(status="open", first_contact_at__isnull=True,
                                            first_response_due_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.grade} {self.model_of_interest}"


class Reception(models.Model):
    """接待: one showroom visit. Entered in seconds; the rest is filled in later."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="receptions")
    lead = models.ForeignKey(Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="receptions")
    # Who follows this visit up (evening call, departure SMS): the customer's own consultant when the
    # visitor already belongs to one (撞单), otherwise whoever received them.
    consultant_id = models.BigIntegerField(_("接待顾问"))
    # Who stood at reception; differs from consultant_id on a clash (撞单).
    received_by_id = models.BigIntegerField(_("实际接待人"), null=True, blank=True)
    clash = models.BooleanField(_("撞单"), default=False)
    arrived_at = models.DateTimeField(_("到店时间"), default=timezone.now)
    left_at = models.DateTimeField(_("离店时间"), null=True, blank=True)
    visitors = models.PositiveSmallIntegerField(_("到店人数"), default=1)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices, default=Source.WALK_IN)
    models_of_interest = models.CharField(_("关注车型"), max_length=100, blank=True, default="")
    budget = models.CharField(_("购车预算"), max_length=30, blank=True, default="")
    needs = models.TextField(_("需求(用途/偏好)"), blank=True, default="")
    concerns = models.TextField(_("关注点/疑问"), blank=True, default="")

    class Meta:
        verbose_name = _("接待")
        verbose_name_plural = _("接待")
        indexes = [models.Index(fields=["customer", "-arrived_at"], name="crm_reception_customer"),
                   models.Index(fields=["-arrived_at"], name="crm_reception_arrived")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.arrived_at:%Y-%m-%d}"


class FollowUp(models.Model):
    """跟进记录: channel, content, customer feedback and next step (handbook 000)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="followups")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, null=True, blank=True, related_name="followups")
    staff_id = models.BigIntegerField(_("跟进人"))
    channel = models.CharField(_("跟进方式"), max_length=8, choices=Channel.choices)
    content = models.TextField(_("沟通内容"))
    feedback = models.TextField(_("客户反馈"), blank=True, default="")
    next_step = models.CharField(_("下一步计划"), max_length=200, blank=True, default="")
    next_on = models.DateField(_("下次跟进日期"), null=True, blank=True)
    happened_at = models.DateTimeField(_("跟进时间"), default=timezone.now)
    # Was it made by the date the previous follow-up promised? (supervision, handbook 000)
    on_time = models.BooleanField(default=True)
    # 通话结果: only a conversation (talked) by phone, or a visit, is a human contact (crm.leads.sla).
    outcome = models.CharField(_("联系结果"), max_length=12, choices=ContactOutcome.choices, blank=True,
                               default="")

    class Meta:
        verbose_name = _("跟进记录")
        verbose_name_plural = _("跟进记录")
        indexes = [models.Index(fields=["customer", "-happened_at"], name="crm_followup_customer"),
                   models.Index(fields=["staff_id", "-happened_at"], name="crm_followup_staff")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.get_channel_display()}"


class TestDriveStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    DONE = "done", _("已试驾")
    NO_SHOW = "no_show", _("未到店")


class TestDrive(models.Model):
    """试乘试驾: recorded after the drive, or booked for a later time and then kept or missed."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="test_drives")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, null=True, blank=True, related_name="test_drives")
    consultant_id = models.BigIntegerField(_("陪同顾问"))
    model = models.CharField(_("试驾车型"), max_length=60)
    driven_at = models.DateTimeField(_("试驾时间"), default=timezone.now)
    licence_checked = models.BooleanField(_("已核驾照"), default=True)
    feedback = models.TextField(_("试驾反馈"), blank=True, default="")
    # Only a kept drive (done) counts for the cadence's test_drive follow-ups.
    status = models.CharField(_("状态"), max_length=8, choices=TestDriveStatus.choices, default=TestDriveStatus.DONE)

    class Meta:
        verbose_name = _("试乘试驾")
        verbose_name_plural = _("试乘试驾")
        indexes = [models.Index(fields=["customer", "-driven_at"], name="crm_testdrive_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.model}"
