"""manage.py store_export <slug> [--output FILE]: everything the store holds, as a zip of CSV/XLSX + JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django_tenants.utils import tenant_context

from crm.services.store_export import store_export_build
from tenants.models import Store


class Command(BaseCommand):
    help = "Export one store's data (customers, vehicles, leads, visits, tasks, complaints, measures, documents)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--output", help="zip to write (default: <slug>-export-<store date>.zip)")

    def handle(self, *args: Any, **options: Any) -> None:
        store = Store.objects.filter(slug=options["slug"]).first()
        if store is None:
            raise CommandError(f"no store with slug {options['slug']!r}")
        path = Path(options["output"] or f"{store.slug}-export-{timezone.localdate():%Y%m%d}.zip")
        with tenant_context(store):
            data = store_export_build(store=store)
        path.write_bytes(data)
        self.stdout.write(f"{store.slug} -> {path} ({len(data)} bytes)")
