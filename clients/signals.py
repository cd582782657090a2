"""What happens to a client, said by the service that does it (clients/services.py), and turned here
into the named workflow event (concierge/workflows/events.py). Nothing else happens here.

Sent with the model as sender, inside the service's transaction, right after the write. A plain
Client.save() says nothing: every writer (the admin, the CSV import, test factories) goes through
clients.services.

- client_created(client, by): a client was registered. Sent by client_create.

`by` is the acting user, or None for the system (a command).
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.dispatch import Signal

from concierge.workflows import events

from . import workflow_events
from .models import Client

client_created = Signal()


def client_created_event(
    sender: type[Client], *, client: Client, by: AbstractBaseUser | None, **kwargs: Any,
) -> None:
    events.event_emit(name=workflow_events.CLIENT_CREATED, client=client)


def connect() -> None:
    client_created.connect(client_created_event, sender=Client, dispatch_uid="clients.client_created_event")
