"""What the workflow engine knows about clients, registered from clients.apps: the client subject, its
event and its placeholders (concierge/workflows/registry.py)."""

from typing import Any

from django.conf import settings

from concierge.workflows.registry import registry

CLIENT_CREATED = "client_created"


def _client_values(client: Any, dry_run: bool) -> dict[str, Any]:
    return {"shop_name": settings.SHOP_NAME, "first_name": client.first_name}


def register() -> None:
    registry.subject_register("client", label="client")
    registry.event_register(CLIENT_CREATED, label="A client was registered", subject="client")
    registry.placeholders_register("client", names={"first_name", "shop_name"}, values=_client_values)
