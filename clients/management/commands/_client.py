"""Finding the client a data-protection command is about: by id, or by exact email through its hash."""

import uuid

from django.core.management.base import CommandError

from clients.models import Client


def add_client_arguments(parser):
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--client", help="the client's id (UUID)")
    group.add_argument("--email", help="the client's email address (exact, any case)")


def find_client(options):
    if options.get("client"):
        try:
            return Client.objects.get(pk=uuid.UUID(options["client"]))
        except (ValueError, Client.DoesNotExist):
            raise CommandError(f"no client with id {options['client']!r}") from None
    client = Client.objects.by_email(options["email"]).first()
    if client is None:
        raise CommandError("no client with that email address")
    return client
