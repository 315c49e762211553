"""manage.py demo_data: a realistic dealer group to click through (and the benchmark generator)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tenants.utils import tenant_context

from crm.cadence.engine import cadence_run_store
from crm.demo_group import DEMO_PASSWORD, demo_group_create
from crm.demo_leads import demo_leads_push
from hq.metrics.periods import Period, add_months, current_month
from hq.metrics.services import snapshot_refresh_store
from tenants.models import Store, User


class Command(BaseCommand):
    help = "Create the demo dealer group 华东汽车集团 with stores, staff of every role and CRM data."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--stores", type=int, default=3)
        parser.add_argument("--customers", type=int, default=300, help="customers per store")
        parser.add_argument("--second-group", action="store_true", default=True)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **o: Any) -> None:
        result = demo_group_create(stores=o["stores"], customers=o["customers"])
        if o["second_group"]:
            demo_group_create(name="华南汽车集团", code="huanan", stores=1, group_no=2, customers=min(50, o["customers"]))
        self._pushed_leads()
        self._daily_work()
        self._snapshots()
        if not User.objects.filter(email="ops@demo.chezhu.cn").exists():
            User.objects.create_superuser("ops@demo.chezhu.cn", DEMO_PASSWORD, name="平台运营")
        if o["quiet"]:
            return
        base = f"{settings.SITE_SCHEME}://{settings.BASE_DOMAIN}{settings.SITE_PORT}"
        self.stdout.write(self.style.SUCCESS(f"演示数据就绪：{result.group.name}，{len(result.stores)} 家门店"))
        self.stdout.write(f"  登录地址 {base}/signin/   统一密码 {DEMO_PASSWORD}")
        for login in result.logins[:8]:
            self.stdout.write(f"  {login.label:<8} {login.login}  ({login.where})")
        self.stdout.write(f"  平台运营  ops@demo.chezhu.cn  ({base}/admin/)")

    def _pushed_leads(self) -> None:
        """Each demo store receives its platform, DCC and 400 leads through the intake service, some
        contacted, overdue, defeated or pooled (crm.leads.demo), so the inbox, the pool and 战败审核 show work."""


        stores = Store.objects.filter(status=Store.Status.ACTIVE, group__code__in=["huadong", "huanan"]).order_by("pk")
        for number, store in enumerate(stores):
            with tenant_context(store):
                demo_leads_push(store=store, number=number)

    def _daily_work(self) -> None:
        """Run each demo store's daily cadence run and fill the return-visit queue now, so staff see
        today's tasks and calls at once (in production beat runs these every morning)."""
        for store in Store.objects.filter(status=Store.Status.ACTIVE, group__code__in=["huadong", "huanan"]):
            with tenant_context(store):
                cadence_run_store()

    def _snapshots(self) -> None:
        """HQ pages read snapshots only: compute the demo stores' last 12 months and 7 days now
        (in production the nightly job does this)."""
        this_month = current_month().start
        today = timezone.localdate()
        periods = [Period("month", add_months(this_month, -k)) for k in range(12)]
        periods += [Period("day", today - dt.timedelta(days=k)) for k in range(1, 8)]
        for store in Store.objects.filter(status=Store.Status.ACTIVE, group__code__in=["huadong", "huanan"]):
            for period in periods:
                snapshot_refresh_store(store=store, period=period)
