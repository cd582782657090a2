"""Access and erasure requests: the export holds everything, the erasure leaves nothing personal."""

import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection

from clients.data_rights.export import client_export_html, client_export_json
from clients.data_rights.services import client_erase
from clients.models import Client
from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import UserFactory
from concierge.audit.context import acting_as
from concierge.audit.models import AuditLog
from fleet.tests.factories import VehicleFactory
from notifications.tests.factories import NotificationFactory
from servicing.models import Service
from servicing.services import service_start
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    """A client with two cars, jobs, messages and some changes by a staff member."""
    staff = UserFactory(first_name="Grace", last_name="Wairimu")
    with acting_as(staff):
        client = ClientFactory(first_name="Zawadi", last_name="Mwakilema", email="zawadi.m@example.co.ke",
                               phone="+254711222333", address="14 Riverside Drive, Kilimani")
        car, van = VehicleFactory(client=client), VehicleFactory(client=client)
        service = ServiceFactory(vehicle=car, cost="8500.00")
        ServiceFactory(vehicle=van, cost="3200.00")
        notification = NotificationFactory(service=service, message="Hi Zawadi, your car is ready. Call 0711222333.")
        service_start(service=service)
        client.address = "22 Ngong Road, Karen"
        client.save()
    # What the admin's own change log keeps when staff edit a client there.
    LogEntry.objects.create(user=staff, content_type=ContentType.objects.get_for_model(Client),
                            object_id=str(client.pk), object_repr=str(client), action_flag=CHANGE,
                            change_message='[{"changed": {"fields": ["Address"]}}]')
    return {"staff": staff, "client": client, "service": service, "notification": notification,
            "vehicles": [car, van], "personal": ["Zawadi", "Mwakilema", "zawadi.m@example.co.ke", "+254711222333",
                                                "0711222333", "711222333", "Riverside Drive", "22 Ngong Road"]}


def every_text_and_json_value():
    """Every text, varchar and jsonb value of every table of the schema, as text."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'jsonb', 'json')
        """)
        columns = cursor.fetchall()
        values = []
        for table, column in columns:
            cursor.execute(f'SELECT "{column}"::text FROM "{table}" WHERE "{column}" IS NOT NULL')
            values.extend(row[0] for row in cursor.fetchall())
    return "\n".join(values)


def test_export_contains_profile_vehicles_services_notifications_and_audit_rows(history):
    client = history["client"]
    data = json.loads(client_export_json(client=client))
    assert data["client"]["email"] == "zawadi.m@example.co.ke"
    assert data["client"]["phone"] == "+254711222333"
    assert "email_hash" not in data["client"]
    assert {v["id"] for v in data["vehicles"]} == {str(v.pk) for v in history["vehicles"]}
    assert len(data["services"]) == 2
    assert [n["message"] for n in data["notifications"]] == [history["notification"].message]
    tables = {row["table_name"] for row in data["audit_trail"]}
    assert tables == {"clients", "vehicles", "vehicle_ownerships", "services", "notifications"}
    status_change = [row for row in data["audit_trail"] if row["new_values"] == {"status": "in_progress"}]
    assert status_change and status_change[0]["user"] == "Grace Wairimu"


def test_export_html_is_readable(history):
    page = client_export_html(client=history["client"])
    assert "Personal data held about Zawadi Mwakilema" in page
    assert "zawadi.m@example.co.ke" in page and "Services (2)" in page


def test_export_command_finds_the_client_by_email_and_writes_json(history, tmp_path, capsys):
    out = tmp_path / "export.json"
    call_command("export_client_data", "--email", "ZAWADI.M@example.co.ke", "--output", str(out))
    assert json.loads(out.read_text())["client"]["id"] == str(history["client"].pk)


def test_export_command_reports_an_unknown_client():
    with pytest.raises(CommandError, match="no client"):
        call_command("export_client_data", "--email", "nobody@example.co.ke")


def test_erasure_leaves_no_personal_value_of_the_client_anywhere(history):
    other = ClientFactory(first_name="Baraka", email="baraka@example.co.ke")
    client_erase(client=history["client"], by=history["staff"])
    everything = every_text_and_json_value()
    assert [value for value in history["personal"] if value in everything] == []
    assert "Baraka" in everything  # the search does see names when they are there
    assert Client.objects.filter(pk=other.pk).exists()


def test_erasure_keeps_service_records_and_costs(history):
    client_erase(client=history["client"], by=history["staff"])
    costs = sorted(str(s.cost) for s in Service.objects.filter(vehicle__client=history["client"]))
    assert costs == ["3200.00", "8500.00"]
    assert AuditLog.objects.filter(table_name="services", new_values={"status": "in_progress"}).exists()


def test_erasure_is_recorded_as_its_own_audit_row(history):
    client_erase(client=history["client"], by=history["staff"])
    row = AuditLog.objects.get(table_name="clients", record_id=history["client"].pk, new_values__has_key="erasure")
    assert row.user_id == history["staff"].pk


def test_erase_command_refuses_without_confirmation(history):
    client = history["client"]
    with pytest.raises(CommandError, match="--confirm"):
        call_command("erase_client", "--client", str(client.pk), "--by", history["staff"].email)
    assert Client.objects.get(pk=client.pk).first_name == "Zawadi"
    call_command("erase_client", "--client", str(client.pk), "--by", history["staff"].email,
                 "--confirm", str(client.pk), stdout=open("/dev/null", "w"))
    assert Client.objects.get(pk=client.pk).first_name == "Erased"


def test_erasure_ends_the_clients_portal_links(history):
    from clients.portal.models import PortalToken
    from clients.portal.services import status_link_url

    status_link_url(service=history["service"])
    assert PortalToken.objects.filter(client=history["client"]).exists()
    client_erase(client=history["client"], by=history["staff"])
    assert not PortalToken.objects.filter(client=history["client"]).exists()


def test_export_holds_the_phone_numbers_texting_consent_and_its_history(history):
    from notifications.consent import consent_set_for_client

    client, staff = history["client"], UserFactory()
    consent_set_for_client(client=client, opted_out=True, by=staff, note="asked at the desk")
    consent_set_for_client(client=client, opted_out=False, by=staff)
    data = json.loads(client_export_json(client=client))
    states = [(row["state"], row["opted_out"]) for row in data["phone_consent"]]
    assert states == [("now", False), ("change", True), ("change", False)]
    assert all("phone_hash" not in row for row in data["phone_consent"])
    assert "Texting consent of the phone number (3)" in client_export_html(client=client)
