"""manage.py issue_api_token: issue (or --revoke) a store API token from the shell (same service as the page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext

from tenants.auth import find_user_by_login
from tenants.errors import DomainError
from tenants.models import DealerGroup, Store
from tenants.services.accounts import api_token_issue, api_token_issue_hq, api_token_revoke


class Command(BaseCommand):
    help = "Issue an API token for a store (or an HQ API token for a group), acting as one of its members; the secret is printed once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--store", default=None, help="store slug (a store API token)")
        parser.add_argument("--group", default=None, help="dealer group code (an HQ API token, for an HQ admin)")
        parser.add_argument("--user", required=True, help="the member's mobile or e-mail")
        parser.add_argument("--name", default="api")
        parser.add_argument("--read-only", action="store_true")
        parser.add_argument("--days", type=int, default=None, help="expires after this many days (default: never)")
        parser.add_argument("--revoke", type=int, default=None, metavar="TOKEN_ID", help="revoke this token instead")

    def handle(self, *args: Any, **o: Any) -> None:
        if bool(o["store"]) == bool(o["group"]):
            raise CommandError(gettext("请指定 --store 或 --group 之一。"))
        store = Store.objects.filter(slug=o["store"]).first() if o["store"] else None
        group = DealerGroup.objects.filter(code=o["group"]).first() if o["group"] else None
        user = find_user_by_login(o["user"])
        if (store is None and group is None) or user is None:
            raise CommandError(gettext("未找到该门店、集团或用户。"))
        try:
            if o["revoke"] is not None:
                token = api_token_revoke(actor=user, store=store, group=group, token_id=o["revoke"])
                self.stdout.write(f"revoked czk_{token.prefix}…")
                return
            expires = timezone.now() + dt.timedelta(days=o["days"]) if o["days"] else None
            if group is not None:
                token, key = api_token_issue_hq(user=user, group=group, name=o["name"], read_only=o["read_only"],
                                                expires_at=expires)
            else:
                assert store is not None
                token, key = api_token_issue(user=user, store=store, name=o["name"], read_only=o["read_only"],
                                             expires_at=expires)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"id={token.pk} prefix={token.prefix} read_only={token.read_only} expires={token.expires_at}")
        self.stdout.write(key)
