"""Signing a Django test client in as a finished two-factor sign-in leaves it: for the tests and for
the benchmarks that fetch staff pages (bench/, reports' bench_reports), which may not import tests.

No view or URL uses it: it needs the database and a `django.test.Client`, which only code already
trusted with both has."""

from django.http import HttpRequest
from django.test import Client
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from concierge.accounts.models import User


def authenticator_for(user: User) -> TOTPDevice:
    """The user's confirmed authenticator (TOTP device), created once."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def login_verified(client: Client, user: User) -> TOTPDevice:
    """Sign `user` in on a Django test client as a completed two-factor sign-in does: Django's login
    (force_login) and then django_otp.login with the user's authenticator, on the client's session.

    Use it instead of `client.force_login` for staff who must use a second factor (managers,
    superusers): force_login alone leaves the session unverified, and the admin and the report
    pages refuse it. Works for any staff user. Returns the authenticator device."""
    device = authenticator_for(user)
    client.force_login(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    otp_login(request, device)
    request.session.save()
    return device
