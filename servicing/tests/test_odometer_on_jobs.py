"""The job page takes the odometer as read at booking or at completion, and keeps it as a dated
reading of the car (fleet.OdometerReading)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from concierge.accounts.tests.factories import login_verified
from concierge.tests.admin_forms import posted_as_opened
from fleet.models import OdometerReading, ReadingSource, Vehicle
from fleet.tests.factories import VehicleFactory
from servicing.models import Service, ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_odometer_typed_at_booking_is_kept_as_a_reading(client, superuser):
    car = VehicleFactory(mileage=80_000)
    login_verified(client, superuser)
    response = client.post(reverse("admin:servicing_service_add"), {
        "vehicle": str(car.pk), "service_type": "Oil Change", "description": "", "technician": "",
        "scheduled_date": timezone.localdate().isoformat(), "cost": "4500.00", "status": "pending",
        "completed_date": "", "notes": "", "odometer": "80600",
    })
    assert response.status_code == 302
    assert Service.objects.filter(vehicle=car).exists()
    assert OdometerReading.objects.filter(vehicle=car, source=ReadingSource.BOOKING, mileage=80_600).exists()
    assert Vehicle.objects.get(pk=car.pk).mileage == 80_600


def test_the_odometer_typed_when_completing_is_the_reading_at_completion(client, superuser):
    job = ServiceFactory(vehicle=VehicleFactory(mileage=80_000), status=ServiceStatus.IN_PROGRESS)
    login_verified(client, superuser)
    url = reverse("admin:servicing_service_change", args=[job.pk])
    response = client.post(url, posted_as_opened(client.get(url), status="completed", odometer="80900"))
    assert response.status_code == 302
    assert list(OdometerReading.objects.filter(vehicle=job.vehicle).values_list("source", "mileage")) == [
        (ReadingSource.ADDED, 80_000), (ReadingSource.COMPLETION, 80_900),
    ]


def test_a_nonsense_odometer_is_refused_beside_the_field_and_nothing_is_saved(client, superuser):
    job = ServiceFactory(vehicle=VehicleFactory(mileage=80_000), status=ServiceStatus.IN_PROGRESS)
    login_verified(client, superuser)
    url = reverse("admin:servicing_service_change", args=[job.pk])
    response = client.post(url, posted_as_opened(client.get(url), status="completed", odometer="-5"))
    assert response.status_code == 200 and "odometer" in response.context["adminform"].form.errors
    job.refresh_from_db()
    assert job.status == ServiceStatus.IN_PROGRESS
    assert OdometerReading.objects.filter(vehicle=job.vehicle).count() == 1


def test_an_odometer_past_the_limit_is_refused_beside_the_field_saying_the_limit(client, superuser):
    job = ServiceFactory(vehicle=VehicleFactory(mileage=80_000), status=ServiceStatus.IN_PROGRESS)
    login_verified(client, superuser)
    url = reverse("admin:servicing_service_change", args=[job.pk])
    response = client.post(url, posted_as_opened(client.get(url), odometer="99999999999"))
    assert response.status_code == 200
    assert "at most 3,000,000 km" in str(response.context["adminform"].form.errors["odometer"])
    assert OdometerReading.objects.filter(vehicle=job.vehicle).count() == 1


def test_the_service_recording_a_reading_refuses_one_past_the_limit():
    from django.core.exceptions import ValidationError

    from fleet.models import ReadingSource
    from fleet.services import vehicle_mileage_record
    from fleet.validators import ODOMETER_MAX_KM

    car = VehicleFactory(mileage=80_000)
    with pytest.raises(ValidationError):
        vehicle_mileage_record(vehicle=car, mileage=ODOMETER_MAX_KM + 1, source=ReadingSource.COMPLETION)
    car.refresh_from_db()
    assert car.mileage == 80_000
