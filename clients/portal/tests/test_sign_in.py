import datetime
import hashlib
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients import tasks
from clients.portal.models import PortalToken, TokenPurpose
from clients.tests.factories import ClientFactory
from fleet.tests.factories import VehicleFactory
from notifications.models import Notification, NotificationStatus, NotificationType
from notifications.tests.conftest import redis_server  # noqa: F401
from notifications.tests.sent import text_as_sent

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/portal/sign-in/(?P<token>[A-Za-z0-9_-]+)/")


def _link_sent_to(client):
    """The link as the client receives it: made when the message is delivered (never stored)."""
    notification = Notification.objects.get(client=client)
    return LINK.search(text_as_sent(notification))


def test_an_email_that_matches_gets_a_pending_email_notification_with_the_link(client, ask_for_link):
    owner = ClientFactory(email="wanjiru@example.co.ke")

    response = ask_for_link("  Wanjiru@Example.CO.KE ")

    assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in_sent")
    notification = Notification.objects.get(client=owner)
    assert notification.channel == NotificationType.EMAIL
    assert notification.status == NotificationStatus.PENDING
    assert not LINK.search(notification.message) and "[sign-in link]" in notification.message
    assert LINK.search(text_as_sent(notification))


def test_a_phone_number_in_local_form_matches_the_e164_number_and_goes_by_sms(client, ask_for_link):
    owner = ClientFactory(phone="+254712345678")

    ask_for_link("0712 345 678")

    assert Notification.objects.get(client=owner).channel == NotificationType.SMS


def test_the_answer_is_the_same_whether_or_not_the_contact_is_a_client(client, ask_for_link):
    ClientFactory(email="known@example.co.ke")

    known = ask_for_link("known@example.co.ke")
    unknown = ask_for_link("stranger@example.co.ke")

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert Notification.objects.count() == 1
    def page(url):  # the page, less its per-request CSRF token
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", client.get(url).content.decode())

    assert page(known["Location"]) == page(unknown["Location"])


def test_text_that_is_neither_email_nor_phone_gets_an_error_beside_the_field(client, ask_for_link):
    response = ask_for_link("not a contact")

    assert response.status_code == 200
    assert "Enter an email address or a Kenyan phone number." in response.content.decode()


def test_only_the_sha256_of_the_token_is_stored(client, ask_for_link):
    owner = ClientFactory()
    ask_for_link(owner.email)
    raw = _link_sent_to(owner)["token"]

    token = PortalToken.objects.get(client=owner)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT portal_tokens::text FROM portal_tokens")
        assert all(raw not in row for (row,) in cursor.fetchall())


def test_tokens_carry_at_least_128_random_bits(client, ask_for_link):
    owner = ClientFactory()
    ask_for_link(owner.email)
    ask_for_link(owner.email)
    tokens = [LINK.search(text_as_sent(n))["token"] for n in Notification.objects.all()]
    assert len(set(tokens)) == 2
    assert all(len(t) * 6 >= 128 for t in tokens)  # urlsafe base64: 6 bits a character


def test_the_link_signs_in_once_only(client, ask_for_link):
    owner = ClientFactory()
    ask_for_link(owner.email)
    url = reverse("portal:sign_in_confirm", kwargs={"token": _link_sent_to(owner)["token"]})

    assert client.get(url).status_code == 200  # the confirm button: the link is not used yet
    assert client.post(url)["Location"] == reverse("portal:vehicles")
    client.post(reverse("portal:sign_out"))

    again = client.post(url)
    assert again.status_code == 410
    assert "Link expired or invalid" in again.content.decode()
    assert reverse("portal:sign_in") in again.content.decode()
    assert client.get(reverse("portal:vehicles")).status_code == 302


def test_the_link_expires_ten_minutes_after_it_was_issued(client, monkeypatch, ask_for_link):
    owner = ClientFactory()
    ask_for_link(owner.email)
    url = reverse("portal:sign_in_confirm", kwargs={"token": _link_sent_to(owner)["token"]})
    issued = PortalToken.objects.get(client=owner)
    assert issued.expires_at - issued.created_at == pytest.approx(datetime.timedelta(minutes=10), abs=datetime.timedelta(seconds=2))

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(minutes=10, seconds=1))
    assert client.post(url).status_code == 410

    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(minutes=9, seconds=50))
    assert client.post(url).status_code == 302


def test_a_tampered_token_is_refused_with_the_invalid_link_page(client, ask_for_link):
    owner = ClientFactory()
    ask_for_link(owner.email)
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
def test_requests_for_one_address_are_rate_limited_with_a_clear_message(client, ask_for_link):
    owner = ClientFactory(email="wanjiru@example.co.ke")
    for i in range(3):
        assert ask_for_link("wanjiru@example.co.ke", ip=f"10.0.0.{i}").status_code == 302

    limited = ask_for_link("WANJIRU@example.co.ke", ip="10.0.0.99")

    assert limited.status_code == 429
    assert "Too many sign-in requests" in limited.content.decode()
    assert Notification.objects.filter(client=owner).count() == 3


@override_settings(PORTAL_SIGN_IN_LIMIT_PER_ADDRESS=100, PORTAL_SIGN_IN_LIMIT_PER_IP=4)
def test_requests_from_one_ip_are_rate_limited_whatever_the_address(client, ask_for_link):
    for i in range(4):
        assert ask_for_link(f"someone{i}@example.co.ke").status_code == 302

    assert ask_for_link("someone-else@example.co.ke").status_code == 429
    assert ask_for_link("someone-else@example.co.ke", ip="10.9.9.9").status_code == 302


@override_settings(PORTAL_SIGN_IN_LIMIT_PER_ADDRESS=100, PORTAL_SIGN_IN_LIMIT_PER_IP=4)
def test_an_ipv6_client_changing_address_within_its_64_is_still_rate_limited(client, ask_for_link):
    # Each new address of one /64 (a single subscriber's) would otherwise start a fresh count: a way to
    # have the shop text sign-in links to every number it knows.
    for i in range(4):
        assert ask_for_link(f"someone{i}@example.co.ke", ip=f"2001:db8:1:2::{i + 1:x}").status_code == 302

    assert ask_for_link("someone-else@example.co.ke", ip="2001:db8:1:2:abcd::9").status_code == 429
    assert ask_for_link("someone-else@example.co.ke", ip="2001:db8:1:3::1").status_code == 302


# --- timing: the view does the same work for a known and an unknown contact (issue 13.8) -------------

def _view_queries(ask_for_link, contact):
    with CaptureQueriesContext(connection) as queries:
        response = ask_for_link(contact, run_worker=False)
    assert response.status_code == 302
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("known, unknown", [
    ("known@example.co.ke", "stranger@example.co.ke"),
    ("0712 345 678", "0799 999 999"),
])
def test_the_view_does_the_same_database_work_for_a_known_and_an_unknown_contact(ask_for_link, known, unknown):
    ClientFactory(email="known@example.co.ke", phone="+254712345678")

    assert _view_queries(ask_for_link, known) == _view_queries(ask_for_link, unknown)
    # Nothing about the contact was looked up or written by the view: that is the worker's job.
    assert not PortalToken.objects.exists() and not Notification.objects.exists()


def test_the_client_is_looked_up_and_the_link_written_by_the_worker(ask_for_link):
    owner = ClientFactory(email="known@example.co.ke")

    ask_for_link("Known@Example.co.ke", run_worker=False)
    assert len(ask_for_link.queued) == 1 and not Notification.objects.exists()

    kind, contact_hash = ask_for_link.queued[0]
    tasks.fulfil_sign_in_request.apply(args=(kind, contact_hash)).get()
    assert Notification.objects.get().client == owner
    # The broker carries the keyed hash, never the address.
    assert "known" not in f"{kind}{contact_hash}".lower()
    assert contact_hash == owner.email_hash


def test_the_worker_does_nothing_for_a_contact_nobody_has(ask_for_link):
    ClientFactory(email="known@example.co.ke")

    ask_for_link("stranger@example.co.ke")

    assert len(ask_for_link.published) == 1
    assert not PortalToken.objects.exists() and not Notification.objects.exists()


def test_links_start_with_portal_base_url_whatever_host_asked(ask_for_link, settings):
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8101/"
    owner = ClientFactory()

    ask_for_link(owner.email)

    assert text_as_sent(Notification.objects.get()).count("http://127.0.0.1:8101/portal/sign-in/") == 1


# --- a phone shared by a family (issue 12.9) -----------------------------------------------------------

@pytest.fixture
def family():
    """Two clients the shop has with one phone, each with their own car; a neighbour with another."""
    mother = ClientFactory(first_name="Wanjiru", last_name="Kamau", phone="+254712345678")
    son = ClientFactory(first_name="Brian", last_name="Kamau", phone="0712 345 678")
    neighbour = ClientFactory(first_name="Otieno", phone="+254722000111")
    cars = {c: VehicleFactory(client=c) for c in (mother, son, neighbour)}
    return mother, son, neighbour, cars


def _confirm_url_sent_by_sms(*owners):
    notification = Notification.objects.get(channel=NotificationType.SMS)  # one text to the shared phone
    assert notification.client in owners
    return reverse("portal:sign_in_confirm", kwargs={"token": LINK.search(text_as_sent(notification))["token"]})


def test_one_link_goes_to_a_shared_phone_and_offers_each_owner(client, ask_for_link, family):
    mother, son, neighbour, cars = family

    ask_for_link("0712345678")

    url = _confirm_url_sent_by_sms(mother, son)
    page = client.get(url).content.decode()
    assert "Who is signing in?" in page
    assert f'value="{mother.pk}"' in page and f'value="{son.pk}"' in page
    assert "Wanjiru K." in page and "Brian K." in page and str(neighbour.pk) not in page


def test_each_owner_of_a_shared_phone_reaches_their_own_cars_only(client, ask_for_link, family):
    mother, son, neighbour, cars = family
    ask_for_link("+254 712 345 678")
    url = _confirm_url_sent_by_sms(mother, son)

    assert client.post(url, {"client": str(son.pk)})["Location"] == reverse("portal:vehicles")

    vehicles = client.get(reverse("portal:vehicles")).content.decode()
    assert cars[son].license_plate in vehicles and cars[mother].license_plate not in vehicles
    assert client.get(reverse("portal:vehicle", args=[cars[son].pk])).status_code == 200
    assert client.get(reverse("portal:vehicle", args=[cars[mother].pk])).status_code == 404
    # Used once: the mother asks for her own link.
    client.post(reverse("portal:sign_out"))
    assert client.post(url, {"client": str(mother.pk)}).status_code == 410


def test_a_shared_phone_link_used_without_a_valid_choice_signs_nobody_in_and_stays_usable(client, ask_for_link, family):
    mother, son, neighbour, cars = family
    ask_for_link("0712 345 678")
    url = _confirm_url_sent_by_sms(mother, son)

    for choice in ({}, {"client": str(neighbour.pk)}, {"client": "not-a-uuid"}):
        refused = client.post(url, choice)
        assert refused.status_code == 400 and "Who is signing in?" in refused.content.decode()
        assert client.get(reverse("portal:vehicles")).status_code == 302

    assert client.post(url, {"client": str(mother.pk)})["Location"] == reverse("portal:vehicles")


def test_a_link_sent_by_email_signs_in_only_its_client_even_when_their_phone_is_shared(client, ask_for_link, family):
    mother, son, neighbour, cars = family
    ask_for_link(mother.email)
    notification = Notification.objects.get(channel=NotificationType.EMAIL)
    url = reverse("portal:sign_in_confirm", kwargs={"token": LINK.search(text_as_sent(notification))["token"]})

    assert "Welcome, Wanjiru" in client.get(url).content.decode()
    assert client.post(url, {"client": str(son.pk)}).status_code == 400
    assert client.post(url)["Location"] == reverse("portal:vehicles")
    assert cars[son].license_plate not in client.get(reverse("portal:vehicles")).content.decode()


def test_someone_whose_phone_changed_after_the_link_was_sent_is_no_longer_offered(client, ask_for_link, family):
    mother, son, neighbour, cars = family
    ask_for_link("0712 345 678")
    url = _confirm_url_sent_by_sms(mother, son)
    son.phone = "+254733444555"
    son.save()

    page = client.get(url).content.decode()
    assert "Welcome, Wanjiru" in page and str(son.pk) not in page
    assert client.post(url, {"client": str(son.pk)}).status_code == 400


def test_the_answer_for_a_shared_phone_is_the_same_as_for_an_unknown_one(client, ask_for_link, family):
    shared = _view_queries(ask_for_link, "0712 345 678")
    unknown = _view_queries(ask_for_link, "0799 999 999")

    assert shared == unknown


def test_with_the_broker_down_the_request_gets_the_same_answer_and_no_error(client, redis_server,  # noqa: F811
                                                                           django_capture_on_commit_callbacks, caplog):
    redis_server.stop()  # the broker's Redis is down: publishing fails for real
    owner = ClientFactory(phone="+254712345678")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:sign_in"), {"contact": "0712 345 678"}, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 302 and response["Location"] == reverse("portal:sign_in_sent")
    assert "sign-in request was dropped" in caplog.text and "712" not in caplog.text and owner.email not in caplog.text


@override_settings(PORTAL_SIGN_IN_LIMIT_PER_ADDRESS=100, PORTAL_SIGN_IN_LIMIT_PER_IP=2, TRUSTED_PROXIES=["10.0.0.5"])
def test_behind_a_trusted_proxy_each_phone_has_its_own_limit(client):
    def through_proxy(contact, phone_ip):
        return client.post(
            reverse("portal:sign_in"), {"contact": contact}, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=phone_ip
        )

    assert [through_proxy(f"a{i}@example.co.ke", "197.248.1.1").status_code for i in range(3)] == [302, 302, 429]
    # Another phone behind the same proxy is not held back by the first one's limit.
    assert through_proxy("b@example.co.ke", "197.248.2.2").status_code == 302


@override_settings(PORTAL_SIGN_IN_LIMIT_PER_ADDRESS=100, PORTAL_SIGN_IN_LIMIT_PER_IP=2, TRUSTED_PROXIES=["10.0.0.5"])
def test_a_forged_forwarded_header_from_an_untrusted_peer_does_not_escape_the_limit(client):
    def forged(i):
        return client.post(
            reverse("portal:sign_in"), {"contact": f"c{i}@example.co.ke"},
            REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )

    assert [forged(i).status_code for i in range(3)] == [302, 302, 429]
