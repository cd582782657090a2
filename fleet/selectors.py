"""Reads about vehicles."""

from django.core.exceptions import ValidationError
from django.db.models import Q

from .validators import normalise_plate


def vehicle_search_filter(term, *, prefix=""):
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
