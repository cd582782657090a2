import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clients.services import CLIENT_COLUMNS, VEHICLE_COLUMNS, ImportRefused, clients_import


class Command(BaseCommand):
    help = (
        "Import clients and their cars from a CSV file (UTF-8, header row). Columns: "
        + ", ".join(CLIENT_COLUMNS + VEHICLE_COLUMNS)
        + ". Checked by the admin's own rules; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args, path, dry_run, **options):
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        if not rows:
            raise CommandError(f"{path} has no rows under its header.")
        unknown = set(rows[0]) - set(CLIENT_COLUMNS) - set(VEHICLE_COLUMNS) - {None}
        if unknown:
            raise CommandError(f"Unknown column(s): {', '.join(sorted(unknown))}.")
        try:
            result = clients_import(rows=rows, dry_run=dry_run)
        except ImportRefused as refused:
            raise CommandError("Nothing imported:\n  " + "\n  ".join(refused.errors)) from None
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
        verb = "would be imported (dry run)" if dry_run else "imported"
        self.stdout.write(self.style.SUCCESS(
            f"{result.clients_created} client(s) and {result.vehicles_created} vehicle(s) {verb}."
        ))
