"""Portal pages come a page at a time (PORTAL_PAGE_SIZE): a car with years of jobs, a fleet's
vehicles and a long inbox cost the same queries and the same rows per request whatever their size,
and no page of one client's lists ever shows another client's rows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.portal.models import PortalInboxRead
from clients.tests.factories import ClientFactory
from fleet.tests.factories import VehicleFactory
from notifications.models import NotificationType
from notifications.tests.factories import NotificationFactory
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

PAGE_SIZE = 3


@pytest.fixture(autouse=True)
def _small_pages(settings):
    settings.PORTAL_PAGE_SIZE = PAGE_SIZE


def _jobs(car, count, *, label):
    """`count` jobs on `car`, job 0 the newest, one day apart."""
    today = datetime.date(2026, 3, 31)
    return [
        ServiceFactory(vehicle=car, service_type=f"{label} {n:02d}", scheduled_date=today - datetime.timedelta(days=n))
        for n in range(count)
    ]


def _listed(response, pattern):
    return re.findall(pattern, response.content.decode())


def _job_titles(response):
    return _listed(response, r'<span class="title">([^<]+)</span>')


def test_a_cars_history_shows_the_newest_jobs_then_older_ones_page_by_page(signed_in):
    owner = ClientFactory()
    car = VehicleFactory(client=owner)
    _jobs(car, 7, label="Job")
    http = signed_in(owner)
    url = reverse("portal:vehicle", args=[car.pk])

    pages = [http.get(url, {"page": n}) for n in (1, 2, 3)]

    assert [_job_titles(p) for p in pages] == [
        ["Job 00", "Job 01", "Job 02"], ["Job 03", "Job 04", "Job 05"], ["Job 06"],
    ]
    first = pages[0].content.decode()
    assert "7 jobs, newest first" in first and "Page 1 of 3" in first
    assert 'href="?page=2">Older jobs' in first and 'rel="prev"' not in first
    assert 'href="?page=2">← Newer jobs' in pages[2].content.decode()


def test_a_page_number_that_is_not_one_gives_a_page_not_an_error(signed_in):
    owner = ClientFactory()
    car = VehicleFactory(client=owner)
    _jobs(car, 4, label="Job")
    http = signed_in(owner)
    url = reverse("portal:vehicle", args=[car.pk])

    assert _job_titles(http.get(url, {"page": "abc"})) == ["Job 00", "Job 01", "Job 02"]
    assert _job_titles(http.get(url, {"page": "99"})) == ["Job 03"]  # past the end: the last page


def test_a_short_history_has_no_pager(signed_in):
    owner = ClientFactory()
    car = VehicleFactory(client=owner)
    _jobs(car, PAGE_SIZE, label="Job")
    page = signed_in(owner).get(reverse("portal:vehicle", args=[car.pk])).content.decode()
    assert 'class="pager"' not in page and "newest first" not in page


@pytest.mark.parametrize("jobs", [PAGE_SIZE + 1, 10 * PAGE_SIZE])
def test_a_cars_page_costs_the_same_queries_and_rows_whatever_its_history(signed_in, jobs):
    owner = ClientFactory()
    car = VehicleFactory(client=owner)
    _jobs(car, jobs, label="Job")
    http = signed_in(owner)
    url = reverse("portal:vehicle", args=[car.pk])
    http.get(url)  # the session's first use

    with CaptureQueriesContext(connection) as queries:
        response = http.get(url, {"page": 2 if jobs > PAGE_SIZE + 1 else 1})

    # session, client, car, count, one page of jobs, its predicted services, unread count
    assert len(queries) == 7
    assert len(_job_titles(response)) == PAGE_SIZE


def test_history_pages_never_hold_another_clients_jobs(signed_in):
    owner, other = ClientFactory(), ClientFactory()
    car, others_car = VehicleFactory(client=owner), VehicleFactory(client=other)
    _jobs(car, 4, label="Mine")
    _jobs(others_car, 4, label="Theirs")
    http = signed_in(owner)

    titles = [t for n in (1, 2) for t in _job_titles(http.get(reverse("portal:vehicle", args=[car.pk]), {"page": n}))]

    assert titles == [f"Mine {n:02d}" for n in range(4)]
    # The other client's car stays not found on every page number.
    for n in (1, 2):
        assert http.get(reverse("portal:vehicle", args=[others_car.pk]), {"page": n}).status_code == 404


def test_a_fleets_vehicles_come_a_page_at_a_time_and_only_its_own(signed_in):
    fleet, other = ClientFactory(), ClientFactory()
    for n in range(5):
        VehicleFactory(client=fleet, license_plate=f"KDA {n:03d}A")
    VehicleFactory(client=other, license_plate="KDA 000B")
    http = signed_in(fleet)

    pages = [_listed(http.get(reverse("portal:vehicles"), {"page": n}), r'<span class="plate">([^<]+)</span>')
             for n in (1, 2)]

    assert pages == [["KDA 000A", "KDA 001A", "KDA 002A"], ["KDA 003A", "KDA 004A"]]


def test_the_inbox_pages_newest_first_and_marks_read_only_the_page_shown(signed_in):
    owner, other = ClientFactory(), ClientFactory()
    job = ServiceFactory(vehicle=VehicleFactory(client=owner))
    now = timezone.now()
    notes = [
        NotificationFactory(service=job, channel=NotificationType.IN_APP, message=f"Note {n}",
                            sent_at=now - datetime.timedelta(hours=n))
        for n in range(5)
    ]
    NotificationFactory(service=ServiceFactory(vehicle=VehicleFactory(client=other)),
                        channel=NotificationType.IN_APP, message="Not yours")
    http = signed_in(owner)

    first = http.get(reverse("portal:inbox"))

    assert _listed(first, r"<p lang=\"en\">(Note \d|Not yours)</p>") == ["Note 0", "Note 1", "Note 2"]
    read = set(PortalInboxRead.objects.values_list("notification_id", flat=True))
    assert read == {n.pk for n in notes[:3]}
    # The two on page 2 are still unread: the badge says so, and page 2 shows them as new.
    assert re.search(r'<span class="badge"[^>]*>2</span>', http.get(reverse("portal:vehicles")).content.decode())
    second = http.get(reverse("portal:inbox"), {"page": 2})
    assert _listed(second, r"<p lang=\"en\">(Note \d|Not yours)</p>") == ["Note 3", "Note 4"]
    assert second.content.decode().count('class="card unread"') == 2


@pytest.mark.parametrize("cars", [PAGE_SIZE + 1, 8 * PAGE_SIZE])
def test_a_fleets_vehicles_page_costs_the_same_queries_whatever_the_fleet(signed_in, cars):
    fleet = ClientFactory()
    for n in range(cars):
        car = VehicleFactory(client=fleet, license_plate=f"KDB {n:03d}B")
        ServiceFactory(vehicle=car)
    http = signed_in(fleet)
    http.get(reverse("portal:vehicles"))

    with CaptureQueriesContext(connection) as queries:
        response = http.get(reverse("portal:vehicles"), {"page": 2})

    # session, client, count, one page of vehicles with their jobs, unread count
    assert len(queries) == 5
    assert len(_listed(response, r'<span class="plate">([^<]+)</span>')) == min(PAGE_SIZE, cars - PAGE_SIZE)


@pytest.mark.parametrize("messages", [PAGE_SIZE + 1, 8 * PAGE_SIZE])
def test_the_inbox_costs_the_same_queries_whatever_its_length(signed_in, messages):
    owner = ClientFactory()
    job = ServiceFactory(vehicle=VehicleFactory(client=owner))
    for n in range(messages):
        NotificationFactory(service=job, channel=NotificationType.IN_APP, message=f"Note {n}")
    http = signed_in(owner)
    http.get(reverse("portal:inbox"), {"page": 2})  # marks page 2 read: the timed visit writes nothing

    with CaptureQueriesContext(connection) as queries:
        http.get(reverse("portal:inbox"), {"page": 2})

    # session, client, count, one page of messages, unread count
    assert len(queries) == 5


def test_the_inbox_page_and_badge_read_only_the_clients_in_app_index():
    from clients.portal.selectors import PortalScope
    from reports.tests.plans import explain, reads_only_index

    owner = ClientFactory()
    job = ServiceFactory(vehicle=VehicleFactory(client=owner))
    for channel in (NotificationType.IN_APP, NotificationType.SMS):
        NotificationFactory(service=job, channel=channel)
    scope = PortalScope(client=owner)
    with CaptureQueriesContext(connection) as captured:
        list(scope.inbox()[20:40])
        scope.unread_count()

    for plan in explain(connection, [query["sql"] for query in captured]):
        # Every monthly partition is read through its copy of the index...
        assert reads_only_index(connection, plan, "notifications", "notifications_inbox_idx", kind="Index Scan") or \
            reads_only_index(connection, plan, "notifications", "notifications_inbox_idx"), plan
        assert "Sort" not in plan.replace("Sort Key", ""), plan  # ...and the page comes in its order (merged)
