"""One list of service types (issue 12, item 13): a managed catalogue staff book from, and a migration
that merged the spellings typed before it."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from concierge.accounts.roles import FRONT_DESK, MANAGER
from concierge.accounts.tests.factories import login_verified, staff_in_role
from concierge.admin.concurrency import row_version
from demo.builder import build_demo_shop
from fleet.tests.factories import VehicleFactory
from servicing.models import Service, ServiceType
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

merge_migration = importlib.import_module("servicing.migrations.0012_merge_service_type_spellings")


def booking(vehicle, service_type):
    return {"vehicle": str(vehicle.pk), "service_type": service_type, "description": "",
            "scheduled_date": timezone.localdate().isoformat(), "technician": "", "cost": "4500.00",
            "status": "pending", "completed_date": "", "notes": ""}


def test_migration_merges_spellings_that_differ_in_case_or_spaces_and_reports_them(capsys):
    ServiceType.objects.all().delete()
    for spelling, jobs in [("Full Service", 3), ("Full service", 2), ("full  service ", 1), ("Oil change", 2),
                           ("Tyre rotation", 1), ("TYRE ROTATION", 2), ("Brake Repair", 1)]:
        ServiceFactory.create_batch(jobs, service_type=spelling)
    merge_migration.merge_service_type_spellings(apps, connection.schema_editor())

    by_type = {t: Service.objects.filter(service_type=t).count()
               for t in Service.objects.values_list("service_type", flat=True).distinct()}
    # The standard spelling wins where there is one; otherwise the spelling most jobs used.
    assert by_type == {"Full Service": 6, "Oil Change": 2, "TYRE ROTATION": 3, "Brake Repair": 1}
    catalogue = set(ServiceType.objects.values_list("name", flat=True))
    assert {"Full Service", "Oil Change", "TYRE ROTATION", "Brake Repair", "AC Service"} <= catalogue
    assert len(catalogue) == len({name.casefold() for name in catalogue})
    out = capsys.readouterr().out
    assert "merged 'Full service' (2 job(s)) into 'Full Service'" in out
    assert "merged 'full  service ' (1 job(s)) into 'Full Service'" in out
    assert "merged 'Oil change' (2 job(s)) into 'Oil Change'" in out
    assert "merged 'Tyre rotation' (1 job(s)) into 'TYRE ROTATION'" in out
    assert "4 spelling(s) merged" in out


def test_the_services_filter_lists_one_choice_per_type_after_the_merge(client):
    ServiceFactory(service_type="Full service")
    ServiceFactory(service_type="Full Service")
    merge_migration.merge_service_type_spellings(apps, connection.schema_editor())
    login_verified(client, staff_in_role(MANAGER))
    page = client.get(reverse("admin:servicing_service_changelist"))
    type_filter = next(spec for spec in page.context["cl"].filter_specs if getattr(spec, "field_path", "") == "service_type")
    titles = [choice["display"] for choice in type_filter.choices(page.context["cl"])]
    assert titles.count("Full Service") == 1 and "Full service" not in titles


def test_booking_offers_the_catalogue_and_refuses_a_type_not_in_it(client):
    client.force_login(staff_in_role(FRONT_DESK))
    car = VehicleFactory()
    page = client.get(reverse("admin:servicing_service_add"))
    offered = [value for value, _ in page.context["adminform"].form.fields["service_type"].choices if value]
    assert offered == sorted(ServiceType.objects.filter(active=True).values_list("name", flat=True))
    refused = client.post(reverse("admin:servicing_service_add"), booking(car, "Full service"))
    assert refused.status_code == 200
    assert "service_type" in refused.context["adminform"].form.errors
    assert not Service.objects.exists()
    assert client.post(reverse("admin:servicing_service_add"), booking(car, "Full Service")).status_code == 302
    assert Service.objects.get().service_type == "Full Service"


def test_a_retired_type_is_not_offered_for_new_jobs_but_stays_on_its_jobs(client):
    ServiceType.objects.filter(name="AC Service").update(active=False)
    job = ServiceFactory(service_type="AC Service", scheduled_date=timezone.localdate())
    client.force_login(staff_in_role(FRONT_DESK))
    new = client.get(reverse("admin:servicing_service_add")).context["adminform"].form.fields["service_type"]
    assert "AC Service" not in [value for value, _ in new.choices]
    url = reverse("admin:servicing_service_change", args=[job.pk])
    posted = {**booking(job.vehicle, "AC Service"), "notes": "kept", "row_version": row_version(job)}
    assert client.post(url, posted).status_code == 302
    job.refresh_from_db()
    assert (job.service_type, job.notes) == ("AC Service", "kept")


def test_the_catalogue_refuses_a_second_spelling_of_a_type(client):
    login_verified(client, staff_in_role(MANAGER))
    response = client.post(reverse("admin:servicing_servicetype_add"), {"name": "  oil   CHANGE ", "active": "on"})
    assert response.status_code == 200
    assert "already exists" in str(response.context["adminform"].form.errors)
    assert ServiceType.objects.filter(name__iexact="oil change").count() == 1
    assert client.post(reverse("admin:servicing_servicetype_add"), {"name": " Tyre   Rotation ", "active": "on"}).status_code == 302
    assert ServiceType.objects.filter(name="Tyre Rotation").exists()


def test_renaming_a_type_renames_its_jobs(client):
    ServiceFactory.create_batch(2, service_type="Engine Diagnostics")
    kind = ServiceType.objects.get(name="Engine Diagnostics")
    login_verified(client, staff_in_role(MANAGER))
    response = client.post(reverse("admin:servicing_servicetype_change", args=[kind.pk]),
                           {"name": "Engine Diagnosis", "active": "on"})
    assert response.status_code == 302
    assert Service.objects.filter(service_type="Engine Diagnosis").count() == 2
    assert not Service.objects.filter(service_type="Engine Diagnostics").exists()


def test_front_desk_cannot_edit_the_catalogue(client):
    client.force_login(staff_in_role(FRONT_DESK))
    assert client.post(reverse("admin:servicing_servicetype_add"), {"name": "Anything"}).status_code == 403


def test_demo_data_books_only_catalogue_names():
    ServiceType.objects.filter(name="AC Service").update(active=False)
    build_demo_shop(clients=15)
    used = set(Service.objects.values_list("service_type", flat=True))
    assert used and used <= set(ServiceType.objects.filter(active=True).values_list("name", flat=True))


def test_an_empty_catalogue_gets_the_standard_types_and_a_kept_one_is_left_alone():
    from servicing.services import STANDARD_SERVICE_TYPES, service_types_fill_if_empty

    ServiceType.objects.update(active=False)
    assert service_types_fill_if_empty() == 0
    assert not ServiceType.objects.filter(active=True).exists()
    ServiceType.objects.all().delete()
    assert service_types_fill_if_empty() == len(STANDARD_SERVICE_TYPES)
    assert sorted(ServiceType.objects.values_list("name", flat=True)) == sorted(STANDARD_SERVICE_TYPES)


def test_standard_types_start_with_nairobi_intervals_and_a_manager_edits_them(client):
    oil = ServiceType.objects.get(name="Oil Change")
    assert (oil.interval_km, oil.interval_months) == (5_000, 6)
    assert ServiceType.objects.get(name="Engine Diagnostics").interval_km is None  # a one-off: never predicted
    login_verified(client, staff_in_role(MANAGER))
    url = reverse("admin:servicing_servicetype_change", args=[oil.pk])
    refused = client.post(url, {"name": "Oil Change", "active": "on", "interval_km": "-5", "interval_months": "6"})
    assert refused.status_code == 200 and "interval_km" in refused.context["adminform"].form.errors
    assert client.post(url, {"name": "Oil Change", "active": "on", "interval_km": "7500",
                             "interval_months": "9"}).status_code == 302
    oil.refresh_from_db()
    assert (oil.interval_km, oil.interval_months) == (7_500, 9)
