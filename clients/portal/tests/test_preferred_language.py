"""The portal's language switch is also the signed-in client's preferred language (their messages go
out in it), for that client only; the messages already sent keep the language they were sent in."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from clients.models import Language
from clients.tests.factories import ClientFactory
from fleet.tests.factories import VehicleFactory
from notifications.models import NotificationType
from notifications.services import notification_create
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_language_switch_sets_the_signed_in_clients_preferred_language(signed_in):
    owner, other = ClientFactory(), ClientFactory()
    http = signed_in(owner)

    http.post(reverse("portal:set_language"), {"language": "sw", "next": reverse("portal:vehicles")})

    owner.refresh_from_db()
    other.refresh_from_db()
    assert owner.preferred_language == Language.SWAHILI
    assert other.preferred_language == Language.ENGLISH


def test_the_language_switch_without_a_portal_session_changes_no_client(client):
    owner = ClientFactory()
    client.post(reverse("portal:set_language"), {"language": "sw"})
    owner.refresh_from_db()
    assert owner.preferred_language == Language.ENGLISH


def test_an_unknown_language_changes_nothing(signed_in):
    owner = ClientFactory(preferred_language=Language.SWAHILI)
    signed_in(owner).post(reverse("portal:set_language"), {"language": "fr"})
    owner.refresh_from_db()
    assert owner.preferred_language == Language.SWAHILI


def test_the_language_switch_needs_csrf_to_change_the_client(signed_in):
    owner = ClientFactory()
    http = signed_in(owner)
    strict = HttpClient(enforce_csrf_checks=True)
    strict.cookies = http.cookies
    assert strict.post(reverse("portal:set_language"), {"language": "sw"}).status_code == 403
    owner.refresh_from_db()
    assert owner.preferred_language == Language.ENGLISH


def test_saved_messages_show_in_the_language_they_were_sent_in(signed_in):
    owner = ClientFactory(preferred_language=Language.SWAHILI)
    service = ServiceFactory(vehicle=VehicleFactory(client=owner), status=ServiceStatus.COMPLETED)
    notification_create(channel=NotificationType.IN_APP, client=owner, service=service, language="sw",
                        message="Gari lako liko tayari kuchukuliwa.")
    notification_create(channel=NotificationType.IN_APP, client=owner, service=service, language="en",
                        message="Your car is ready for collection.")
    http = signed_in(owner)
    http.post(reverse("portal:set_language"), {"language": "en"})

    for page in (reverse("portal:inbox"), reverse("portal:service", args=[service.pk])):
        html = http.get(page).content.decode()
        assert '<html lang="en">' in html
        assert '<p lang="sw">Gari lako liko tayari kuchukuliwa.</p>' in html
        assert '<p lang="en">Your car is ready for collection.</p>' in html


def test_signing_in_opens_the_portal_in_the_clients_saved_language(client):
    from django.conf import settings

    from .conftest import portal_sign_in_as

    owner = ClientFactory(preferred_language=Language.SWAHILI)
    portal_sign_in_as(client, owner)
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sw"
    page = client.get(reverse("portal:vehicles"))
    assert page["Content-Language"] == "sw"


def test_a_status_link_shows_in_the_clients_language_unless_this_phone_chose_one(client):
    from django.conf import settings

    from clients.portal.tokens import status_link_token_issue

    owner = ClientFactory(preferred_language=Language.SWAHILI)
    job = ServiceFactory(vehicle=VehicleFactory(client=owner))
    url = reverse("portal:status_link", kwargs={"token": status_link_token_issue(service=job)})
    response = client.get(url)
    assert response["Content-Language"] == "sw" and 'lang="sw"' in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies  # the link may be forwarded: nothing kept
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    assert response["Content-Language"] == "en" and 'lang="en"' in response.content.decode()


def test_a_language_chosen_on_this_phone_before_signing_in_stays(client):
    from django.conf import settings

    from .conftest import portal_sign_in_as

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sw"
    portal_sign_in_as(client, ClientFactory(preferred_language=Language.ENGLISH))
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sw"
    assert client.get(reverse("portal:vehicles"))["Content-Language"] == "sw"
