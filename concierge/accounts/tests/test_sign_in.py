"""Staff sign-in: lockout after repeated failures (django-axes) and the second factor (django-otp)."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from concierge.accounts.roles import FRONT_DESK, MANAGER
from concierge.accounts.tests.factories import PASSWORD, UserFactory, authenticator_for, staff_in_role, totp_code
from concierge.accounts.two_factor import recovery_codes_issue

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def _sign_in(http, user_or_email, password=PASSWORD, code=None, ip="198.51.100.1", **extra):
    email = getattr(user_or_email, "email", user_or_email)
    data = {"username": email, "password": password, "next": "/admin/"}
    if code is not None:
        data["otp_token"] = code
    return http.post(LOGIN, data, REMOTE_ADDR=ip, **extra)


def _signed_in(http):
    return "_auth_user_id" in http.session


# --- Lockout ----------------------------------------------------------------------------------

@override_settings(AXES_FAILURE_LIMIT=5)
def test_wrong_passwords_for_one_account_lock_it_whatever_the_address(client):
    user = staff_in_role(FRONT_DESK)
    statuses = [_sign_in(client, user, password=f"guess-{i}", ip=f"203.0.113.{i}").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks

    locked = _sign_in(client, user, ip="203.0.113.77")  # the right password, from a new address

    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert not _signed_in(client)


@override_settings(AXES_FAILURE_LIMIT=5)
def test_wrong_passwords_from_one_address_lock_that_address_for_every_account(client):
    user = staff_in_role(FRONT_DESK)
    for i in range(5):
        _sign_in(client, f"nobody{i}@ndegwa.example", password="guess", ip="203.0.113.9")

    assert _sign_in(client, user, ip="203.0.113.9").status_code == 429
    assert not _signed_in(client)
    assert _sign_in(client, user, ip="203.0.113.10").status_code == 302  # another address is not held back


@override_settings(AXES_FAILURE_LIMIT=5, TRUSTED_PROXIES=["10.0.0.5"])
def test_behind_a_trusted_proxy_the_address_lockout_keys_on_the_client_not_the_proxy(client):
    user = staff_in_role(FRONT_DESK)

    def through_proxy(email, password, client_ip):
        return client.post(
            LOGIN, {"username": email, "password": password},
            REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=client_ip,
        )

    for i in range(5):
        through_proxy(f"nobody{i}@ndegwa.example", "guess", "197.248.1.1")

    assert through_proxy(user.email, PASSWORD, "197.248.1.1").status_code == 429
    assert through_proxy(user.email, PASSWORD, "197.248.2.2").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=5, TRUSTED_PROXIES=["10.0.0.5"])
def test_a_forged_forwarded_header_does_not_dodge_the_address_lockout(client):
    user = staff_in_role(FRONT_DESK)
    for i in range(5):
        client.post(LOGIN, {"username": f"n{i}@ndegwa.example", "password": "x"},
                    REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")

    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD},
                           REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.200")
    assert response.status_code == 429


# --- Second factor ----------------------------------------------------------------------------

def test_a_manager_with_an_authenticator_is_refused_without_the_code(client):
    manager = staff_in_role(MANAGER)
    authenticator_for(manager)

    response = _sign_in(client, manager)

    assert response.status_code == 200
    assert "Enter the 6-digit code from your authenticator app" in response.content.decode()
    assert not _signed_in(client)


def test_a_manager_signs_in_with_the_code_the_authenticator_shows(client):
    manager = staff_in_role(MANAGER)
    device = authenticator_for(manager)

    response = _sign_in(client, manager, code=totp_code(device))

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/reports/").status_code == 200


def test_a_wrong_code_is_refused_and_counts_towards_the_lockout(client):
    manager = staff_in_role(MANAGER)
    device = authenticator_for(manager)
    wrong = str((int(totp_code(device)) + 1) % 1_000_000).zfill(6)

    with override_settings(AXES_FAILURE_LIMIT=2):
        refused = _sign_in(client, manager, code=wrong)
        assert refused.status_code == 200 and "verification code is not right" in refused.content.decode()
        assert not _signed_in(client)
        assert _sign_in(client, manager, code=wrong).status_code == 429  # the second wrong code locks
        assert _sign_in(client, manager, code=totp_code(device)).status_code == 429
        assert not _signed_in(client)


def test_a_recovery_code_signs_in_once(client):
    manager = staff_in_role(MANAGER)
    authenticator_for(manager)
    code = recovery_codes_issue(user=manager)[0]

    assert _sign_in(client, manager, code=code.upper()).status_code == 302
    client.logout()
    assert _sign_in(client, manager, code=code).status_code == 200
    assert not _signed_in(client)


def test_a_session_opened_without_the_second_factor_reaches_neither_admin_nor_reports(client):
    superuser = UserFactory(is_superuser=True)
    authenticator_for(superuser)
    client.force_login(superuser)  # password only, as a session from before two-factor would be

    admin_page = client.get("/admin/clients/client/")
    reports = client.get("/reports/")

    assert admin_page.status_code == 302 and admin_page["Location"].startswith(LOGIN)
    assert reports.status_code == 302 and reports["Location"].startswith(LOGIN)


# No throttling delay after the deliberate wrong code (django-otp waits 1 s, then 2, 4…): no timed tests.
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_a_manager_without_an_authenticator_goes_from_password_sign_in_to_enrolment(client):
    manager = staff_in_role(MANAGER)

    response = _sign_in(client, manager)
    assert response.status_code == 302
    # Everything but the enrolment page sends them there.
    assert client.get("/reports/")["Location"].startswith(LOGIN)
    page = client.get("/admin/", follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("admin:two_factor"))
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    secret = re.search(r'class="otp-secret">([A-Z2-7 ]+)<', html).group(1)
    assert "otpauth://totp/" in html and 'src="data:image/svg+xml' in html
    assert f'action="{reverse("admin:logout")}"' in html  # a way out while the header's links are hidden

    wrong = client.post(reverse("admin:two_factor"), {"otp_token": "000000" if totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and client.get("/admin/").status_code == 302

    done = client.post(reverse("admin:two_factor"), {"otp_token": totp_code(device), "next": "/admin/"})

    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=manager).count() == 10
    device.refresh_from_db()
    assert device.confirmed and secret.replace(" ", "") in device.config_url
    assert client.get("/admin/").status_code == 200
    assert client.get("/reports/").status_code == 200


def test_front_desk_may_sign_in_without_a_second_factor(client):
    user = staff_in_role(FRONT_DESK)

    assert _sign_in(client, user).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_front_desk_who_set_up_an_authenticator_must_give_the_code(client):
    user = staff_in_role(FRONT_DESK)
    device = authenticator_for(user)

    assert _sign_in(client, user).status_code == 200 and not _signed_in(client)
    assert _sign_in(client, user, code=totp_code(device)).status_code == 302


def test_the_enrolment_page_needs_a_signed_in_staff_user(client):
    response = client.get(reverse("admin:two_factor"))

    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_changing_the_case_of_the_email_does_not_start_a_fresh_count(client):
    user = staff_in_role(FRONT_DESK, email="wanjiku@ndegwa.example")
    for i, typed in enumerate(["wanjiku@ndegwa.example", "WANJIKU@ndegwa.example", " Wanjiku@Ndegwa.Example "]):
        _sign_in(client, typed, password="guess", ip=f"203.0.113.{i}")

    assert _sign_in(client, user, ip="203.0.113.50").status_code == 429


def test_staff_reach_the_two_factor_page_from_the_admin_header_and_can_enrol_when_optional(client):
    user = staff_in_role(FRONT_DESK)
    _sign_in(client, user)

    assert reverse("admin:two_factor") in client.get("/admin/").content.decode()
    page = client.get(reverse("admin:two_factor"))
    assert page.status_code == 200 and "otpauth://totp/" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(reverse("admin:two_factor"), {"otp_token": totp_code(device)}).status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed
