"""manage.py store_backup <slug> [--output FILE]: pg_dump of one store's schema (custom format)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tenants.models import Store
from tenants.services.backup import BackupError, store_backup


class Command(BaseCommand):
    help = "Dump one store's schema (pg_dump -Fc -n s_<slug>); restore it with store_restore."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--output", help="file to write (default: <slug>-<store time>.dump)")

    def handle(self, *args: Any, **options: Any) -> None:
        store = Store.objects.filter(slug=options["slug"]).first()
        if store is None:
            raise CommandError(f"no store with slug {options['slug']!r}")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = Path(options["output"] or f"{store.slug}-{stamp}.dump")
        try:
            result = store_backup(store=store, path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.schema} -> {result.path} ({result.bytes} bytes, {result.seconds:.2f} s)")
