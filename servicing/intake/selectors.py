"""Reads for the front desk's two quick paths: the staff home's one search box and the booking page's
lookup. Every lookup is an index probe: a plate is normalised and matched exactly (the plate's unique
index), a phone or email through its keyed hash (the contact columns are encrypted, never scanned),
a name through the trigram indexes on first and last name."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from clients.models import Client
from clients.phones import phone_or_none
from clients.selectors import client_search_filter
from fleet.models import Vehicle
from fleet.selectors import vehicle_search_filter

# The short list shows this many of each kind; more means "type more", not a longer page.
SEARCH_SHOWN = 20


@dataclass
class DeskSearchResult:
    term: str
    vehicles: list[Vehicle] = field(default_factory=list)
    clients: list[Client] = field(default_factory=list)
    # The term read as a plate or a phone (its stored form), for "New booking" with it filled in.
    plate: str | None = None
    phone: str | None = None

    @property
    def single(self) -> Vehicle | Client | None:
        """The one car or client found, when there is exactly one."""
        found: list[Vehicle | Client] = [*self.vehicles, *self.clients]
        return found[0] if len(found) == 1 else None


def _cars() -> QuerySet[Vehicle]:
    return Vehicle.objects.select_related("client").defer(
        "metadata", "client__email", "client__phone", "client__address")


def desk_search(*, term: str, owner_details: bool = True) -> DeskSearchResult:
    """What the staff home's search box finds for `term`: the car with that plate (typed any way),
    the clients with that phone (any Kenyan form) or email, or the clients whose names contain every
    word typed.

    `owner_details=False` (a technician: no client records) finds cars by plate only.
    """
    from fleet.validators import normalise_plate

    term = " ".join(term.split())
    result = DeskSearchResult(term=term)
    if not term:
        return result
    plate_q = vehicle_search_filter(term)
    if plate_q is not None:
        result.plate = normalise_plate(term)
        result.vehicles = list(_cars().filter(plate_q)[:SEARCH_SHOWN])
    if not owner_details:
        return result
    contact_q = client_search_filter(term)
    if contact_q is not None:
        result.phone = phone_or_none(term)
        result.clients = list(Client.objects.filter(contact_q).defer("address").order_by(
            "last_name", "first_name", "pk")[:SEARCH_SHOWN])
        return result
    if result.vehicles:  # a plate: not also a name
        return result
    names = Q()
    for word in term.split():
        names &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    result.clients = list(Client.objects.filter(names).defer("address").order_by(
        "last_name", "first_name", "pk")[:SEARCH_SHOWN])
    return result


@dataclass
class BookingLookup:
    """What the booking page offers for what was typed in its "Plate or phone" box."""

    term: str
    vehicle: Vehicle | None = None  # the car with this plate
    # The clients with this phone (a family may share one) and each one's cars.
    clients: list[tuple[Client, list[Vehicle]]] = field(default_factory=list)
    plate: str | None = None  # the term as a plate (stored form), when it can be one
    phone: str | None = None  # the term as a phone (E.164), when it can be one

    @property
    def found(self) -> bool:
        return self.vehicle is not None or bool(self.clients)


# A client's cars offered on the booking page; a fleet owner with more types the plate instead.
BOOKING_CARS_SHOWN = 10


def booking_lookup(*, term: str) -> BookingLookup:
    """The car with the plate `term`, or the clients whose phone is `term` with their cars; both
    are index probes (the plate's unique index, the phone's keyed hash)."""
    from django.core.exceptions import ValidationError

    from fleet.validators import normalise_plate

    term = " ".join(term.split())
    lookup = BookingLookup(term=term)
    if not term:
        return lookup
    try:
        lookup.plate = normalise_plate(term)
    except ValidationError:
        lookup.plate = None
    if lookup.plate:
        lookup.vehicle = _cars().filter(license_plate=lookup.plate).first()
        if lookup.vehicle is not None:
            return lookup
    lookup.phone = phone_or_none(term)
    if lookup.phone is None:
        return lookup
    owners = list(Client.objects.by_phone(lookup.phone).defer("address").order_by("last_name", "first_name", "pk")[:10])
    cars: dict[object, list[Vehicle]] = {owner.pk: [] for owner in owners}
    if owners:
        for car in Vehicle.objects.filter(client__in=[o.pk for o in owners]).defer("metadata").order_by(
                "client_id", "license_plate")[: BOOKING_CARS_SHOWN * len(owners)]:
            if len(cars[car.client_id]) < BOOKING_CARS_SHOWN:
                cars[car.client_id].append(car)
    lookup.clients = [(owner, cars[owner.pk]) for owner in owners]
    return lookup
