from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from concierge.audit.services import retention_purge


class Command(BaseCommand):
    help = (
        "Remove notifications and audit rows older than AUDIT_RETENTION_MONTHS: months wholly past it are dropped "
        "as partitions, the month it falls in is trimmed --batch-size rows at a time (the beat task runs this nightly)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=None)
        parser.add_argument("--batch-size", type=int, default=None)

    def handle(self, *args, months, batch_size, **options):
        months = settings.AUDIT_RETENTION_MONTHS if months is None else months
        batch_size = settings.AUDIT_RETENTION_BATCH_SIZE if batch_size is None else batch_size
        if months < 1 or batch_size < 1:
            raise CommandError("--months and --batch-size must be at least 1")
        counts = retention_purge(months=months, batch_size=batch_size)
        self.stdout.write(", ".join(f"{table}: {count} removed" for table, count in counts.items()))
