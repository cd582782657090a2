"""Reads about clients. The admin's search goes through here: email and phone are encrypted at rest,
so they are matched exactly through their keyed hashes (docs/audit-and-privacy.md), never by ILIKE."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, Q, QuerySet

from concierge.db.expressions import EqualsAny
from fleet.models import Vehicle
from servicing.models import Service

from .models import Client
from .phones import phone_or_none


def client_search_filter(term: str, *, prefix: str = "") -> Q | None:
    """A Q matching clients whose email is `term` (any case) or whose phone is `term` read as a Kenyan
    number; None when it is neither.

    `prefix` lets other models search through their relation (`client__` on vehicles, `vehicle__client__`
    on services).
    """
    term = term.strip()
    if "@" in term:
        return Q(**{f"{prefix}email_hash": Client._meta.get_field("email_hash").hash_of(term)})
    e164 = phone_or_none(term)
    if e164 is None:
        return None
    return Q(**{f"{prefix}phone_hash": Client._meta.get_field("phone_hash").hash_of(e164)})


def client_by_email(email: str) -> Client | None:
    """The client with this email (any case), or None."""
    return Client.objects.by_email(email).first()


def client_service_history(*, client: Client, newest: int | None = None) -> QuerySet[Service]:
    """Every job on every car of the client (or its `newest` jobs), newest first, with what the history
    table shows.

    The client's cars as one list (an InitPlan), their jobs read off services_car_order_idx: a join per
    job walked the whole shop's jobs newest first until 20 were the client's (2 500 jobs for a fleet
    client at scale 10). With `newest`, those are picked among the jobs alone before their cars are
    joined: the busiest client has 13 000 jobs, each joined to its car only to be sorted away.
    """
    order = ("-scheduled_date", "-created_at", "-id")
    cars = ArraySubquery(Vehicle.objects.filter(client=client).order_by().values("pk"))
    jobs = Service.objects.filter(EqualsAny(F("vehicle_id"), cars))
    if newest is not None:
        jobs = Service.objects.filter(pk__in=jobs.order_by(*order).values("pk")[:newest])
    return (
        jobs.select_related("vehicle")
        .only("id", "service_type", "status", "scheduled_date", "completed_date", "cost", "technician",
              "vehicle__license_plate", "vehicle__make", "vehicle__model", "vehicle__vin")
        .order_by(*order)
    )


def clients_sharing_phone(*, client: Client) -> QuerySet[Client]:
    """The other clients with this client's phone number (a family sharing one phone), by name."""
    if not client.phone_hash:
        return Client.objects.none()
    return Client.objects.filter(phone_hash=client.phone_hash).exclude(pk=client.pk).order_by("last_name", "first_name")
