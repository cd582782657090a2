"""Retention: notifications and audit rows past the period go, in batches; recent ones stay."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from concierge.audit.context import audit_erasure
from concierge.audit.models import AuditLog
from concierge.audit.services import retention_purge
from concierge.audit.tasks import purge_expired_records
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def age(table, column, ids, days):
    """Backdate rows by raw SQL; audit rows through the same gate the erasure procedure uses."""
    with audit_erasure(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = {column} - make_interval(days => %s) WHERE id = ANY(%s)",
                       [days, list(ids)])


def test_rows_older_than_the_period_are_purged_in_batches_and_recent_ones_kept():
    old = NotificationFactory.create_batch(5)
    recent = NotificationFactory()
    age("notifications", "sent_at", [n.pk for n in old], days=800)
    old_audit = list(AuditLog.objects.values_list("pk", flat=True))
    age("audit_logs", "timestamp", old_audit, days=800)
    NotificationFactory()  # fresh audit rows

    counts = retention_purge(months=24, batch_size=2)

    assert counts == {"notifications": 5, "audit_logs": len(old_audit)}
    assert set(Notification.objects.values_list("pk", flat=True)) >= {recent.pk}
    assert not Notification.objects.filter(pk__in=[n.pk for n in old]).exists()
    assert not AuditLog.objects.filter(pk__in=old_audit).exists()
    assert AuditLog.objects.exists()
    # A purge is policy, not a change anyone made: no DELETE rows copying the old messages.
    assert not AuditLog.objects.filter(table_name="notifications", action="DELETE").exists()


def test_nothing_younger_than_the_period_is_touched():
    NotificationFactory.create_batch(3)
    before = AuditLog.objects.count()
    assert retention_purge(months=24, now=timezone.now() + datetime.timedelta(days=700)) == {
        "notifications": 0, "audit_logs": 0}
    assert AuditLog.objects.count() == before


def test_the_beat_task_and_command_use_the_configured_period(settings):
    notification = NotificationFactory()
    age("notifications", "sent_at", [notification.pk], days=40)
    settings.AUDIT_RETENTION_MONTHS = 2
    assert purge_expired_records() == {"notifications": 0, "audit_logs": 0}
    settings.AUDIT_RETENTION_MONTHS = 1
    call_command("purge_expired_records", stdout=open("/dev/null", "w"))
    assert not Notification.objects.filter(pk=notification.pk).exists()
