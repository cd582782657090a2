"""Client A's session asking for client B's objects gets 404, on every portal URL that takes an id."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.portal.services import status_link_url, status_links_revoke
from clients.portal.models import PortalToken
from clients.tests.factories import ClientFactory
from concierge.audit.models import AuditLog
from fleet.tests.factories import VehicleFactory
from notifications.models import NotificationType
from notifications.tests.factories import NotificationFactory
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_owners():
    # Surnames fixed: the factory's rotation includes "Ndegwa", which is also in the shop's name.
    a, b = ClientFactory(first_name="Achieng", last_name="Otieno"), ClientFactory(first_name="Baraka", last_name="Wekesa")
    a_job = ServiceFactory(vehicle=VehicleFactory(client=a, license_plate="KAA 001A"), service_type="A's job")
    b_job = ServiceFactory(vehicle=VehicleFactory(client=b, license_plate="KBB 002B"), service_type="B's job")
    NotificationFactory(service=b_job, channel=NotificationType.IN_APP, message="Only for Baraka")
    return a, b, a_job, b_job


ID_URLS = ["portal:vehicle", "portal:service"]


@pytest.mark.parametrize("url_name", ID_URLS)
def test_another_clients_object_is_not_found(signed_in, two_owners, url_name):
    a, b, a_job, b_job = two_owners
    http = signed_in(a)
    own = {"portal:vehicle": a_job.vehicle_id, "portal:service": a_job.pk}[url_name]
    theirs = {"portal:vehicle": b_job.vehicle_id, "portal:service": b_job.pk}[url_name]

    assert http.get(reverse(url_name, args=[own])).status_code == 200
    assert http.get(reverse(url_name, args=[theirs])).status_code == 404
    assert http.get(reverse(url_name, args=[uuid.uuid4()])).status_code == 404


def test_every_portal_url_that_takes_an_id_is_covered_here():
    from clients.portal import urls

    with_ids = sorted(f"portal:{p.name}" for p in urls.urlpatterns if "<uuid:" in str(p.pattern))
    assert with_ids == sorted(ID_URLS)


@pytest.mark.parametrize("url_name", ["portal:vehicles", "portal:inbox"])
def test_list_pages_show_nothing_of_another_client(signed_in, two_owners, url_name):
    a, b, a_job, b_job = two_owners

    page = signed_in(a).get(reverse(url_name)).content.decode()

    assert "KBB 002B" not in page and "Only for Baraka" not in page


def test_a_service_page_never_lists_another_clients_messages_even_if_linked_to_the_service(signed_in, two_owners):
    a, b, a_job, b_job = two_owners
    # A row that names A's job but is addressed to B (a data error) stays B's.
    NotificationFactory(service=a_job, client=b, message="Misaddressed to Baraka")

    page = signed_in(a).get(reverse("portal:service", args=[a_job.pk])).content.decode()

    assert "Misaddressed to Baraka" not in page


def test_opening_the_inbox_marks_only_ones_own_messages_read(signed_in, two_owners):
    from clients.portal.models import PortalInboxRead

    a, b, a_job, b_job = two_owners
    signed_in(a).get(reverse("portal:inbox"))
    assert not PortalInboxRead.objects.exists()


def _path(url):
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_a_status_link_opens_its_own_service_and_nothing_else(client, two_owners):
    a, b, a_job, b_job = two_owners
    other_a_job = ServiceFactory(vehicle=a_job.vehicle, service_type="A's other job")
    NotificationFactory(service=other_a_job, message="About the other job")

    response = client.get(_path(status_link_url(service=a_job)))

    page = response.content.decode()
    assert response.status_code == 200
    assert "A&#x27;s job" in page and "A&#x27;s other job" not in page and "About the other job" not in page
    assert "Achieng" in page and a.last_name not in page  # first name and plate only
    # It is not a session: the rest of the portal stays closed.
    assert client.get(reverse("portal:vehicles")).status_code == 302
    assert client.get(reverse("portal:service", args=[other_a_job.pk])).status_code == 302


def test_a_revoked_status_link_answers_link_invalid(client, two_owners):
    a, b, a_job, b_job = two_owners
    url = _path(status_link_url(service=a_job))

    status_links_revoke(tokens=PortalToken.objects.filter(service=a_job))

    response = client.get(url)
    assert response.status_code == 410 and "Link expired or invalid" in response.content.decode()


def test_a_status_link_lasts_until_30_days_after_the_job_closed(client, two_owners, monkeypatch):
    a, b, a_job, b_job = two_owners
    url = _path(status_link_url(service=a_job))
    ServiceFactory._meta.model.objects.filter(pk=a_job.pk).update(
        status=ServiceStatus.COMPLETED, completed_date=a_job.scheduled_date
    )
    closed = timezone.now()
    AuditLog.objects.create(table_name="services", record_id=a_job.pk, action="UPDATE", timestamp=closed,
                            old_values={"status": "in_progress"}, new_values={"status": "completed"})

    monkeypatch.setattr(timezone, "now", lambda: closed + datetime.timedelta(days=29, hours=23))
    assert client.get(url).status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: closed + datetime.timedelta(days=30, minutes=1))
    assert client.get(url).status_code == 410


def test_a_tampered_status_link_answers_link_invalid(client, two_owners):
    a, b, a_job, b_job = two_owners
    url = _path(status_link_url(service=a_job))

    assert client.get(url[:-1] + ("x" if url[-1] != "x" else "y")).status_code == 410


@pytest.mark.parametrize("chosen", ["mother", "son"])
def test_a_shared_phone_session_sees_only_the_chosen_clients_cars_jobs_and_messages(client, chosen):
    """Two clients with one phone: the link lets either sign in, and the session is the chosen one's only."""
    from clients.portal.tokens import sign_in_token_issue

    family = {
        "mother": ClientFactory(first_name="Wanjiru", last_name="Kamau", phone="+254712345678"),
        "son": ClientFactory(first_name="Brian", last_name="Kamau", phone="+254712345678"),
    }
    jobs = {who: ServiceFactory(vehicle=VehicleFactory(client=c, license_plate=plate), service_type=f"{who}'s job")
            for (who, c), plate in zip(family.items(), ["KAA 001A", "KBB 002B"])}
    for who, job in jobs.items():
        NotificationFactory(service=job, channel=NotificationType.IN_APP, message=f"Only for the {who}")
    other = "son" if chosen == "mother" else "mother"
    raw = sign_in_token_issue(client=family["mother"], phone_hash=family["mother"].phone_hash)
    client.post(reverse("portal:sign_in_confirm", kwargs={"token": raw}), {"client": str(family[chosen].pk)})

    pages = "".join(client.get(reverse(name)).content.decode() for name in ("portal:vehicles", "portal:inbox"))
    assert jobs[chosen].vehicle.license_plate in pages and f"Only for the {chosen}" in pages
    assert jobs[other].vehicle.license_plate not in pages and f"Only for the {other}" not in pages
    assert client.get(reverse("portal:service", args=[jobs[chosen].pk])).status_code == 200
    assert client.get(reverse("portal:service", args=[jobs[other].pk])).status_code == 404
    assert client.get(reverse("portal:vehicle", args=[jobs[other].vehicle_id])).status_code == 404
