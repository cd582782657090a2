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
# The most kilometres any reading may say: above what a car's odometer ever shows (a high-mileage taxi
# or matatu runs about a million), well inside the integer columns (2,147,483,647), so a slip of the
# finger is a form error naming the limit, not a database error. Every form, view and service that
# takes a mileage checks it (validate_mileage, fleet.forms.odometer_field).
ODOMETER_MAX_KM = 3_000_000
ODOMETER_TOO_HIGH = f"An odometer reads at most {ODOMETER_MAX_KM:,} km: check the number typed."


# The first character of a VIN's maker code (WMI) for North America (ISO 3780): only these makers must
# put the check digit in 9th place. Japanese, European and most other VINs carry something else there.
NORTH_AMERICAN_WMI_START = frozenset("12345")
# What a person may type between the parts of a VIN or a plate; anything else they typed is kept and
# judged, never dropped.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")


def normalise_vin(raw) -> str:
    """`jtdbt 9235-0123 4567` → `JTDBT923501234567`: spaces and dashes go before the length is counted."""
    vin = _SEPARATORS.sub("", raw or "").upper()
    bad = sorted(set(vin) - VIN_ALPHABET)
    if bad:
        hint = " (I, O and Q are never used: read them as 1 and 0)" if set(bad) & set("IOQ") else ""
        raise ValidationError(
            f"A VIN may not contain {' '.join(bad)}{hint}.", code="vin_alphabet",
        )
    if len(vin) != VIN_LENGTH:
        raise ValidationError(
            f"A VIN has {VIN_LENGTH} letters and digits; this one has {len(vin)} (spaces and dashes not counted).",
            code="vin_length",
        )
    return vin


def vin_uses_check_digit(vin) -> bool:
    """Whether the VIN's maker is North American, the region whose VINs carry the 9th-character check digit."""
    return bool(vin) and vin[0] in NORTH_AMERICAN_WMI_START


def vin_check_digit_matches(vin) -> bool:
    """The North American check digit (9th character); a mismatch is a warning, never a refusal."""
    total = sum(_VIN_VALUES[ch] * weight for ch, weight in zip(vin, _VIN_WEIGHTS))
    expected = "X" if total % 11 == 10 else str(total % 11)
    return vin[8] == expected


# Kenyan registration series in use, matched on the plate with its spaces taken out and written back in
# the form painted on the car. Sources and what is left out: docs/staff-guide.md, "Number plates".
# (name, pattern of the plate without spaces); the groups are written back with one space between them.
PLATE_SERIES = (
    ("car", re.compile(r"(K[A-Z]{2})(\d{3}[A-Z])")),  # KDA 123A, since 1989
    ("motorcycle", re.compile(r"(KM[A-Z]{2})(\d{3}[A-Z])")),  # KMAA 123A
    ("older car", re.compile(r"(K[A-Z]{2})(\d{1,3})")),  # KAA 123, 1950 to 1989
    ("national government", re.compile(r"(GK[A-Z]?)(\d{3}[A-Z])")),  # GK 123A, GKA 123A, GKB (police)
    ("county governor", re.compile(r"(GVN)(\d{1,3}[A-Z]?)")),  # GVN 047A
    ("county government", re.compile(r"(\d{1,2})(CG)(\d{3}[A-Z])")),  # 47 CG 123A
    ("diplomatic", re.compile(r"(\d{1,3})(CD)(\d{1,3}K)")),  # 29 CD 12K
    ("international organisation", re.compile(r"(\d{1,3})?(UN)(\d{1,3}K)")),  # 45 UN 12K, UN 12K
    ("trailer", re.compile(r"(Z[A-Z])(\d{4})")),  # ZC 1234
)
PLATE_EXAMPLES = (
    "KDA 123A (car), KMAA 123A (motorcycle), KAA 123 (before 1989), GK 123A or GKA 123A (government), "
    "47 CG 123A (county), 29 CD 12K (diplomatic), UN 12K, ZC 1234 (trailer)"
)


def normalise_plate(raw):
    """`kda123a`, `KDA-123A`, ` kda  123a ` → `KDA 123A`; nothing typed → None (the column is nullable).

    Only case and the spaces or dashes between the parts are changed. Anything else (a symbol, an emoji, a
    letter where a digit belongs) is refused with the forms we take, never dropped to make the plate fit.
    """
    if raw is None or raw == "":
        return None
    typed = _SEPARATORS.sub("", raw)
    compact = typed.upper()
    if not typed:
        raise ValidationError(
            f"“{raw}” is not a number plate: type it as on the car, e.g. {PLATE_EXAMPLES}; or leave the box empty.",
            code="plate_empty",
        )
    # Judged as typed, before upper(): "ß".upper() is "SS", which would slip a changed plate through.
    bad = sorted({ch for ch in typed if not (ch.isascii() and ch.isalnum())})
    if bad:
        raise ValidationError(
            f"A number plate has only letters, digits and spaces; “{raw.strip()}” also has {' '.join(bad)}. "
            f"Type it as on the car, e.g. {PLATE_EXAMPLES}.",
            code="plate_characters",
        )
    for _name, pattern in PLATE_SERIES:
        match = pattern.fullmatch(compact)
        if match:
            return " ".join(part for part in match.groups() if part)
    raise ValidationError(
        f"“{raw.strip()}” is not a Kenyan number plate. Type it as on the car, e.g. {PLATE_EXAMPLES}.",
        code="plate_format",
    )


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
    if mileage > ODOMETER_MAX_KM:
        raise ValidationError(ODOMETER_TOO_HIGH, code="mileage_too_high")
    if previous is not None and mileage < previous and not correction:
        raise ValidationError(
            f"Mileage {mileage:,} km is lower than the last recorded {previous:,} km. "
            "Tick “Correct the mileage” on the vehicle’s page if the last reading was wrong.",
            code="mileage_lower",
        )
