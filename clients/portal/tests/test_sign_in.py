import datetime
import hashlib
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clients.portal.models import PortalToken, TokenPurpose
from clients.tests.factories import ClientFactory
from notifications.models import Notification, NotificationStatus, NotificationType
from notifications.tests.sent import text_as_sent

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/portal/sign-in/(?P<token>[A-Za-z0-9_-]+)/")


def _ask_for_link(http, contact, ip="10.0.0.1"):
    return http.post(reverse("portal:sign_in"), {"contact": contact}, REMOTE_ADDR=ip)


def _link_sent_to(client):
    """The link as the client receives it: made when the message is delivered (never stored)."""
    notification = Notification.objects.get(client=client)
    return LINK.search(text_as_sent(notification))


def test_an_email_that_matches_gets_a_pending_email_notification_with_the_link(client):
    owner = ClientFactory(email="wanjiru@example.co.ke")

    response = _ask_for_link(client, "  Wanjiru@Example.CO.KE ")

    assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in_sent")
    notification = Notification.objects.get(client=owner)
    assert notification.channel == NotificationType.EMAIL
    assert notification.status == NotificationStatus.PENDING
    assert not LINK.search(notification.message) and "[sign-in link]" in notification.message
    assert LINK.search(text_as_sent(notification))


def test_a_phone_number_in_local_form_matches_the_e164_number_and_goes_by_sms(client):
    owner = ClientFactory(phone="+254712345678")

    _ask_for_link(client, "0712 345 678")

    assert Notification.objects.get(client=owner).channel == NotificationType.SMS


def test_the_answer_is_the_same_whether_or_not_the_contact_is_a_client(client):
    ClientFactory(email="known@example.co.ke")

    known = _ask_for_link(client, "known@example.co.ke")
    unknown = _ask_for_link(client, "stranger@example.co.ke")

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert Notification.objects.count() == 1
    def page(url):  # the page, less its per-request CSRF token
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", client.get(url).content.decode())

    assert page(known["Location"]) == page(unknown["Location"])


def test_text_that_is_neither_email_nor_phone_gets_an_error_beside_the_field(client):
    response = _ask_for_link(client, "not a contact")

    assert response.status_code == 200
    assert "Enter an email address or a Kenyan phone number." in response.content.decode()


def test_only_the_sha256_of_the_token_is_stored(client):
    owner = ClientFactory()
    _ask_for_link(client, owner.email)
    raw = _link_sent_to(owner)["token"]

    token = PortalToken.objects.get(client=owner)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT portal_tokens::text FROM portal_tokens")
        assert all(raw not in row for (row,) in cursor.fetchall())


def test_tokens_carry_at_least_128_random_bits(client):
    owner = ClientFactory()
    _ask_for_link(client, owner.email)
    _ask_for_link(client, owner.email)
    tokens = [LINK.search(text_as_sent(n))["token"] for n in Notification.objects.all()]
    assert len(set(tokens)) == 2
    assert all(len(t) * 6 >= 128 for t in tokens)  # urlsafe base64: 6 bits a character


def test_the_link_signs_in_once_only(client):
    owner = ClientFactory()
    _ask_for_link(client, owner.email)
    url = reverse("portal:sign_in_confirm", kwargs={"token": _link_sent_to(owner)["token"]})

    assert client.get(url).status_code == 200  # the confirm button: the link is not used yet
    assert client.post(url)["Location"] == reverse("portal:vehicles")
    client.post(reverse("portal:sign_out"))

    again = client.post(url)
    assert again.status_code == 410
    assert "Link expired or invalid" in again.content.decode()
    assert reverse("portal:sign_in") in again.content.decode()
    assert client.get(reverse("portal:vehicles")).status_code == 302


def test_the_link_expires_ten_minutes_after_it_was_issued(client, monkeypatch):
    owner = ClientFactory()
    _ask_for_link(client, owner.email)
    url = reverse("portal:sign_in_confirm", kwargs={"token": _link_sent_to(owner)["token"]})
    issued = PortalToken.objects.get(client=owner)
    assert issued.expires_at - issued.created_at == pytest.approx(datetime.timedelta(minutes=10), abs=datetime.timedelta(seconds=2))

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(minutes=10, seconds=1))
    assert client.post(url).status_code == 410

    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(minutes=9, seconds=50))
    assert client.post(url).status_code == 302


def test_a_tampered_token_is_refused_with_the_invalid_link_page(client):
    owner = ClientFactory()
    _ask_for_link(client, owner.email)
    raw = _link_sent_to(owner)["token"]
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")

    response = client.get(reverse("portal:sign_in_confirm", kwargs={"token": tampered}))

    assert response.status_code == 410 and "Link expired or invalid" in response.content.decode()


def test_a_status_link_token_does_not_sign_anyone_in(client):
    from clients.portal.tokens import status_link_token_issue
    from servicing.tests.factories import ServiceFactory

    raw = status_link_token_issue(service=ServiceFactory())

    assert client.post(reverse("portal:sign_in_confirm", kwargs={"token": raw})).status_code == 410
    assert PortalToken.objects.get().purpose == TokenPurpose.STATUS_LINK


@override_settings(PORTAL_SIGN_IN_LIMIT_PER_ADDRESS=3, PORTAL_SIGN_IN_LIMIT_PER_IP=100)
def test_requests_for_one_address_are_rate_limited_with_a_clear_message(client):
    owner = ClientFactory(email="wanjiru@example.co.ke")
    for i in range(3):
        assert _ask_for_link(client, "wanjiru@example.co.ke", ip=f"10.0.0.{i}").status_code == 302

    limited = _ask_for_link(client, "WANJIRU@example.co.ke", ip="10.0.0.99")

    assert limited.status_code == 429
    assert "Too many sign-in requests" in limited.content.decode()
    assert Notification.objects.filter(client=owner).count() == 3


@override_settings(PORTAL_SIGN_IN_LIMIT_PER_ADDRESS=100, PORTAL_SIGN_IN_LIMIT_PER_IP=4)
def test_requests_from_one_ip_are_rate_limited_whatever_the_address(client):
    for i in range(4):
        assert _ask_for_link(client, f"someone{i}@example.co.ke").status_code == 302

    assert _ask_for_link(client, "someone-else@example.co.ke").status_code == 429
    assert _ask_for_link(client, "someone-else@example.co.ke", ip="10.9.9.9").status_code == 302
