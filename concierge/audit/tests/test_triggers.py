"""The audit trail is written by the database: every way of changing a row leaves its audit row."""

import pytest
from django.db import DatabaseError, connection, transaction

from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import UserFactory
from concierge.audit.context import acting_as, set_acting_user
from concierge.audit.models import AuditLog
from concierge.workflows.models import Workflow
from fleet.tests.factories import VehicleFactory
from notifications.tests.factories import NotificationFactory
from servicing.models import Service, ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def rows(table, record_id, action=None):
    qs = AuditLog.objects.filter(table_name=table, record_id=record_id)
    if action:
        qs = qs.filter(action=action)
    return list(qs.order_by("timestamp", "id"))


def test_orm_save_is_audited_with_only_changed_columns_and_the_acting_user():
    user = UserFactory()
    service = ServiceFactory(status=ServiceStatus.PENDING, technician="Peter Kamau")
    set_acting_user(user.pk)
    service.technician = "Ann Wanjiku"
    service.save()
    [row] = rows("services", service.pk, "UPDATE")
    assert row.old_values == {"technician": "Peter Kamau"}
    assert row.new_values == {"technician": "Ann Wanjiku"}
    assert row.user_id == user.pk


def test_insert_and_delete_store_the_whole_row():
    service = ServiceFactory(service_type="Brake Repair")
    [insert] = rows("services", service.pk, "INSERT")
    assert insert.old_values is None
    assert insert.new_values["service_type"] == "Brake Repair"
    assert insert.new_values["vehicle_id"] == str(service.vehicle_id)
    pk = service.pk
    service.delete()
    [delete] = rows("services", pk, "DELETE")
    assert delete.new_values is None
    assert delete.old_values["service_type"] == "Brake Repair"


def test_bulk_update_audits_every_row_with_the_acting_user():
    user = UserFactory()
    services = ServiceFactory.create_batch(3, status=ServiceStatus.PENDING)
    with acting_as(user):
        Service.objects.filter(pk__in=[s.pk for s in services]).update(status=ServiceStatus.IN_PROGRESS)
    for service in services:
        [row] = rows("services", service.pk, "UPDATE")
        assert row.old_values == {"status": "pending"}
        assert row.new_values == {"status": "in_progress"}
        assert row.user_id == user.pk


def test_bulk_create_is_audited():
    vehicle = VehicleFactory()
    created = Service.objects.bulk_create([Service(vehicle=vehicle, service_type=f"Job {i}") for i in range(3)])
    assert AuditLog.objects.filter(
        table_name="services", action="INSERT", record_id__in=[s.pk for s in created]
    ).count() == 3


def test_raw_sql_update_is_audited_with_the_acting_user():
    user = UserFactory()
    service = ServiceFactory(cost="4500.00")
    set_acting_user(user.pk)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE services SET cost = 5200 WHERE id = %s", [service.pk])
    [row] = rows("services", service.pk, "UPDATE")
    assert row.old_values == {"cost": 4500.0}
    assert row.new_values == {"cost": 5200}
    assert row.user_id == user.pk


def test_database_cascade_delete_audits_every_removed_row():
    user = UserFactory()
    notification = NotificationFactory()
    service, vehicle, client = notification.service, notification.vehicle, notification.client
    set_acting_user(user.pk)
    # Raw SQL: the rows below go by the database's ON DELETE CASCADE, not by Django's collector.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM clients WHERE id = %s", [client.pk])
    for table, pk in [("clients", client.pk), ("vehicles", vehicle.pk), ("services", service.pk),
                      ("notifications", notification.pk)]:
        [row] = rows(table, pk, "DELETE")
        assert row.user_id == user.pk, table
    [client_row] = rows("clients", client.pk, "DELETE")
    assert client_row.old_values["email"] == "[encrypted]"
    assert client_row.old_values["first_name"] == client.first_name


def test_system_jobs_leave_no_user():
    with acting_as(None):
        service = ServiceFactory()
    [row] = rows("services", service.pk, "INSERT")
    assert row.user_id is None


def test_a_save_that_changes_nothing_writes_no_update_row():
    service = ServiceFactory()
    service.save()
    assert rows("services", service.pk, "UPDATE") == []


def test_workflows_are_audited():
    workflow = Workflow.objects.create(name="Ready SMS", trigger_event="service_completed", actions=[{"send": "sms"}])
    Workflow.objects.filter(pk=workflow.pk).update(active=False)
    [row] = rows("workflows", workflow.pk, "UPDATE")
    assert row.new_values == {"active": False}


def test_encrypted_columns_appear_only_as_a_marker():
    client = ClientFactory(email="wanjiru@example.co.ke", phone="+254712345678")
    [insert] = rows("clients", client.pk, "INSERT")
    assert insert.new_values["email"] == "[encrypted]"
    assert insert.new_values["phone"] == "[encrypted]"
    assert "email_hash" not in insert.new_values
    client.phone = "+254722000111"
    client.save()
    [update] = rows("clients", client.pk, "UPDATE")
    # A fresh ciphertext was written for email too, but only the phone changed.
    assert update.old_values == {"phone": "[encrypted]"}
    assert update.new_values == {"phone": "[encrypted]"}


def test_consent_changes_are_audited_with_who():
    user = UserFactory()
    client = ClientFactory(consent_gdpr=True)
    set_acting_user(user.pk)
    client.consent_gdpr = False
    client.save()
    [row] = rows("clients", client.pk, "UPDATE")
    assert (row.old_values, row.new_values, row.user_id) == ({"consent_gdpr": True}, {"consent_gdpr": False}, user.pk)


@pytest.mark.parametrize("sql", ["UPDATE audit_logs SET user_id = NULL", "DELETE FROM audit_logs"])
def test_the_application_cannot_change_or_delete_audit_rows(sql):
    ServiceFactory()
    assert AuditLog.objects.exists()
    # The application role has no such grant (concierge/db/roles.py); the trigger is the second lock.
    with pytest.raises(DatabaseError, match="permission denied for table audit_logs"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    with pytest.raises(DatabaseError, match="permission denied for table audit_logs"):
        with transaction.atomic():
            AuditLog.objects.all().delete()


@pytest.mark.owner_role  # ALTER TABLE: a migration's work
def test_a_column_added_to_an_audited_table_is_audited_without_changing_the_trigger():
    with connection.cursor() as cursor:
        # A name no app uses (notifications.attempts exists since #4).
        cursor.execute("ALTER TABLE notifications ADD COLUMN audit_probe integer NOT NULL DEFAULT 0")
    notification = NotificationFactory()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE notifications SET audit_probe = 2 WHERE id = %s", [notification.pk])
    [insert] = rows("notifications", notification.pk, "INSERT")
    assert insert.new_values["audit_probe"] == 0
    [update] = rows("notifications", notification.pk, "UPDATE")
    assert (update.old_values, update.new_values) == ({"audit_probe": 0}, {"audit_probe": 2})


def test_a_nested_acting_as_hands_the_outer_user_back():
    outer_user, inner_user = UserFactory(), UserFactory()
    set_acting_user(outer_user.pk)
    with acting_as(inner_user):
        inner = ServiceFactory()
    after = ServiceFactory()
    assert rows("services", inner.pk, "INSERT")[0].user_id == inner_user.pk
    assert rows("services", after.pk, "INSERT")[0].user_id == outer_user.pk
