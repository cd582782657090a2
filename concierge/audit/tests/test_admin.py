"""The admin's audit pages: a read-only list with filters, a readable history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import UserFactory, login_verified
from concierge.audit.context import acting_as
from concierge.audit.models import AuditLog
from servicing.services import service_start
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, superuser):
    login_verified(client, superuser)
    return client


def test_audit_list_filters_by_table_action_user_and_date(staff_client, superuser):
    other = UserFactory(first_name="Brian", last_name="Ochieng")
    with acting_as(superuser):
        service = ServiceFactory()
    with acting_as(other):
        service_start(service=service)
    url = reverse("admin:audit_auditlog_changelist")
    page = staff_client.get(url, {"table_name": "services", "action": "UPDATE", "user": str(other.pk)})
    assert page.status_code == 200
    rows = page.context["cl"].result_list
    assert [(r.table_name, r.action, r.user_id) for r in rows] == [("services", "UPDATE", other.pk)]
    assert "Brian Ochieng" in page.content.decode()
    # The admin's date filter counts in Nairobi time; the stored timestamp is UTC (21:00-24:00 UTC is
    # already the next day in Nairobi).
    today = timezone.localdate(page.context["cl"].result_list[0].timestamp)
    dated = staff_client.get(url, {"timestamp__year": today.year, "timestamp__month": today.month,
                                   "timestamp__day": today.day})
    assert dated.context["cl"].result_count >= 2
    system = staff_client.get(url, {"user": "none"})
    assert system.context["cl"].result_count == 0


def test_audit_rows_cannot_be_added_changed_or_deleted_in_the_admin(staff_client):
    ServiceFactory()
    assert staff_client.get(reverse("admin:audit_auditlog_add")).status_code == 403
    page = staff_client.get(reverse("admin:audit_auditlog_changelist"))
    assert "action-select" not in page.content.decode()  # no bulk delete


def test_service_history_reads_field_old_to_new_with_the_users_name(staff_client, superuser):
    service = ServiceFactory()
    with acting_as(superuser):
        service_start(service=service)
    page = staff_client.get(reverse("admin:servicing_service_history", args=[service.pk]))
    body = page.content.decode()
    assert "status: pending → in_progress" in body
    assert "Grace Wairimu" in body


def test_client_history_never_shows_contacts_in_clear(staff_client):
    client = ClientFactory(email="amina@example.co.ke")
    client.email = "amina.h@example.co.ke"
    client.save()
    body = staff_client.get(reverse("admin:clients_client_history", args=[client.pk])).content.decode()
    assert "email: [encrypted] → [encrypted]" in body
    assert "example.co.ke" not in body


def test_history_of_a_new_record_lists_only_the_values_it_has(staff_client):
    service = ServiceFactory(notes=None, service_type="Wheel Alignment")
    body = staff_client.get(reverse("admin:servicing_service_history", args=[service.pk])).content.decode()
    assert "service_type: — → Wheel Alignment" in body
    assert "notes:" not in body


def test_an_audit_row_opens_read_only_with_its_changes_in_words(staff_client, superuser):
    service = ServiceFactory()
    with acting_as(superuser):
        service_start(service=service)
    row = AuditLog.objects.get(table_name="services", record_id=service.pk, action="UPDATE")
    body = staff_client.get(reverse("admin:audit_auditlog_change", args=[row.pk])).content.decode()
    assert "status: pending → in_progress" in body
    assert "Grace Wairimu" in body
    assert 'name="_save"' not in body


def test_audit_list_filters_offer_the_trails_users_and_tables_without_reading_the_trail(staff_client, superuser):
    """The user choices are the staff members with a row, found by one probe each; the table choices
    by loose index scan; nothing counts or lists every audit row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    UserFactory(first_name="Nobody", last_name="Audited")
    with acting_as(superuser):
        ServiceFactory()
    with CaptureQueriesContext(connection) as ctx:
        page = staff_client.get(reverse("admin:audit_auditlog_changelist"))
    body = page.content.decode()
    assert "Grace Wairimu" in body and "Nobody Audited" not in body
    assert "?table_name=services" in body and "?table_name=clients" in body
    # (The table is small here, so its estimate is an exact count: concierge/tests/test_admin_speed.py.)
    trail = [q["sql"] for q in ctx.captured_queries if '"audit_logs"' in q["sql"] and "reltuples" not in q["sql"]]
    assert not any("DISTINCT" in sql.upper() or ("COUNT(" in sql.upper() and "LIMIT" not in sql.upper())
                   for sql in trail)
