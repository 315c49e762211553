"""客户: the customer record, its consultant history, saved list views and the classification policy."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import (
    AgeCohort,
    Channel,
    Gender,
    Loyalty,
    Occupation,
    PoolReason,
    Region,
    ServiceType,
    Source,
    ValueClass,
)


class Lifecycle(models.TextChoices):
    """四大类客户 (handbook 004); complaints live with the complaint records."""

    PROSPECT = "prospect", _("潜在客户")
    OWNER = "owner", _("成交客户")
    DEFEATED = "defeated", _("战败客户")


class Customer(models.Model):
    """客户: a person the store sells to or services. Mobile numbers are unique per store."""

    name = models.CharField(_("姓名"), max_length=50)
    # Search keys kept by crm.services (crm.pinyin.name_pinyin_keys): 张伟 → "zhangwei" / "zw".
    name_pinyin = models.CharField(max_length=200, blank=True, default="", editable=False)
    name_initials = models.CharField(max_length=50, blank=True, default="", editable=False)
    mobile = models.CharField(_("手机号"), max_length=11, unique=True)
    mobile2 = models.CharField(_("备用手机号"), max_length=11, blank=True, default="")
    wechat = models.CharField(_("微信号"), max_length=64, blank=True, default="")
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True, default="")
    birthday = models.DateField(_("生日"), null=True, blank=True)
    region = models.CharField(_("所在区域"), max_length=10, choices=Region.choices, blank=True, default="")
    occupation = models.CharField(_("职业"), max_length=16, choices=Occupation.choices, blank=True, default="")
    age_cohort = models.CharField(_("年龄段"), max_length=4, choices=AgeCohort.choices, blank=True, default="")
    source = models.CharField(_("客户来源"), max_length=12, choices=Source.choices, default=Source.WALK_IN)
    lifecycle = models.CharField(_("客户类别"), max_length=10, choices=Lifecycle.choices, default=Lifecycle.PROSPECT)
    # The owning sales consultant (tenants.User id in the public schema).
    consultant_id = models.BigIntegerField(_("销售顾问"), null=True, blank=True)
    # 公海: when the customer went back to the shared pool (with no consultant) and why; a claim clears it.
    pooled_at = models.DateTimeField(_("进入公海时间"), null=True, blank=True)
    pool_reason = models.CharField(_("进入公海原因"), max_length=12, choices=PoolReason.choices, blank=True,
                                   default="")
    # Consent (handbook 002): only customers who agreed are called back, at the time and number they chose.
    may_call = models.BooleanField(_("同意回访"), default=True)
    call_time = models.CharField(_("方便回访时段"), max_length=30, blank=True, default="")
    call_number = models.CharField(_("回访号码"), max_length=11, blank=True, default="")
    # E-mail (电子邮件) is opt-in: cadence e-mails go only to an address the customer agreed to receive at.
    email = models.EmailField(_("电子邮箱"), max_length=254, blank=True, default="")
    email_consent = models.BooleanField(_("同意接收邮件"), default=False)
    channels = ArrayField(models.CharField(max_length=8, choices=Channel.choices), default=list, blank=True,
                          verbose_name=_("允许的联系方式"))
    tags = ArrayField(models.CharField(max_length=20), default=list, blank=True, verbose_name=_("标签"))
    notes = models.TextField(_("备注"), blank=True, default="")
    # Computed by crm.services.classification; never edited by hand.
    value_class = models.CharField(_("价值等级"), max_length=1, choices=ValueClass.choices, blank=True, default="")
    loyalty = models.CharField(_("忠诚度"), max_length=8, choices=Loyalty.choices, blank=True, default="")
    service_class = models.CharField(_("进厂类型"), max_length=10, choices=ServiceType.choices, blank=True,
                                     default="")
    paid_visits_12m = models.PositiveIntegerField(_("近一年回站次数"), default=0)
    spend_12m = models.DecimalField(_("近一年消费"), max_digits=12, decimal_places=2, default=0)
    visit_interval_days = models.PositiveIntegerField(_("回站周期(天)"), null=True, blank=True)
    avg_ticket = models.DecimalField(_("客单价"), max_digits=12, decimal_places=2, default=0)
    last_visit_on = models.DateField(_("最近进站"), null=True, blank=True)
    classified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("建档时间"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # 已匿名化 (crm.personal_info.services): set once, never cleared; the person's data is gone from the row.
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        indexes = [
            models.Index(fields=["consultant_id", "-created_at"], name="crm_cust_consultant"),
            models.Index(fields=["value_class"], name="crm_cust_value"),
            models.Index(fields=["loyalty"], name="crm_cust_loyalty"),
            models.Index(fields=["last_visit_on"], name="crm_cust_last_visit"),
            models.Index(fields=["-created_at"], name="crm_cust_created"),
            models.Index(fields=["mobile2"], name="crm_cust_mobile2"),
            models.Index(fields=["-pooled_at"], name="crm_cust_pool", condition=models.Q(pooled_at__isnull=False)),
            GinIndex(fields=["tags"], name="crm_cust_tags"),
            GinIndex(fields=["name"], name="crm_cust_name_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["mobile"], name="crm_cust_mobile_trgm", opclasses=["gin_trgm_ops"]),
            # Name search (crm.selectors.customers.customer_search): surname prefix, pinyin, initials.
            models.Index(fields=["name"], name="crm_cust_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name_pinyin"], name="crm_cust_pinyin", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name_initials"], name="crm_cust_initials", opclasses=["varchar_pattern_ops"]),
            GinIndex(fields=["name_pinyin"], name="crm_cust_pinyin_trgm", opclasses=["gin_trgm_ops"]),
            # Part of a name also has crm_cust_given_prefix (SUBSTRING(name, 2)) and crm_cust_name_reversed
            # (REVERSE(name)), text_pattern_ops expression indexes made by RunSQL in migration 0006.
        ]

    def __str__(self) -> str:
        return self.name


class CustomerAssignment(models.Model):
    """客户转移: who owned the customer, who owns them now, who decided and why (a manager action)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="assignments")
    from_consultant_id = models.BigIntegerField(null=True, blank=True)
    to_consultant_id = models.BigIntegerField()
    by_user_id = models.BigIntegerField()
    reason = models.CharField(_("原因"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("客户转移记录")
        verbose_name_plural = _("客户转移记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_consultant_id} → {self.to_consultant_id}"


class SavedView(models.Model):
    """常用筛选: a named customer-list filter saved by one staff member."""

    user_id = models.BigIntegerField()
    name = models.CharField(_("名称"), max_length=40)
    query = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "name"], name="crm_savedview_uniq")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClassificationPolicy(models.Model):
    """客户分类标准: thresholds for the computed classes. Defaults from handbook 001; HQ templates later.

    One row per store (pk=1); `template_version` records which HQ template produced it, if any.
    """

    quota_a = models.PositiveSmallIntegerField(_("A类比例%"), default=20)
    quota_b = models.PositiveSmallIntegerField(_("B类比例%"), default=30)
    quota_c = models.PositiveSmallIntegerField(_("C类比例%"), default=40)
    quota_d = models.PositiveSmallIntegerField(_("D类比例%"), default=10)
    loyal_min_visits = models.PositiveSmallIntegerField(_("忠诚客户年回站次数"), default=2)
    loyal_min_spend = models.DecimalField(_("忠诚客户年消费(元)"), max_digits=10, decimal_places=2, default=3000)
    at_risk_months = models.PositiveSmallIntegerField(_("准流失：未进站月数"), default=6)
    lost_months = models.PositiveSmallIntegerField(_("流失：未进站月数"), default=12)
    warranty_months = models.PositiveSmallIntegerField(_("保修期(月)"), default=36)
    sanbao_months = models.PositiveSmallIntegerField(_("三包期限(月)"), default=60)
    template_version = models.CharField(max_length=40, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("客户分类标准")
        verbose_name_plural = _("客户分类标准")

    def __str__(self) -> str:
        return gettext("分类标准 %(version)s") % {"version": self.template_version or gettext("默认")}
