"""Kenyan phone numbers, as people type them, turned into the one form we store: E.164.

libphonenumber (the `phonenumbers` package) knows Kenya's numbering plan, so `0712 345 678`,
`+254712345678`, `254 712 345678` and `712345678` all become `+254712345678`, and numbers that cannot
exist are refused. Issue 5 (encryption at rest) reuses `normalise_phone` to compute lookup hashes, so
it must stay a pure function of its input.
"""

import phonenumbers
from django.core.exceptions import ValidationError

DEFAULT_REGION = "KE"


def _parse(raw):
    text = (raw or "").strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return number
    # "712345678": Kenyans often drop the trunk 0; libphonenumber only accepts that after a +254.
    if text[:1] not in "0+":
        try:
            number = phonenumbers.parse("0" + text, DEFAULT_REGION)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return number
    return None


def normalise_phone(raw) -> str:
    """Return the E.164 form (`+254712345678`) of a typed number; ValidationError when it is not a real number."""
    number = _parse(raw)
    if number is None:
        raise ValidationError(
            "Enter a valid phone number, for example 0712 345 678 or +254 712 345 678.", code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_or_none(raw):
    """E.164 for a search term that is a phone number, None for anything else (a name, an email)."""
    try:
        return normalise_phone(raw)
    except ValidationError:
        return None


def format_phone_for_display(e164):
    """`+254 712 345678` for lists; the stored value stays E.164."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
