import re

import pytest
from django.urls import reverse

from clients.portal.models import PortalToken
from concierge.accounts.tests.factories import UserFactory, login_verified
from notifications.models import Notification, NotificationType
from notifications.tests.sent import text_as_sent
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def _status_link_page(service):
    return reverse("admin:portal_portaltoken_status_link", args=[service.pk])


def test_staff_make_a_status_link_to_copy_and_it_opens_the_service(client, superuser):
    job = ServiceFactory(service_type="Gearbox overhaul")
    login_verified(client, superuser)

    page = client.post(_status_link_page(job), {"make": "1"}).content.decode()

    url = re.search(r'value="(https?://[^"]+/s/[^"]+)"', page)[1]
    client.logout()
    assert "Gearbox overhaul" in client.get("/" + url.split("/", 3)[3]).content.decode()


def test_staff_resend_a_status_link_by_sms(client, superuser):
    job = ServiceFactory()
    login_verified(client, superuser)

    client.post(_status_link_page(job), {"send": "sms"})

    notification = Notification.objects.get(service=job)
    assert notification.channel == NotificationType.SMS and "[status link]" in notification.message
    assert "/s/" in text_as_sent(notification)  # the link is made when it is sent


def test_revoking_from_the_admin_closes_the_link(client, superuser):
    job = ServiceFactory()
    login_verified(client, superuser)
    page = client.post(_status_link_page(job), {"make": "1"}).content.decode()
    path = "/" + re.search(r'value="(https?://[^"]+/s/[^"]+)"', page)[1].split("/", 3)[3]

    client.post(reverse("admin:portal_portaltoken_changelist"),
                {"action": "revoke", "_selected_action": [str(t.pk) for t in PortalToken.objects.all()]})

    assert PortalToken.objects.filter(revoked_at__isnull=True).count() == 0
    assert client.get(path).status_code == 410


def test_staff_without_the_right_to_change_services_cannot_make_links(client):
    login_verified(client, UserFactory())  # staff, no permissions

    assert client.get(_status_link_page(ServiceFactory())).status_code == 403


def test_the_links_list_shows_who_holds_links_but_never_a_raw_token(client, superuser):
    from clients.portal.services import status_link_url

    url = status_link_url(service=ServiceFactory())
    login_verified(client, superuser)

    page = client.get(reverse("admin:portal_portaltoken_changelist")).content.decode()

    assert "Service status link" in page
    assert url.rstrip("/").rsplit("/", 1)[1] not in page


def test_the_old_addresses_under_the_clients_app_lead_to_the_portal_links_pages(client, superuser):
    job = ServiceFactory()
    login_verified(client, superuser)

    moved = client.get(f"/admin/clients/portaltoken/status-link/{job.pk}/")
    listed = client.get("/admin/clients/portaltoken/?purpose__exact=sign_in")

    assert moved.status_code == 302 and moved["Location"] == _status_link_page(job)
    assert listed["Location"] == reverse("admin:portal_portaltoken_changelist") + "?purpose__exact=sign_in"
    assert client.get(moved["Location"]).status_code == 200
