import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.tests.factories import ClientFactory
from concierge.admin.concurrency import row_version
from concierge.accounts.roles import FRONT_DESK, MANAGER, ROLE_PERMISSIONS, TECHNICIAN, roles_apply
from concierge.accounts.tests.factories import login_verified, staff_in_role
from fleet.tests.factories import VehicleFactory
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def logged_in(client, role):
    login_verified(client, staff_in_role(role))
    return client


def service_post(service, **overrides):
    data = {
        "vehicle": str(service.vehicle_id), "service_type": service.service_type, "description": "",
        "scheduled_date": service.scheduled_date.isoformat(), "technician": service.technician,
        "cost": str(service.cost), "status": service.status, "completed_date": "", "notes": "",
        "row_version": row_version(service),  # the version the page was opened at
    }
    data.update(overrides)
    return data


def test_migrations_create_the_three_groups_with_their_permissions():
    for role, names in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        # reports.view_reports comes from the reports app (reports.models.ReportAccess), granted after migrate.
        assert held == set(names)


def test_roles_apply_is_idempotent_and_grants_permissions_of_apps_that_land_later():
    manager = Group.objects.get(name=MANAGER)
    before = manager.permissions.count()
    roles_apply()
    assert manager.permissions.count() == before
    content_type, _ = ContentType.objects.get_or_create(app_label="reports", model="report")
    Permission.objects.get_or_create(codename="view_reports", content_type=content_type, defaults={"name": "View reports"})
    roles_apply()
    assert manager.permissions.filter(codename="view_reports").exists()
    assert not Group.objects.get(name=TECHNICIAN).permissions.filter(codename="view_reports").exists()


# Technician
def test_technician_moves_jobs_along_and_adds_notes(client):
    browser = logged_in(client, TECHNICIAN)
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=timezone.localdate())
    response = browser.post(reverse("admin:servicing_service_change", args=[job.pk]),
                            {"status": "completed", "completed_date": "", "notes": "Pads replaced", "technician": "Ann",
                             "row_version": row_version(job)})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.notes) == (ServiceStatus.COMPLETED, "Pads replaced")


def test_technician_cannot_change_the_price_even_by_posting_it(client):
    browser = logged_in(client, TECHNICIAN)
    job = ServiceFactory(scheduled_date=timezone.localdate())
    url = reverse("admin:servicing_service_change", args=[job.pk])
    page = browser.get(url)
    assert "cost" not in page.context["adminform"].form.fields
    browser.post(url, service_post(job, cost="1.00", service_type="Nothing", notes="tried"))
    job.refresh_from_db()
    assert (job.cost, job.service_type, job.notes) == (Decimal("4500.00"), "Oil Change", "tried")


def test_technician_cannot_edit_or_add_clients_or_vehicles(client):
    browser = logged_in(client, TECHNICIAN)
    owner = ClientFactory(first_name="Njeri")
    vehicle = VehicleFactory(client=owner)
    # Least privilege: no client records at all (the owner's first name is on the car and the job).
    assert browser.get(reverse("admin:clients_client_change", args=[owner.pk])).status_code == 403
    response = browser.post(reverse("admin:clients_client_change", args=[owner.pk]),
                            {"first_name": "Changed", "last_name": "X", "email": "x@example.co.ke"})
    assert response.status_code == 403
    owner.refresh_from_db()
    assert owner.first_name == "Njeri"
    assert browser.get(reverse("admin:clients_client_add")).status_code == 403
    assert browser.post(reverse("admin:fleet_vehicle_change", args=[vehicle.pk]), {}).status_code == 403
    assert browser.get(reverse("admin:servicing_service_add")).status_code == 403


def test_technician_uses_the_job_board(client):
    browser = logged_in(client, TECHNICIAN)
    job = ServiceFactory(scheduled_date=timezone.localdate())
    assert b"Start</button>" in browser.get(reverse("servicing:board")).content
    browser.post(reverse("servicing:board_advance", args=[job.pk]), {"from_status": "pending"})
    job.refresh_from_db()
    assert job.status == ServiceStatus.IN_PROGRESS


def test_technician_cannot_delete_jobs(client):
    browser = logged_in(client, TECHNICIAN)
    job = ServiceFactory()
    assert browser.post(reverse("admin:servicing_service_delete", args=[job.pk]), {"post": "yes"}).status_code == 403


# Front desk
def test_front_desk_manages_clients_vehicles_bookings_and_prices(client):
    browser = logged_in(client, FRONT_DESK)
    response = browser.post(reverse("admin:clients_client_add"), {
        "first_name": "Akinyi", "last_name": "Omondi", "email": "akinyi@example.co.ke", "phone": "0722 111 222",
        "vehicles-TOTAL_FORMS": "0", "vehicles-INITIAL_FORMS": "0",
        "vehicles-MIN_NUM_FORMS": "0", "vehicles-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302
    job = ServiceFactory(scheduled_date=timezone.localdate())
    response = browser.post(reverse("admin:servicing_service_change", args=[job.pk]), service_post(job, cost="5200.00"))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.cost == Decimal("5200.00")


def test_front_desk_cannot_delete_clients_or_see_workflows(client):
    browser = logged_in(client, FRONT_DESK)
    owner = ClientFactory()
    assert browser.post(reverse("admin:clients_client_delete", args=[owner.pk]), {"post": "yes"}).status_code == 403
    assert Client.objects.filter(pk=owner.pk).exists()
    assert browser.get(reverse("admin:workflows_workflow_changelist")).status_code == 403


# Manager
def test_manager_does_everything_including_workflows_and_deleting(client):
    browser = logged_in(client, MANAGER)
    assert browser.get(reverse("admin:workflows_workflow_changelist")).status_code == 200
    assert browser.get(reverse("admin:workflows_workflow_add")).status_code == 200
    owner = ClientFactory()
    browser.post(reverse("admin:clients_client_delete", args=[owner.pk]), {"post": "yes"})
    assert not Client.objects.filter(pk=owner.pk).exists()
    job = ServiceFactory(scheduled_date=datetime.date.today())
    assert "cost" in browser.get(reverse("admin:servicing_service_change", args=[job.pk])).context["adminform"].form.fields


def test_migration_takes_client_records_away_from_existing_technicians():
    import importlib

    from django.apps import apps
    from django.db import connection

    technician = Group.objects.get(name=TECHNICIAN)
    technician.permissions.add(Permission.objects.get(content_type__app_label="clients", codename="view_client"))
    migration = importlib.import_module("concierge.accounts.migrations.0004_technician_sees_no_clients")
    migration.technician_sees_no_clients(apps, connection.schema_editor())
    assert not technician.permissions.filter(codename="view_client").exists()
    assert technician.permissions.filter(codename="change_service").exists()
