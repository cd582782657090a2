"""In a real browser: the superuser `make run` prints signs in for the first time, sets up an
authenticator (the QR code draws under the CSP), keeps the recovery codes, and later signs in with a code."""

import re

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from concierge.accounts.models import User
from concierge.accounts.tests.factories import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_printed_demo_superuser_enrols_on_first_sign_in_then_signs_in_with_a_code(page, live_server, capsys):
    call_command("ensure_superuser", email="admin@ndegwa.example")
    password = re.search(r"password: (\S+)", capsys.readouterr().out).group(1)

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email address").fill("admin@ndegwa.example")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/admin/two-factor/"))
    qr = page.get_by_alt_text("QR code of the authenticator key")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0  # drawn: the data: SVG passes the CSP
    device = TOTPDevice.objects.get(user=User.objects.get(email="admin@ndegwa.example"), confirmed=False)
    page.get_by_label("Code from the app").fill(totp_code(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_text("Two-factor sign-in is set up")).to_be_visible()
    expect(page.locator("ul.recovery-codes li")).to_have_count(10)
    recovery = page.locator("ul.recovery-codes li").first.inner_text()
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", name="Shop")).to_be_visible()

    # Later: signed out, the password alone is refused; a recovery code lets them in.
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email address").fill("admin@ndegwa.example")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Enter the 6-digit code from your authenticator app")).to_be_visible()
    page.get_by_label("Password").fill(password)
    page.get_by_label("Verification code").fill(recovery)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Shop")).to_be_visible()
