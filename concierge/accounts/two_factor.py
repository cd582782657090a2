"""Two-factor sign-in for staff (django-otp): who needs it, enrolment, recovery codes.

A TOTP device (an authenticator app) is the second factor; a static device holds the recovery codes,
each usable once. Staff who can export or erase personal data (managers, superusers) must use it;
anyone else may. A user who must and has no authenticator yet is signed in by password only as far as
the enrolment page (docs/audit-and-privacy.md, "Staff sign-in").
"""

from base64 import b32encode

import segno
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import MANAGER

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# Permissions whose holders must sign in with a second factor, whatever their group.
PERSONAL_DATA_PERMISSIONS = ("audit.export_personal_data", "audit.erase_personal_data")


def two_factor_required(user) -> bool:
    """Superusers, managers and anyone who may export or erase a client's personal data."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or any(user.has_perm(perm) for perm in PERSONAL_DATA_PERMISSIONS):
        return True
    return user.groups.filter(name=MANAGER).exists()


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def has_second_factor(user) -> bool:
    """Any confirmed device, recovery codes included: the sign-in form then asks for a code."""
    return any(True for _ in devices_for_user(user))


def two_factor_satisfied(user) -> bool:
    """May this signed-in staff user use the staff pages in this session? Verified by a second factor,
    or not required to have one and not having set one up (an enrolled user always gives a code)."""
    if user.is_verified():
        return True
    return not two_factor_required(user) and not has_second_factor(user)


def enrolment_needed(user) -> bool:
    """Signed in by password, required to use a second factor and without an authenticator yet."""
    return (
        user.is_authenticated and user.is_active and user.is_staff
        and not user.is_verified() and two_factor_required(user) and not has_authenticator(user)
    )


def authenticator_pending(*, user) -> TOTPDevice:
    """The unconfirmed authenticator being set up: the same one (same secret) until it is confirmed,
    so reloading the page does not invalidate a code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def authenticator_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a pending authenticator with a code from the app. Returns fresh recovery codes, or None
    when the code does not match (the device's own throttling applies)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(token.strip().replace(" ", "")):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        return recovery_codes_issue(user=device.user)


def recovery_codes_issue(*, user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones, each good once."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def authenticator_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def authenticator_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG QR code in a data: URI (the CSP allows data: images; nothing
    leaves the server, no script draws it)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
