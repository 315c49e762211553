"""个人信息访问记录: who viewed, revealed, exported, imported or changed a customer's personal data (PIPL).

Written by hand rather than with django-auditlog / django-simple-history / django-pghistory, because:
- those record *changes* of rows; most of what an auditor asks about is reads (the 360° page, a
  revealed number, an export), which none of them record as data of their own;
- their actor is a foreign key to the user table, which lives in `public`; a store table must not
  point into `public` (the schema stays Citus-distributable, architecture.md), so staff are plain ids;
- they copy the old and new values into the log, so the log would itself become a second copy of the
  personal data it guards. This table keeps which *fields*, never their values, and customers by id
  (a customer anonymised later is anonymised here too: the page looks the name up, it is not stored).
One table in each store schema (crm is a tenant app), so it arrives in every store cloned from the
template schema like any other crm table (tests/crm/test_privacy.py onboards a store to prove it).
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("查看")
    REVEAL = "reveal", _("显示号码")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    CREATE = "create", _("新建")
    CHANGE = "change", _("修改")


class PersonalDataAccess(models.Model):
    """One access to customers' personal data by one staff member, from one address."""

    at = models.DateTimeField(_("时间"), default=timezone.now)
    user_id = models.BigIntegerField(_("员工"))  # tenants.User id (public schema), no foreign key
    # The name as it was at the time: the log outlives staff leaving the store.
    user_name = models.CharField(_("员工姓名"), max_length=50, blank=True, default="")
    role = models.CharField(_("角色"), max_length=30, blank=True, default="")
    action = models.CharField(_("操作"), max_length=10, choices=AccessAction.choices)
    # One id for a page or a reveal; every customer in the file for an export or an import (one row).
    customer_ids = ArrayField(models.BigIntegerField(), default=list, verbose_name=_("客户"))
    fields = ArrayField(models.CharField(max_length=40), default=list, verbose_name=_("字段"))
    detail = models.CharField(_("说明"), max_length=200, blank=True, default="")
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("个人信息访问记录")
        verbose_name_plural = _("个人信息访问记录")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["-at"], name="crm_pda_at"),
            models.Index(fields=["user_id", "-at"], name="crm_pda_user"),
            GinIndex(fields=["customer_ids"], name="crm_pda_customers"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} {self.action}"
