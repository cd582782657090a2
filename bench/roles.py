"""Who is signed in for a page: one function per role, signing a Django test client in.

`staff` is a superuser until the staff roles land (#3): then it becomes the front-desk role, one
line here. `portal_client` signs in the client the Sample picked, through the portal's own sign-in
function (#7); without the portal the role raises LookupError and its pages are skipped.
"""

from importlib import import_module

from django.conf import settings
from django.test import RequestFactory

from concierge.accounts.models import User

BENCH_EMAIL = "bench-superuser@bench.example"


def bench_superuser():
    user, created = User.objects.get_or_create(email=BENCH_EMAIL, defaults={"is_staff": True, "is_superuser": True})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _staff(client, sample):
    client.force_login(bench_superuser())


def _portal_client(client, sample):
    try:
        auth = import_module("clients.portal.auth")
    except ImportError:
        raise LookupError("the portal (#7) is not on this branch") from None
    client.logout()
    request = RequestFactory().get("/")
    request.session = client.session
    auth.portal_sign_in(request, sample.portal_client)
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key


ROLES = {"staff": _staff, "portal_client": _portal_client}


def sign_in(role, client, sample):
    ROLES[role](client, sample)
