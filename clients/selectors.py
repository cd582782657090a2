"""Reads about clients. The admin's search goes through here so the phone lookup can change in one place:
issue 5 moves phone/email into encrypted columns and will match on their keyed hashes instead."""

from django.db.models import Q

from servicing.models import Service

from .models import Client
from .phones import phone_or_none


def client_search_filter(term, *, prefix=""):
    """A Q matching clients whose stored phone equals `term` read as a Kenyan number; None when it isn't one.

    `prefix` lets other models search through their relation (`client__` on vehicles, `vehicle__client__`
    on services).
    """
    e164 = phone_or_none(term)
    if e164 is None:
        return None
    return Q(**{f"{prefix}phone": e164})


def client_by_email(email):
    """The client with this email (stored lower-case), or None. Issue 5 will look this up by keyed hash."""
    return Client.objects.filter(email=email.strip().lower()).first()


def client_service_history(*, client):
    """Every job on every car of the client, newest first, with what the history table shows."""
    return (
        Service.objects.filter(vehicle__client=client)
        .select_related("vehicle")
        .only("id", "service_type", "status", "scheduled_date", "completed_date", "cost", "technician",
              "vehicle__license_plate", "vehicle__make", "vehicle__model", "vehicle__vin")
        .order_by("-scheduled_date", "-created_at")
    )
