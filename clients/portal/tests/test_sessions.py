import datetime

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from clients.portal.auth import PORTAL_CLIENT_KEY, PORTAL_EXPIRES_KEY
from clients.portal.tests.conftest import portal_sign_in_as
from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import authenticator_for, login_verified, totp_code
from fleet.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def test_pages_need_a_portal_session(client):
    for url in [reverse("portal:vehicles"), reverse("portal:inbox")]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in")


def test_a_portal_session_never_opens_the_admin(signed_in):
    http = signed_in(ClientFactory())

    response = http.get("/admin/")

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_staff_session_does_not_open_the_portal(client, superuser):
    login_verified(client, superuser)

    response = client.get(reverse("portal:vehicles"))

    assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in")


def test_a_session_carrying_a_staff_login_is_refused_even_with_a_portal_client_in_it(client, superuser):
    login_verified(client, superuser)
    session = client.session
    session[PORTAL_CLIENT_KEY] = str(ClientFactory().pk)
    session[PORTAL_EXPIRES_KEY] = (timezone.now() + datetime.timedelta(days=1)).timestamp()
    session.save()

    assert client.get(reverse("portal:vehicles")).status_code == 302


def test_a_staff_login_in_the_same_browser_drops_the_portal_session(signed_in, superuser, staff_password):
    http = signed_in(ClientFactory())

    code = totp_code(authenticator_for(superuser))
    http.post("/admin/login/", {"username": superuser.email, "password": staff_password, "otp_token": code})
    assert http.session.get(DEVICE_ID_SESSION_KEY)  # signed in, second factor included

    assert PORTAL_CLIENT_KEY not in http.session
    assert http.get(reverse("portal:vehicles")).status_code == 302


def test_signing_in_to_the_portal_drops_a_staff_login(client, superuser):
    login_verified(client, superuser)

    portal_sign_in_as(client, ClientFactory())

    assert client.get("/admin/").status_code == 302


@override_settings(PORTAL_SESSION_DAYS=3)
def test_the_session_lasts_the_configured_number_of_days(signed_in, monkeypatch):
    owner = ClientFactory()
    VehicleFactory(client=owner)
    http = signed_in(owner)
    assert 3 * 86400 - 5 <= http.session.get_expiry_age() <= 3 * 86400

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(days=2, hours=23))
    assert http.get(reverse("portal:vehicles")).status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(days=3, minutes=1))
    assert http.get(reverse("portal:vehicles")).status_code == 302


def test_sign_out_ends_the_portal_session(signed_in):
    http = signed_in(ClientFactory())

    response = http.post(reverse("portal:sign_out"))

    assert response["Location"].startswith(reverse("portal:sign_in"))
    assert http.get(reverse("portal:vehicles")).status_code == 302


def test_sign_out_needs_a_post_with_csrf(signed_in):
    http = Client(enforce_csrf_checks=True)
    http.cookies.update(signed_in(ClientFactory()).cookies)

    assert http.get(reverse("portal:sign_out")).status_code == 405
    assert http.post(reverse("portal:sign_out")).status_code == 403
    assert http.get(reverse("portal:vehicles")).status_code == 200
