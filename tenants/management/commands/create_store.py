"""manage.py create_store: onboard a store from the command line (same service as HQ pages and API)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from tenants.errors import DomainError
from tenants.models import DealerGroup
from tenants.services.onboarding import store_onboard, store_url


class Command(BaseCommand):
    help = "Create a store (schema, domain, GM invitation) in a dealer group."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--group", required=True, help="dealer group code")
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--city", required=True)
        parser.add_argument("--brands", default="", help="comma separated")
        parser.add_argument("--address", default="")
        parser.add_argument("--gm-name", required=True)
        parser.add_argument("--gm-mobile", default="")
        parser.add_argument("--gm-email", default="")
        parser.add_argument("--key", default=None, help="idempotency key: the same key never makes two stores")

    def handle(self, *args: Any, **o: Any) -> None:
        group = DealerGroup.objects.filter(code=o["group"]).first()
        if group is None:
            raise CommandError(gettext("集团代码不存在：%(group)s") % {"group": o['group']})
        try:
            result = store_onboard(
                group=group, name=o["name"], slug=o["slug"], city=o["city"], address=o["address"],
                brands=[b for b in o["brands"].split(",") if b], gm_name=o["gm_name"],
                gm_mobile=o["gm_mobile"], gm_email=o["gm_email"], onboarding_key=o["key"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        verb = gettext("已开通") if result.created else gettext("已存在（同一请求）")
        self.stdout.write(f"{verb}: {result.store.name} → {store_url(result.store)}")
        if result.invitation is not None:
            base = f"{settings.SITE_SCHEME}://{settings.BASE_DOMAIN}{settings.SITE_PORT}"
            self.stdout.write(gettext("总经理邀请链接：%(url)s") % {"url": f"{base}/invite/{result.invitation.token}/"})
