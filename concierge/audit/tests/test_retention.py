"""Retention: months wholly past the period are dropped as partitions, the month the cutoff falls in
is trimmed row by row; everything younger stays."""

import datetime
import uuid

import pgtrigger
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from clients.portal.models import PortalInboxRead
from concierge.audit.context import audit_erasure
from concierge.audit.models import AuditLog
from concierge.audit.services import retention_cutoff, retention_purge
from concierge.audit.tasks import purge_expired_records
from concierge.db.partitions import add_months, create_month_partitions, list_partitions, month_start, partition_name
from notifications.models import Notification, NotificationStatus
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def age(table, column, ids, days):
    """Backdate rows by raw SQL (moving them to another month's partition, or the default one): audit
    rows through the same gate the erasure procedure uses, notifications without auditing the move."""
    with audit_erasure(), pgtrigger.ignore("notifications.Notification:audit"), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = {column} - make_interval(days => %s) WHERE id = ANY(%s)",
                       [days, list(ids)])


def place(table, column, pk, when):
    with audit_erasure(), pgtrigger.ignore("notifications.Notification:audit"), connection.cursor() as cursor:
        cursor.execute(f'UPDATE {table} SET "{column}" = %s WHERE id = %s', [when, pk])


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

    counts = retention_purge(months=24, batch_size=1, now=now)

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
    # A purge is policy, not a change anyone made: no DELETE rows copying the old messages.
    assert not AuditLog.objects.filter(table_name="notifications", action="DELETE").exists()


def test_expired_rows_in_the_default_partition_go_too():
    notification = NotificationFactory()
    age("notifications", "created_at", [notification.pk], days=3000)  # no month holds it: the default partition
    month = month_start(notification.created_at - datetime.timedelta(days=3000))
    assert partition_name("notifications", month) not in {p.name for p in list_partitions("notifications")}
    assert retention_purge(months=24)["notifications"] == 1
    assert not Notification.objects.filter(pk=notification.pk).exists()


def test_nothing_younger_than_the_period_is_touched():
    NotificationFactory.create_batch(3)
    before = AuditLog.objects.count()
    partitions = list_partitions("audit_logs")
    assert retention_purge(months=24, now=timezone.now() + datetime.timedelta(days=700)) == {
        "notifications": 0, "audit_logs": 0}
    assert AuditLog.objects.count() == before
    assert Notification.objects.count() == 3
    assert list_partitions("audit_logs") == partitions


def test_the_beat_task_and_command_use_the_configured_period(settings):
    notification = NotificationFactory()
    age("notifications", "created_at", [notification.pk], days=40)
    settings.AUDIT_RETENTION_MONTHS = 2
    assert purge_expired_records() == {"notifications": 0, "audit_logs": 0}
    settings.AUDIT_RETENTION_MONTHS = 1
    call_command("purge_expired_records", stdout=open("/dev/null", "w"))
    assert not Notification.objects.filter(pk=notification.pk).exists()
