"""Issue 21 item 3: the technician's phone view: their jobs today and the unassigned ones, Start and
Complete with the board's stale protection, the mileage read at completion."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from concierge.accounts.roles import FRONT_DESK, TECHNICIAN
from concierge.accounts.tests.factories import UserFactory, staff_in_role
from concierge.workflows.models import Event
from fleet.tests.factories import VehicleFactory
from servicing.models import Service, ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

MINE = reverse("servicing:workshop")


@pytest.fixture
def ann(client):
    client.force_login(staff_in_role(TECHNICIAN, first_name="Ann", last_name="Wanjiku"))
    return client


def advance(job):
    return reverse("servicing:workshop_advance", args=[job.pk])


def test_a_technician_sees_their_jobs_today_and_the_unassigned_ones_only(ann):
    today = timezone.localdate()
    hers = ServiceFactory(technician="Ann Wanjiku", scheduled_date=today, vehicle=VehicleFactory(license_plate="KDA 001A"))
    waiting = ServiceFactory(technician=None, scheduled_date=today, vehicle=VehicleFactory(license_plate="KDA 002A"))
    ServiceFactory(technician="Peter Kamau", scheduled_date=today, vehicle=VehicleFactory(license_plate="KDA 003A"))
    ServiceFactory(technician="Ann Wanjiku", scheduled_date=today + datetime.timedelta(days=3),
                   vehicle=VehicleFactory(license_plate="KDA 004A"))

    response = ann.get(MINE)

    assert [job.pk for job in response.context["mine"]] == [hers.pk]
    assert [job.pk for job in response.context["waiting"]] == [waiting.pk]
    page = response.content.decode()
    assert "Start KDA 001A" in page and "Start KDA 002A" in page and "KDA 003A" not in page and "KDA 004A" not in page


def test_starting_an_unassigned_job_makes_it_theirs(ann):
    job = ServiceFactory(technician=None)

    response = ann.post(advance(job), {"from_status": "pending"})

    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.technician) == (ServiceStatus.IN_PROGRESS, "Ann Wanjiku")


def test_a_stale_page_changes_nothing_and_says_so(ann):
    job = ServiceFactory(technician="Ann Wanjiku", status=ServiceStatus.PENDING)
    Service.objects.filter(pk=job.pk).update(status=ServiceStatus.IN_PROGRESS)  # a colleague started it meanwhile
    Event.objects.all().delete()

    response = ann.post(advance(job), {"from_status": "pending"}, follow=True)

    job.refresh_from_db()
    assert job.status == ServiceStatus.IN_PROGRESS and not Event.objects.exists()
    assert "in progress already" in response.content.decode()


def test_completing_records_the_mileage_read_then(ann):
    car = VehicleFactory(mileage=85_000)
    job = ServiceFactory(vehicle=car, technician="Ann Wanjiku", status=ServiceStatus.PENDING)
    ann.post(advance(job), {"from_status": "pending"})
    Event.objects.all().delete()

    response = ann.post(advance(job), {"from_status": "in_progress", "mileage": "86 500"})

    assert response.status_code == 302
    job.refresh_from_db(), car.refresh_from_db()
    assert (job.status, job.completed_date, car.mileage) == (ServiceStatus.COMPLETED, timezone.localdate(), 86_500)
    assert sorted(Event.objects.values_list("name", flat=True)) == [
        "service_completed", "service_status_changed", "vehicle_mileage_updated"]


def test_a_lower_reading_keeps_the_job_open_and_is_said_beside_the_mileage(ann):
    car = VehicleFactory(mileage=85_000)
    job = ServiceFactory(vehicle=car, technician="Ann Wanjiku", status=ServiceStatus.PENDING)
    ann.post(advance(job), {"from_status": "pending"})

    response = ann.post(advance(job), {"from_status": "in_progress", "mileage": "8000"})

    assert response.status_code == 400
    assert f'id="mileage-{job.pk}-error"' in response.content.decode()
    job.refresh_from_db(), car.refresh_from_db()
    assert (job.status, car.mileage) == (ServiceStatus.IN_PROGRESS, 85_000)


def test_a_mileage_that_is_no_number_is_refused(ann):
    job = ServiceFactory(technician="Ann Wanjiku", status=ServiceStatus.PENDING)
    ann.post(advance(job), {"from_status": "pending"})

    response = ann.post(advance(job), {"from_status": "in_progress", "mileage": "86k"})

    assert response.status_code == 400
    job.refresh_from_db()
    assert job.status == ServiceStatus.IN_PROGRESS


def test_staff_who_may_not_change_jobs_may_not_open_or_move(client):
    job = ServiceFactory()
    client.force_login(UserFactory())

    assert client.get(MINE).status_code == 403
    assert client.post(advance(job), {"from_status": "pending"}).status_code == 403


def test_the_front_desk_sees_the_view_too(client):
    client.force_login(staff_in_role(FRONT_DESK))

    assert client.get(MINE).status_code == 200


@pytest.mark.parametrize("typed", ["99999999999", "3000001", "²", "12.5"])
def test_a_mileage_too_high_or_not_in_plain_digits_is_refused_beside_the_job(ann, typed):
    car = VehicleFactory(mileage=100)
    job = ServiceFactory(vehicle=car, technician="Ann Wanjiku", status=ServiceStatus.PENDING)
    ann.post(advance(job), {"from_status": "pending"})

    response = ann.post(advance(job), {"from_status": "in_progress", "mileage": typed})

    assert response.status_code == 400
    assert f'id="mileage-{job.pk}-error"' in response.content.decode()
    job.refresh_from_db(), car.refresh_from_db()
    assert (job.status, car.mileage) == (ServiceStatus.IN_PROGRESS, 100)


def test_the_highest_reading_is_taken(ann):
    job = ServiceFactory(vehicle=VehicleFactory(mileage=100), technician="Ann Wanjiku", status=ServiceStatus.IN_PROGRESS)

    response = ann.post(advance(job), {"from_status": "in_progress", "mileage": "3,000,000"})

    assert response.status_code == 302
    job.vehicle.refresh_from_db()
    assert job.vehicle.mileage == 3_000_000


def test_digits_of_other_scripts_are_read_as_the_forms_read_them(ann):
    job = ServiceFactory(vehicle=VehicleFactory(mileage=100), technician="Ann Wanjiku", status=ServiceStatus.IN_PROGRESS)

    response = ann.post(advance(job), {"from_status": "in_progress", "mileage": "١٢٣"})

    assert response.status_code == 302
    job.vehicle.refresh_from_db()
    assert job.vehicle.mileage == 123
