"""The one place a typed email or phone number is matched to a client.

The contact columns are encrypted, so the match goes through their keyed (HMAC) hashes:
Client.objects.by_email / by_phone (docs/audit-and-privacy.md).
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from clients.models import Client

PHONE_REGION = "KE"


class ContactKind:
    EMAIL = "email"
    PHONE = "phone"


def normalise_contact(value):
    """(kind, normalised value), or raise ValidationError when it is neither an email nor a phone number."""
    value = (value or "").strip()
    if "@" in value:
        validate_email(value)
        return ContactKind.EMAIL, value.lower()
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError("not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("not a valid phone number")
    return ContactKind.PHONE, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def client_for_contact(value):
    """The client whose email (case-insensitive, exact) or phone (E.164, exact) this is, else None."""
    try:
        kind, normalised = normalise_contact(value)
    except ValidationError:
        return None
    if kind == ContactKind.EMAIL:
        return Client.objects.by_email(normalised).first()
    return Client.objects.by_phone(normalised).first()
