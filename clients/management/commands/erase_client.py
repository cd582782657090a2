from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from clients.data_rights.services import client_erase
from concierge.audit.ledger import LedgerError

from ._client import add_client_arguments, find_client


class Command(BaseCommand):
    help = (
        "Erase one client's personal data on their request (names, email, phone, address, message texts, "
        "and the same values in the audit trail). Service records and costs stay. Cannot be undone."
    )

    def add_arguments(self, parser):
        add_client_arguments(parser)
        parser.add_argument("--by", required=True, help="email of the staff user carrying out the request")
        parser.add_argument("--confirm", help="the client's id again, to show this is the client you mean")

    def handle(self, *args, **options):
        client = find_client(options)
        try:
            by = get_user_model().objects.get(email__iexact=options["by"], is_staff=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no staff user with email {options['by']!r}") from None
        if options["confirm"] != str(client.pk):
            raise CommandError(
                f"erasure cannot be undone: run again with --confirm {client.pk} to erase this client's personal data"
            )
        try:
            client_erase(client=client, by=by)
        except LedgerError as exc:
            raise CommandError(f"nothing was erased: {exc}") from None
        self.stdout.write(f"client {client.pk} erased")
