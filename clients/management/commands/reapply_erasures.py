from django.core.management.base import BaseCommand, CommandError

from clients.data_rights.services import client_erase, client_is_erased
from clients.models import Client
from concierge.audit.ledger import LedgerError, read_ledger


class Command(BaseCommand):
    help = (
        "Erase again every client the erasure ledger (ERASURE_LEDGER_DIR) lists and this database still holds "
        "un-erased: run it after restoring a backup (docs/backups.md). Safe to run any time, and again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say what would be erased, change nothing")

    def handle(self, *args, dry_run, **options):
        try:
            entries = read_ledger()
        except LedgerError as exc:
            raise CommandError(str(exc)) from None
        ids = list(dict.fromkeys(entry.client_id for entry in entries))
        clients = Client.objects.in_bulk(ids)
        erased = already = 0
        for client_id in ids:
            client = clients.get(client_id)
            if client is None:
                continue  # not in this database (deleted since, or the backup predates them)
            if client_is_erased(client):
                already += 1
                continue
            if not dry_run:
                # A system job: the audit row names no staff user; the ledger already has the line.
                client_erase(client=client, by=None, record=False)
            erased += 1
            self.stdout.write(f"client {client_id} {'would be ' if dry_run else ''}erased again")
        self.stdout.write(
            f"{len(ids)} clients in the ledger: {erased} {'to erase' if dry_run else 'erased again'}, "
            f"{already} already erased, {len(ids) - erased - already} not in this database"
        )
