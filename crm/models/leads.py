"""线索接入 (lead intake): where each lead came from, how it was deduplicated, who is on duty, the per-source
routing rules and the per-source status hooks back to the platform."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LeadSource(models.TextChoices):
    """线索来源: the platforms, the brand's own system, the hotline, ad forms, the showroom and imports."""

    AUTOHOME = "autohome", _("汽车之家")
    DONGCHEDI = "dongchedi", _("懂车帝")
    YICHE = "yiche", _("易车")
    OEM_DCC = "oem_dcc", _("厂家DCC")
    HOTLINE = "hotline", _("400电话")
    AD_FORM = "ad_form", _("广告表单")
    WALK_IN = "walk_in", _("到店")
    IMPORT = "import", _("导入")
    OTHER = "other", _("其他")


class IntakeOutcome(models.TextChoices):
    CREATED = "created", _("新建线索")
    MERGED = "merged", _("并入进行中的线索")
    DUPLICATE = "duplicate", _("近期重复线索")


class IntakeVia(models.TextChoices):
    API = "api", _("接口推送")
    MANUAL = "manual", _("手工录入")
    IMPORT = "import", _("文件导入")


class LeadIntake(models.Model):
    """线索接收记录: one lead as a source sent it, and what dedupe made of it (with the reason).

    (source, source_lead_id) is unique: a platform that pushes the same lead again gets the first answer."""

    source = models.CharField(_("线索来源"), max_length=12, choices=LeadSource.choices)
    source_lead_id = models.CharField(_("来源线索编号"), max_length=64, blank=True, default="")
    campaign = models.CharField(_("活动"), max_length=100, blank=True, default="")
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    mobile = models.CharField(_("手机号"), max_length=20)
    name = models.CharField(_("姓名"), max_length=50, blank=True, default="")
    model_of_interest = models.CharField(_("意向车型"), max_length=60, blank=True, default="")
    via = models.CharField(_("接入方式"), max_length=8, choices=IntakeVia.choices)
    outcome = models.CharField(_("去重结果"), max_length=10, choices=IntakeOutcome.choices)
    reason = models.CharField(_("原因"), max_length=200, blank=True, default="")
    lead = models.ForeignKey("crm.Lead", on_delete=models.CASCADE, related_name="intakes")
    by_user_id = models.BigIntegerField(_("录入人"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("线索接收记录")
        verbose_name_plural = _("线索接收记录")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_lead_id"], condition=~models.Q(source_lead_id=""),
                                    name="crm_leadintake_source_id"),
        ]
        indexes = [models.Index(fields=["mobile", "-received_at"], name="crm_leadintake_mobile")]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_lead_id} {self.outcome}"


class ConsultantDuty(models.Model):
    """在岗: whether a sales consultant takes new leads now, and their weekly hours (empty = the store's).

    `last_assigned_at` is the round-robin's memory: the on-duty consultant assigned longest ago is next."""

    consultant_id = models.BigIntegerField(_("销售顾问"), unique=True)
    on_duty = models.BooleanField(_("在岗接线索"), default=True)
    # {"mon": ["09:00", "18:00"], ...} like the store's working hours; {} = the store's hours.
    schedule = models.JSONField(_("排班"), default=dict, blank=True)
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("顾问在岗")
        verbose_name_plural = _("顾问在岗")

    def __str__(self) -> str:
        return f"{self.consultant_id} {'on' if self.on_duty else 'off'}"


class LeadRoutingRule(models.Model):
    """按来源分配: leads of this source go round-robin among these consultants only."""

    source = models.CharField(_("线索来源"), max_length=12, choices=LeadSource.choices, unique=True)
    consultant_ids = models.JSONField(_("分配给"), default=list)

    class Meta:
        verbose_name = _("线索分配规则")
        verbose_name_plural = _("线索分配规则")

    def __str__(self) -> str:
        return self.source


class LeadSourceHook(models.Model):
    """回传: the platform's URL told (signed, through the outbox) when its lead is contacted, converted or
    defeated."""

    source = models.CharField(_("线索来源"), max_length=12, choices=LeadSource.choices, unique=True)
    url = models.URLField(_("回传地址"), max_length=300)
    secret = models.CharField(_("签名密钥"), max_length=128)
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("线索状态回传")
        verbose_name_plural = _("线索状态回传")

    def __str__(self) -> str:
        return f"{self.source} → {self.url}"
