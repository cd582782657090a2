"""Retention: months wholly past the period are dropped as partitions, the month the cutoff falls in
is trimmed row by row; everything younger stays."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from clients.portal.models import PortalInboxRead
from concierge.audit.models import AuditLog
from concierge.audit.services import retention_cutoff, retention_days, retention_purge
from concierge.db.owner_functions import NIL_UUID
from concierge.db.roles import owner_psycopg_connection
from concierge.audit.tasks import purge_expired_records
from concierge.db.partitions import add_months, create_month_partitions, list_partitions, month_start, partition_name
from notifications.models import Notification, NotificationStatus
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def age(table, column, ids, days):
    """Backdate notifications by raw SQL (moving them to another month's partition, or the default one).
    The application role may: the move is audited like any change (the audit rows are today's).
    Audit rows cannot be backdated by anyone but the owner: tests create them with an old timestamp."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = {column} - make_interval(days => %s) WHERE id = ANY(%s)",
                       [days, list(ids)])


def place(table, column, pk, when):
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE {table} SET "{column}" = %s WHERE id = %s', [when, pk])


@pytest.fixture
def recorded_period():
    """Set the retention period `migrate` records (the shortest the purge functions accept), as the
    owner, committed; put back afterwards."""
    with owner_psycopg_connection() as owner:
        kept = owner.execute("SELECT days FROM concierge_retention_policy").fetchone()[0]

    def record(months):
        with owner_psycopg_connection() as owner:
            owner.execute("UPDATE concierge_retention_policy SET days = %s", [retention_days(months)])

    yield record
    with owner_psycopg_connection() as owner:
        owner.execute("UPDATE concierge_retention_policy SET days = %s", [kept])


def months(table):
    return {p.start for p in list_partitions(table) if not p.is_default}


@pytest.fixture
def calendar():
    """Moments around the cutoff of a 24-month period, and partitions for their months."""
    now = timezone.now()
    cutoff = retention_cutoff(months=24, now=now)
    boundary = month_start(cutoff)
    moments = {  # aware UTC, for the ORM; month_start() and cutoffs are naive UTC like the columns
        label: when.replace(tzinfo=datetime.timezone.utc) for label, when in {
            "month before last, wholly expired": add_months(boundary, -2) + datetime.timedelta(days=3),
            "last month, wholly expired": add_months(boundary, -1) + datetime.timedelta(days=20),
            "boundary month, expired": boundary + (cutoff - boundary) / 2,
            "boundary month, not yet": cutoff + (add_months(boundary, 1) - cutoff) / 2,
        }.items()
    }
    for table in ("notifications", "audit_logs"):
        create_month_partitions(table, list(moments.values()))
    return now, boundary, moments


def test_expired_months_are_dropped_whole_the_boundary_month_trimmed_and_the_rest_kept(calendar):
    now, boundary, moments = calendar
    notes = {label: NotificationFactory() for label in moments}
    for label, when in moments.items():
        place("notifications", "created_at", notes[label].pk, when)
    # Failed messages were never sent (sent_at NULL): their age is when they were written.
    Notification.objects.filter(pk=notes["last month, wholly expired"].pk).update(
        status=NotificationStatus.FAILED, sent_at=None)
    PortalInboxRead.objects.create(notification_id=notes["month before last, wholly expired"].pk,
                                   notification_created_at=moments["month before last, wholly expired"])
    PortalInboxRead.objects.create(notification_id=notes["boundary month, not yet"].pk,
                                   notification_created_at=moments["boundary month, not yet"])
    audit = {label: AuditLog.objects.create(table_name="clients", record_id=uuid.uuid4(), action="INSERT",
                                            timestamp=when) for label, when in moments.items()}
    recent = NotificationFactory()

    # Placing the rows (raw UPDATEs moving them across partitions) was audited as delete + insert.
    placed = set(AuditLog.objects.values_list("pk", flat=True))

    counts = retention_purge(months=24, batch_size=1)

    assert counts == {"notifications": 3, "audit_logs": 3}
    expired = ["month before last, wholly expired", "last month, wholly expired", "boundary month, expired"]
    assert not Notification.objects.filter(pk__in=[notes[label].pk for label in expired]).exists()
    assert not AuditLog.objects.filter(pk__in=[audit[label].pk for label in expired]).exists()
    assert Notification.objects.filter(pk__in=[notes["boundary month, not yet"].pk, recent.pk]).count() == 2
    assert AuditLog.objects.filter(pk=audit["boundary month, not yet"].pk).exists()
    for table in ("notifications", "audit_logs"):
        assert add_months(boundary, -2) not in months(table) and add_months(boundary, -1) not in months(table)
        assert boundary in months(table)
    assert list(PortalInboxRead.objects.values_list("notification_id", flat=True)) == [
        notes["boundary month, not yet"].pk]
    # A purge is policy, not a change anyone made: no DELETE rows copying the old messages; one row per
    # month dropped or batch deleted says how many went.
    new_rows = AuditLog.objects.exclude(pk__in=placed)
    assert not new_rows.filter(table_name="notifications", action="DELETE").exclude(record_id=NIL_UUID).exists()
    summaries = AuditLog.objects.filter(table_name="notifications", record_id=NIL_UUID, action="DELETE")
    assert sum(row.new_values["rows"] for row in summaries) == 3


def test_expired_rows_in_the_default_partition_go_too():
    notification = NotificationFactory()
    age("notifications", "created_at", [notification.pk], days=3000)  # no month holds it: the default partition
    month = month_start(notification.created_at - datetime.timedelta(days=3000))
    assert partition_name("notifications", month) not in {p.name for p in list_partitions("notifications")}
    assert retention_purge(months=24)["notifications"] == 1
    assert not Notification.objects.filter(pk=notification.pk).exists()


def test_nothing_younger_than_the_period_is_touched():
    notes = NotificationFactory.create_batch(3)
    age("notifications", "created_at", [note.pk for note in notes], days=700)
    AuditLog.objects.create(table_name="clients", record_id=uuid.uuid4(), action="INSERT",
                            timestamp=timezone.now() - datetime.timedelta(days=700))
    before = AuditLog.objects.count()
    partitions = list_partitions("audit_logs")
    assert retention_purge(months=24) == {"notifications": 0, "audit_logs": 0}
    assert AuditLog.objects.count() == before
    assert Notification.objects.count() == 3
    assert list_partitions("audit_logs") == partitions


def test_the_beat_task_and_command_use_the_configured_period(settings, recorded_period):
    notification = NotificationFactory()
    age("notifications", "created_at", [notification.pk], days=40)
    recorded_period(1)  # as `migrate` would with AUDIT_RETENTION_MONTHS=1
    settings.AUDIT_RETENTION_MONTHS = 2
    assert purge_expired_records() == {"notifications": 0, "audit_logs": 0}
    settings.AUDIT_RETENTION_MONTHS = 1
    call_command("purge_expired_records", stdout=open("/dev/null", "w"))
    assert not Notification.objects.filter(pk=notification.pk).exists()


@pytest.mark.parametrize("months", [0, 1, 23])
def test_a_period_shorter_than_the_recorded_one_is_refused(months):
    # The application role could otherwise empty the audit trail by asking for a short period.
    row = AuditLog.objects.create(table_name="clients", record_id=uuid.uuid4(), action="INSERT",
                                  timestamp=timezone.now() - datetime.timedelta(days=40))
    with pytest.raises(DatabaseError, match="retention period of .* refused"), transaction.atomic():
        retention_purge(months=months)
    assert AuditLog.objects.filter(pk=row.pk).exists()
