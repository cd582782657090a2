import datetime

import phonenumbers
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F

from clients.models import Client
from fleet.models import Vehicle
from servicing.models import Service, ServiceStatus

pytestmark = pytest.mark.django_db


def test_demo_shop_has_every_status_and_a_year_and_a_half_of_history():
    call_command("seed_demo", clients=40)
    statuses = set(Service.objects.values_list("status", flat=True))
    assert statuses == set(ServiceStatus.values)
    oldest = Service.objects.order_by("scheduled_date").values_list("scheduled_date", flat=True).first()
    assert (datetime.date.today() - oldest).days > 365
    assert not Service.objects.filter(completed_date__lt=F("scheduled_date")).exists()


def test_demo_data_is_kenyan():
    call_command("seed_demo", clients=20)
    for phone in Client.objects.exclude(phone=None).values_list("phone", flat=True):
        parsed = phonenumbers.parse(phone, None)
        assert parsed.country_code == 254 and phonenumbers.is_valid_number(parsed), phone
    plates = Vehicle.objects.values_list("license_plate", flat=True)
    assert all(p[0] == "K" and p[3] == " " and len(p) == 8 for p in plates)
    assert not any(set(vin) & set("IOQ") for vin in Vehicle.objects.values_list("vin", flat=True))


def test_seed_demo_is_idempotent():
    call_command("seed_demo", clients=10)
    before = (Client.objects.count(), Vehicle.objects.count(), Service.objects.count())
    call_command("seed_demo", clients=10)
    assert (Client.objects.count(), Vehicle.objects.count(), Service.objects.count()) == before


def test_some_clients_run_several_cars():
    call_command("seed_demo", clients=60)
    assert Client.objects.annotate(n=Count("vehicles")).filter(n__gt=1).exists()


def test_seed_demo_rejects_a_nonsense_count():
    with pytest.raises(CommandError):
        call_command("seed_demo", clients=0)


def test_seed_demo_installs_the_default_workflows_once():
    from concierge.workflows.defaults import default_workflows
    from concierge.workflows.models import Workflow

    call_command("seed_demo", clients=5)
    call_command("seed_demo", clients=5)
    assert sorted(Workflow.objects.values_list("name", flat=True)) == sorted(w["name"] for w in default_workflows())


def test_every_demo_car_has_its_owner_from_its_first_job_so_the_portal_shows_its_history():
    from clients.portal.selectors import PortalScope
    from fleet.models import VehicleOwnership

    call_command("seed_demo", clients=20)
    assert VehicleOwnership.objects.filter(ended_at=None).count() == Vehicle.objects.count()
    assert not VehicleOwnership.objects.exclude(client=F("vehicle__client")).exists()
    for owner in Client.objects.all():
        assert PortalScope(client=owner).services().count() == Service.objects.filter(vehicle__client=owner).count()
