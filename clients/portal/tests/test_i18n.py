from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from clients.tests.factories import ClientFactory
from fleet.tests.factories import VehicleFactory
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

SW = Path(settings.BASE_DIR) / "locale" / "sw" / "LC_MESSAGES"


def test_the_committed_mo_file_holds_every_translation_of_the_po_file():
    po = {e.msgid: e.msgstr or e.msgstr_plural for e in polib.pofile(str(SW / "django.po")) if not e.obsolete}
    mo = {e.msgid: e.msgstr or e.msgstr_plural for e in polib.mofile(str(SW / "django.mo"))}
    assert all(po.values()), [k for k, v in po.items() if not v]
    assert {k: v for k, v in mo.items() if k} == po


def test_the_browser_language_is_the_default(client):
    response = client.get(reverse("portal:sign_in"), HTTP_ACCEPT_LANGUAGE="sw-KE,sw;q=0.9,en;q=0.5")
    assert "Fuatilia gari lako" in response.content.decode()

    response = client.get(reverse("portal:sign_in"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert "Follow your car" in response.content.decode()


def test_the_language_switch_keeps_the_choice(signed_in):
    owner = ClientFactory()
    ServiceFactory(vehicle=VehicleFactory(client=owner), status=ServiceStatus.IN_PROGRESS)
    http = signed_in(owner)

    response = http.post(reverse("portal:set_language"), {"language": "sw", "next": reverse("portal:vehicles")})

    assert response["Location"] == reverse("portal:vehicles")
    page = http.get(reverse("portal:vehicles"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Magari yangu" in page and "Inaendelea" in page and '<html lang="sw">' in page


def test_the_language_switch_needs_csrf(client):
    from django.test import Client

    http = Client(enforce_csrf_checks=True)
    assert http.post(reverse("portal:set_language"), {"language": "sw"}).status_code == 403
