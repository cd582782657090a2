"""What staff type about a car, checked and normalised the same way in forms, bulk actions and imports.

Each `normalise_*` returns the stored form or raises ValidationError with a message meant for the
person at the desk. The North American VIN check digit is only reported (`vin_check_digit_matches`):
most cars in Kenya are Japanese imports whose chassis numbers do not carry one.
"""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone

# ISO 3779: letters I, O and Q are never used, so they cannot be confused with 1 and 0.
VIN_ALPHABET = frozenset("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
VIN_LENGTH = 17
_VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9))),
               **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)

OLDEST_YEAR = 1900


def normalise_vin(raw) -> str:
    vin = re.sub(r"[\s-]", "", raw or "").upper()
    if len(vin) != VIN_LENGTH:
        raise ValidationError(f"A VIN has {VIN_LENGTH} characters; this one has {len(vin)}.", code="vin_length")
    bad = sorted(set(vin) - VIN_ALPHABET)
    if bad:
        hint = " (I, O and Q are never used: read them as 1 and 0)" if set(bad) & set("IOQ") else ""
        raise ValidationError(
            f"A VIN may not contain {', '.join(bad)}{hint}.", code="vin_alphabet",
        )
    return vin


def vin_check_digit_matches(vin) -> bool:
    """The North American check digit (9th character); a mismatch is a warning, never a refusal."""
    total = sum(_VIN_VALUES[ch] * weight for ch, weight in zip(vin, _VIN_WEIGHTS))
    expected = "X" if total % 11 == 10 else str(total % 11)
    return vin[8] == expected


def normalise_plate(raw):
    """`kda123a`, `KDA-123A`, ` kda  123a ` → `KDA 123A`; empty → None (the column is nullable)."""
    compact = re.sub(r"[^A-Za-z0-9]", "", raw or "").upper()
    if not compact:
        return None
    if len(compact) < 3:
        raise ValidationError("A number plate has at least 3 letters and digits.", code="plate_short")
    # Kenyan plates: a letter prefix (KDA, KMEA, GK…), then digits and a letter suffix.
    match = re.fullmatch(r"([A-Z]+)(\d.*)", compact)
    return f"{match[1]} {match[2]}" if match else compact


def validate_year(year):
    if year is None:
        return
    newest = timezone.localdate().year + 1
    if not OLDEST_YEAR <= year <= newest:
        raise ValidationError(f"Enter a year from {OLDEST_YEAR} to {newest}.", code="year_range")


def validate_mileage(mileage, *, previous=None, correction=False):
    """Odometers only go up: a lower reading than the last one needs an explicit correction."""
    if mileage is None:
        return
    if mileage < 0:
        raise ValidationError("Mileage cannot be negative.", code="mileage_negative")
    if previous is not None and mileage < previous and not correction:
        raise ValidationError(
            f"Mileage {mileage:,} km is lower than the last recorded {previous:,} km. "
            "Tick “Correct the mileage” on the vehicle’s page if the last reading was wrong.",
            code="mileage_lower",
        )
