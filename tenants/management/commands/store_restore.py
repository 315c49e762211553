"""manage.py store_restore <slug> <file>: put one store back to its dump; the other stores keep working."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.models import Store
from tenants.services.backup import BackupError, store_restore


class Command(BaseCommand):
    help = "Restore one store's schema from its store_backup dump (other stores are not touched)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        store = Store.objects.filter(slug=options["slug"]).first()
        if store is None:
            raise CommandError(f"no store with slug {options['slug']!r}")
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            seconds = store_restore(store=store, path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{store.schema_name} restored from {path} in {seconds:.2f} s")
