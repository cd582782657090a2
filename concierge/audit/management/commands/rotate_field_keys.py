from django.core.management.base import BaseCommand, CommandError

from concierge.crypto import keys
from concierge.crypto.rotation import ENCRYPTED_COLUMNS, rotate_table


class Command(BaseCommand):
    help = (
        "Re-encrypt every client's email and phone under the newest key of FIELD_ENCRYPTION_KEYS. "
        "Put the new key first, deploy, run this, then drop the old key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        for table, columns in ENCRYPTED_COLUMNS:
            try:
                count = rotate_table(table=table, columns=columns, batch_size=batch_size)
            except keys.InvalidToken:
                raise CommandError(
                    f"a value in {table} opens with none of FIELD_ENCRYPTION_KEYS: put back the key it was "
                    "written with (after the new one) and run again; batches already done stay done"
                ) from None
            self.stdout.write(f"{table}: {count} rows re-encrypted under the newest key")
