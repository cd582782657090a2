"""One spelling per address and number, so that equal contacts get equal keyed hashes."""

import phonenumbers

DEFAULT_REGION = "KE"


def normalise_email(raw: str) -> str:
    # Lower-cased whole: providers treat the local part case-insensitively in practice, and two
    # clients differing only by case would be the same person.
    return raw.strip().lower()


def normalise_phone(raw: str) -> str:
    """E.164 (+2547...) for anything libphonenumber can parse as a Kenyan or international number.

    Anything else is only stripped of spaces and dashes, so it can still be looked up as typed. The
    staff forms validate and store numbers with clients/phones.py; for every valid number both give
    the same E.164 (a test holds them together). This one never raises: every stored value gets a hash.
    """
    cleaned = "".join(raw.split()).replace("-", "")
    try:
        number = phonenumbers.parse(cleaned, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return cleaned
    if not phonenumbers.is_possible_number(number):
        return cleaned
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
