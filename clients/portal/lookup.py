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


def normalise_contact(value: str | None) -> tuple[str, str]:
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


def contact_key(value: str | None) -> tuple[str, str] | None:
    """(kind, keyed hash) of a typed contact, or None when it is neither an email nor a phone number.

    The sign-in view hands this to the worker instead of the address: the broker never holds a
    contact in clear, and the view does the same work whether or not a client has it."""
    try:
        kind, normalised = normalise_contact(value)
    except ValidationError:
        return None
    # Each field named literally, so the type checker knows it is a KeyedHashField.
    field = Client._meta.get_field("email_hash") if kind == ContactKind.EMAIL else Client._meta.get_field("phone_hash")
    return kind, field.hash_of(normalised)


def clients_for_contact_key(kind: str, contact_hash: str) -> list[Client]:
    """Every client with this contact, oldest first. Emails are unique, so at most one; a phone may be
    shared by a family (each may reach their own cars: docs/portal.md, "A phone shared by a family")."""
    field = "email_hash" if kind == ContactKind.EMAIL else "phone_hash"
    return list(Client.objects.filter(**{field: contact_hash}).order_by("created_at", "pk"))


def clients_sharing_phone_hash(phone_hash: str) -> list[Client]:
    """The clients a sign-in link sent to this phone may sign in as, in the order the page lists them."""
    if not phone_hash:
        return []
    return list(Client.objects.filter(phone_hash=phone_hash).order_by("first_name", "last_name", "pk"))
