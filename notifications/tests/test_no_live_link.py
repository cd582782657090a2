"""No live link stored in clear: a sign-in link and status links reach the client working, while no
text or JSON column of any table (audit rows included) and no admin page holds one. Through the real
path: the portal's sign-in form, staff's "send status link" page and a workflow, a real worker, the
fake Africa's Talking."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import login_verified
from concierge.workflows.defaults import install_default_workflows
from notifications.models import Notification, NotificationStatus, NotificationType
from concierge.processes import wait_until
from servicing.models import ServiceStatus
from servicing.services import service_complete
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)
LINK = re.compile(r"https?://\S+?/(?:portal/(?P<kind>sign-in)|(?P<short>s))/(?P<token>[A-Za-z0-9_-]{20,})/?")


def text_columns():
    """Every text-like and JSON column of every table in the database (partitions included)."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT c.table_schema, c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE t.table_type = 'BASE TABLE'
              AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
              AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')
        """)
        return cursor.fetchall()


def columns_holding(needles):
    """(table.column, needle) for every column with a value containing one of the needles."""
    found = []
    with connection.cursor() as cursor:
        for schema, table, column in text_columns():
            for needle in needles:
                cursor.execute(
                    f'SELECT 1 FROM "{schema}"."{table}" WHERE strpos("{column}"::text, %s) > 0 LIMIT 1', [needle]
                )
                if cursor.fetchone():
                    found.append((f"{table}.{column}", needle))
    return found


def test_no_table_and_no_admin_page_holds_a_live_link_and_the_links_sent_work(
    start_celery, sms_provider, client, superuser,
):
    install_default_workflows()  # "job completed" texts {{ status_link }}
    owner = ClientFactory(phone="+254722000444", first_name="Nyambura")
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS, vehicle__client=owner, vehicle__license_plate="KDG 456H")
    start_celery("worker")

    # A sign-in request on the portal, staff sending the status link, and a workflow's status link.
    assert client.post(reverse("portal:sign_in"), {"contact": "0722 000 444"}).status_code == 302
    staff = Client()
    login_verified(staff, superuser)
    assert staff.post(reverse("admin:portal_portaltoken_status_link", args=[job.pk]), {"send": "sms"}).status_code == 302
    service_complete(service=job)
    assert wait_until(lambda: len(sms_provider.accepted) == 3, timeout=30)
    assert wait_until(lambda: not Notification.objects.filter(status=NotificationStatus.PENDING).exists(), timeout=10)

    links = [m for form in sms_provider.accepted for m in LINK.finditer(form["message"])]
    assert sorted(m["kind"] or m["short"] for m in links) == ["s", "s", "sign-in"]
    tokens = [m["token"] for m in links]

    # The scan reaches every table: it finds what is stored (the plate, the placeholders), not a link.
    assert ("vehicles.license_plate", "KDG 456H") in columns_holding(["KDG 456H"])
    assert columns_holding(tokens) == []
    assert columns_holding([m[0] for m in links]) == []
    stored = columns_holding(["[sign-in link]", "[status link]"])  # what is kept instead
    assert ("notifications.message", "[sign-in link]") in stored and ("audit_logs.new_values", "[status link]") in stored

    # Nor does any admin page that shows these messages.
    pages = [reverse("admin:notifications_notification_changelist")] + [
        reverse("admin:notifications_notification_change", args=[n.pk]) for n in Notification.objects.all()
    ]
    for page in pages:
        html = staff.get(page).content.decode()
        assert not any(token in html for token in tokens), page

    # And the links the client got work: the sign-in link signs in, the status links open the job.
    for match in links:
        path = "/" + match[0].split("/", 3)[3]
        if match["kind"] == "sign-in":
            phone = Client()
            assert "Nyambura" in phone.get(path).content.decode()
            assert phone.post(path)["Location"] == reverse("portal:vehicles")
        else:
            page = Client().get(path)
            assert page.status_code == 200 and "KDG 456H" in page.content.decode()
    sms = Notification.objects.filter(channel=NotificationType.SMS)
    assert all(n.status == NotificationStatus.SENT for n in sms)
