"""Reads about vehicles."""

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Vehicle, VehicleOwnership
from .validators import normalise_plate


def owned_by_at(*, client_id: Any, vehicle: str = "vehicle", at: str = "created_at") -> Exists:
    """For a queryset of rows that name a car and a moment (a job: its car and its created_at): whether
    `client_id` owned that car at that moment. The portal and the data-subject requests filter jobs by
    it, never by the car's current client (a sold car's old jobs are its old owner's). `client_id`: an
    id, or an expression (OuterRef) naming one."""
    return Exists(VehicleOwnership.objects.filter(
        vehicle=OuterRef(vehicle), client_id=client_id, started_at__lte=OuterRef(at),
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=OuterRef(at))))


def vehicles_ever_owned(*, client_id: uuid.UUID | str) -> QuerySet[Vehicle]:
    """The cars `client_id` owns or has owned."""
    return Vehicle.objects.filter(Exists(VehicleOwnership.objects.filter(vehicle=OuterRef("pk"), client_id=client_id)))


def vehicle_owner_id_at(*, vehicle_id: uuid.UUID, at: datetime.datetime) -> uuid.UUID | None:
    """Whose the car was at `at` (a job's created_at: the job's own client), or None in a gap (a period
    whose client was deleted)."""
    return (VehicleOwnership.objects.filter(vehicle_id=vehicle_id, started_at__lte=at)
            .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at)).values_list("client_id", flat=True).first())


def vehicle_owners(*, vehicle: Vehicle) -> QuerySet[VehicleOwnership]:
    """The car's owners, newest first (the admin's car page)."""
    return VehicleOwnership.objects.filter(vehicle=vehicle).select_related("client").order_by("-started_at")


def vehicle_search_filter(term: str, *, prefix: str = "") -> Q | None:
    """A Q matching the plate `term` however it was typed (`kda123a`, `KDA 123A`); None if it can't be one.

    Plates are stored normalised, so an exact match on the normalised term is enough (and uses the index).
    """
    try:
        plate = normalise_plate(term)
    except ValidationError:
        return None
    if not plate:
        return None
    return Q(**{f"{prefix}license_plate": plate})


# Above this many clients matching a word, their ids are left to the database's join instead of a list.
SEARCH_CLIENT_IDS_MAX = 5_000


def vehicle_admin_search_filter(term: str, *, owner_details: bool = True) -> Q | None:
    """A Q for the cars the staff search `term` finds, or None for an empty term.

    Each word must match the plate, VIN, make or model (any case, anywhere: trigram indexes) or the
    owner's first or last name, as the admin's own search_fields did; the whole term may also be a plate
    typed any way or the owner's phone or email. The owners are looked up first and matched by id, so
    the cars' OR stays on one table, where its indexes can serve it (no OR across a join).

    `owner_details=False` (staff who may not see clients): owners matched by first name only, never by
    surname, phone or email.
    """
    from django.utils.text import smart_split, unescape_string_literal

    from clients.models import Client
    from clients.selectors import client_search_filter

    matched, any_word = Q(), False
    for word in smart_split(term):
        if word.startswith(('"', "'")) and word[0] == word[-1]:
            word = unescape_string_literal(word)
        if not word:
            continue
        any_word = True
        own = (Q(license_plate__icontains=word) | Q(vin__icontains=word) | Q(make__icontains=word)
               | Q(model__icontains=word))
        owner_name = Q(first_name__icontains=word) | Q(last_name__icontains=word) if owner_details \
            else Q(first_name__icontains=word)
        owners = list(Client.objects.filter(owner_name).values_list("pk", flat=True)[: SEARCH_CLIENT_IDS_MAX + 1])
        if len(owners) > SEARCH_CLIENT_IDS_MAX:  # a common word: the join, correct if not fast
            by_owner = Q(client__first_name__icontains=word)
            if owner_details:
                by_owner |= Q(client__last_name__icontains=word)
        else:
            by_owner = Q(client_id__in=owners)
        matched &= own | by_owner
    if not any_word:
        return None
    plate = vehicle_search_filter(term)
    if plate is not None:
        matched |= plate
    contact = client_search_filter(term) if owner_details else None
    if contact is not None:
        matched |= Q(client_id__in=list(Client.objects.filter(contact).values_list("pk", flat=True)))
    return matched
