"""Status links are short (`/s/<token>`, 22 characters of token) so a ready-for-collection SMS fits one
GSM-7 part; still unguessable, scoped to one job, with nothing personal in the address."""

import hashlib
import re
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from clients.portal.models import PortalToken
from clients.portal.services import status_link_url
from clients.portal.tokens import status_link_token_issue
from concierge.observability.redact import redact
from concierge.workflows.defaults import install_default_workflows
from concierge.workflows.engine import workflows_run_for_event
from concierge.workflows.models import Event
from notifications.models import Notification, NotificationType
from notifications.segments import GSM7, sms_segments
from notifications.tests.sent import text_as_sent
from servicing.models import ServiceStatus
from servicing.services import service_complete
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def run_pending_events():
    """What the worker does after commit, run here in the test's transaction."""
    for pk in Event.objects.filter(processed_at__isnull=True).values_list("pk", flat=True):
        workflows_run_for_event(event_id=pk)

# The production origin as .env.example shows it.
BASE = "https://portal.ndegwa.example"


@override_settings(PORTAL_BASE_URL=BASE)
def test_a_status_link_is_a_short_path_and_a_22_character_token():
    job = ServiceFactory(vehicle__license_plate="KDA 123B", vehicle__client__first_name="Wanjiku")
    url = status_link_url(service=job)
    match = re.fullmatch(re.escape(BASE) + r"/s/([A-Za-z0-9_-]{22})", url)
    assert match, url
    raw = match.group(1)
    # Only its hash is kept; the address names nobody and no row.
    token = PortalToken.objects.get(token_hash=hashlib.sha256(raw.encode()).hexdigest())
    assert token.service == job
    for personal in ("KDA", "Wanjiku", str(job.pk), str(job.vehicle.client.pk)):
        assert personal not in url


def test_the_short_link_opens_its_job_only(client):
    job, other = ServiceFactory(vehicle__license_plate="KDA 123B"), ServiceFactory(vehicle__license_plate="KCB 456C")
    raw = status_link_token_issue(service=job)
    page = client.get(f"/s/{raw}")
    assert page.status_code == 200
    assert "KDA 123B" in page.content.decode() and "KCB 456C" not in page.content.decode()
    assert other.pk


def test_a_wrong_short_token_is_gone_with_the_portals_page(client):
    raw = status_link_token_issue(service=ServiceFactory())
    tampered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert client.get(f"/s/{tampered}").status_code == 410


def test_links_already_sent_at_the_long_address_still_open(client):
    raw = status_link_token_issue(service=ServiceFactory())
    assert client.get(reverse("portal:status_link", kwargs={"token": raw})).status_code == 200


def test_a_short_links_token_is_kept_out_of_the_logs():
    raw = status_link_token_issue(service=ServiceFactory())
    assert redact(f"Gone: /s/{raw}") == "Gone: /s/[token]"


@pytest.mark.parametrize("language, opening", [("en", "Hi Wanjiku, your Toyota Fielder (KDA 123B) is ready"),
                                               ("sw", "Habari Wanjiku, gari lako KDA 123B liko tayari")])
@override_settings(PORTAL_BASE_URL=BASE)
def test_the_ready_for_collection_sms_fits_one_gsm7_part(language, opening):
    install_default_workflows()
    # A realistic long case: the priciest service type of the demo catalogue at its top price.
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS, service_type="Full Service", cost=Decimal("28000"),
                         vehicle__license_plate="KDA 123B", vehicle__make="Toyota", vehicle__model="Fielder",
                         vehicle__client__first_name="Wanjiku", vehicle__client__preferred_language=language)
    service_complete(service=job)
    run_pending_events()
    sms = Notification.objects.get(service=job, channel=NotificationType.SMS)

    text = text_as_sent(sms)

    assert text.startswith(opening) and f"{BASE}/s/" in text, text
    count = sms_segments(text)
    assert (count.encoding, count.parts) == (GSM7, 1), (count, text)
