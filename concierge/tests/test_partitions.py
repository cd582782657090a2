"""Monthly partitions (concierge/db/partitions.py): made ahead, strays moved home, expired months dropped,
and a plain table with rows converted, keeping everything it had."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from clients.portal.models import PortalInboxRead
from clients.tests.factories import ClientFactory
from concierge.audit.models import AuditLog
from concierge.db.partitions import (
    add_months,
    create_month_partitions,
    default_partition_name,
    drop_partitions_before,
    ensure_monthly_partitions,
    list_partitions,
    month_start,
    partition_name,
)
from concierge.db.partitions_convert import convert_to_monthly_partitions, convert_to_plain_table
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def naive_utc(moment):
    return timezone.make_naive(moment, datetime.timezone.utc)


def utc(naive):
    # The ORM takes aware datetimes (a naive one would be read as Nairobi time); month_start() gives naive UTC.
    return naive.replace(tzinfo=datetime.timezone.utc)


def home(table, pk):
    """The partition holding the row."""
    return fetch(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])[0][0]


def months_of(table):
    return {p.start for p in list_partitions(table) if not p.is_default}


def insert_notification(client, created_at):
    # created_at is the database's to set: raw SQL, as an import or a skewed clock would write it.
    return fetch(
        "INSERT INTO notifications (client_id, type, message, created_at) VALUES (%s, 'in_app', 'Hello', %s) RETURNING id",
        [client.pk, created_at],
    )[0][0]


@pytest.mark.parametrize("table", ["notifications", "audit_logs"])
def test_ensure_makes_this_month_and_the_months_ahead_once(table):
    later = timezone.now() + datetime.timedelta(days=400)
    wanted = {add_months(month_start(later), k) for k in range(3)}
    assert not wanted & months_of(table)

    created = ensure_monthly_partitions(table, months_ahead=2, now=later)

    assert created == [partition_name(table, month) for month in sorted(wanted)]
    assert wanted <= months_of(table)
    assert ensure_monthly_partitions(table, months_ahead=2, now=later) == []


def test_a_fresh_database_has_this_month_the_next_three_and_a_default_partition():
    this_month = month_start(timezone.now())
    assert {add_months(this_month, k) for k in range(4)} <= months_of("notifications")
    assert {add_months(this_month, k) for k in range(4)} <= months_of("audit_logs")
    assert [p.name for p in list_partitions("audit_logs") if p.is_default] == ["audit_logs_default"]


def test_a_row_dated_past_every_month_is_taken_by_the_default_partition_then_moved_to_its_month():
    client = ClientFactory()
    far = timezone.now() + datetime.timedelta(days=800)
    pk = insert_notification(client, far)
    PortalInboxRead.objects.create(notification_id=pk, notification_created_at=far)
    stray_audit = AuditLog.objects.create(table_name="clients", record_id=client.pk, action="UPDATE", timestamp=far)
    assert home("notifications", pk) == "notifications_default"
    assert home("audit_logs", stray_audit.pk) == "audit_logs_default"
    audit_rows_before = AuditLog.objects.filter(table_name="notifications", record_id=pk).count()

    created = ensure_monthly_partitions("notifications", months_ahead=3)
    ensure_monthly_partitions("audit_logs", months_ahead=3)

    month = partition_name("notifications", month_start(far))
    assert month in created
    assert home("notifications", pk) == month
    assert home("audit_logs", stray_audit.pk) == partition_name("audit_logs", month_start(far))
    assert not fetch("SELECT 1 FROM notifications_default") and not fetch("SELECT 1 FROM audit_logs_default")
    # The read mark pointing at it survived the move (its ON DELETE CASCADE would have removed it).
    assert PortalInboxRead.objects.filter(notification_id=pk).exists()
    # A move is not a change: no audit rows for it.
    assert AuditLog.objects.filter(table_name="notifications", record_id=pk).count() == audit_rows_before


@pytest.mark.owner_role  # a free cutoff: the owner's function (retention takes the recorded period)
def test_dropping_takes_whole_months_before_the_cutoff_with_the_read_marks_pointing_into_them():
    client = ClientFactory()
    first = month_start(timezone.now() - datetime.timedelta(days=1200))
    second = add_months(first, 1)
    create_month_partitions("notifications", [first, second])
    old, kept = (insert_notification(client, utc(month + datetime.timedelta(days=3))) for month in (first, second))
    for pk in (old, kept):
        PortalInboxRead.objects.create(notification_id=pk, notification_created_at=Notification.objects.get(pk=pk).created_at)

    # The cutoff falls inside the second month: only the first is wholly before it.
    dropped = drop_partitions_before("notifications", second + datetime.timedelta(days=10))

    assert dropped == [(partition_name("notifications", first), 1)]
    assert first not in months_of("notifications") and second in months_of("notifications")
    assert not Notification.objects.filter(pk=old).exists()
    assert Notification.objects.filter(pk=kept).exists()
    assert list(PortalInboxRead.objects.values_list("notification_id", flat=True)) == [kept]


def test_triggers_fire_on_every_partition_including_one_made_later():
    far = timezone.now() + datetime.timedelta(days=2000)
    create_month_partitions("notifications", [far])
    create_month_partitions("audit_logs", [far])
    pk = insert_notification(ClientFactory(), far)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE notifications SET status = 'failed' WHERE id = %s", [pk])
    assert home("notifications", pk) == partition_name("notifications", month_start(far))
    assert set(AuditLog.objects.filter(table_name="notifications", record_id=pk).values_list("action", flat=True)) == {
        "INSERT", "UPDATE"}
    row = AuditLog.objects.create(table_name="clients", record_id=uuid.uuid4(), action="INSERT", timestamp=far)
    month = partition_name("audit_logs", month_start(far))
    for sql in (f"UPDATE {month} SET action = 'DELETE' WHERE id = %s", f"DELETE FROM {month} WHERE id = %s",
                "DELETE FROM audit_logs WHERE id = %s"):
        # The application role has no UPDATE/DELETE grant on audit_logs nor on any of its partitions.
        with pytest.raises(Exception, match="permission denied for table audit_logs"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [row.pk])


def test_pgtrigger_sees_its_triggers_installed_and_nothing_to_prune(capsys):
    call_command("pgtrigger", "ls")  # prints; cloned triggers on partitions must not show as prunable
    listing = capsys.readouterr().out
    assert "notifications.Notification:audit" in listing and "audit.AuditLog:protect_audit_logs" in listing
    for status in ("PRUNE", "OUTDATED", "UNINSTALLED"):
        assert status not in listing


@pytest.fixture
def probe():
    """A plain table with what the real ones have: default, CHECK, index, foreign key, trigger with a comment."""
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE TABLE partition_probe (
                id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
                note varchar(10) NOT NULL CONSTRAINT partition_probe_note_check CHECK (note <> 'BAD'));
            CREATE INDEX partition_probe_note_idx ON partition_probe (note);
            CREATE FUNCTION partition_probe_shout() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN NEW.note := upper(NEW.note); RETURN NEW; END $$;
            CREATE TRIGGER partition_probe_shout BEFORE INSERT ON partition_probe
                FOR EACH ROW EXECUTE FUNCTION partition_probe_shout();
            COMMENT ON TRIGGER partition_probe_shout ON partition_probe IS 'hash-123';
        """)
    return ClientFactory()


@pytest.mark.owner_role  # a migration's work
def test_a_table_with_rows_is_converted_keeping_rows_names_and_rules(probe):
    client = probe
    dates = [datetime.datetime(2024, 1, 15, 9), datetime.datetime(2024, 3, 2, 23, 59), naive_utc(timezone.now())]
    ids = [fetch("INSERT INTO partition_probe (client_id, at, note) VALUES (%s, %s, 'ok') RETURNING id",
                 [client.pk, at])[0][0] for at in dates]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses with checks pending

    convert_to_monthly_partitions("partition_probe", "at", months_ahead=1)

    assert fetch("SELECT relkind FROM pg_class WHERE relname = 'partition_probe'") == [("p",)]
    assert fetch("SELECT id, at, note FROM partition_probe ORDER BY at") == [(pk, at, "OK") for pk, at in zip(ids, dates)]
    # Every month from the oldest row on, the empty February too, then the month ahead and the default.
    months = months_of("partition_probe")
    this_month = month_start(timezone.now())
    assert {datetime.datetime(2024, 1, 1), datetime.datetime(2024, 2, 1), this_month, add_months(this_month, 1)} <= months
    assert len(months) == (this_month.year - 2024) * 12 + this_month.month + 1
    assert home("partition_probe", ids[0]) == "partition_probe_2024_01"
    assert default_partition_name("partition_probe") in {p.name for p in list_partitions("partition_probe")}
    assert fetch("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'partition_probe_pkey'") == [
        ("PRIMARY KEY (id, at)",)]
    assert fetch("SELECT 1 FROM pg_indexes WHERE indexname = 'partition_probe_note_idx'") == [(1,)]
    assert fetch("SELECT obj_description(oid, 'pg_trigger') FROM pg_trigger "
                 "WHERE tgrelid = 'partition_probe'::regclass AND tgname = 'partition_probe_shout'") == [("hash-123",)]
    # The rules still hold, on old months and new rows alike.
    with pytest.raises(IntegrityError), transaction.atomic():
        fetch("INSERT INTO partition_probe (client_id, note) VALUES (%s, 'bad') RETURNING id", [client.pk])
    new = fetch("INSERT INTO partition_probe (client_id, note) VALUES (%s, 'quiet') RETURNING id, note", [client.pk])
    assert new[0][1] == "QUIET"
    fetch("DELETE FROM clients WHERE id = %s RETURNING id", [client.pk])
    assert fetch("SELECT count(*) FROM partition_probe") == [(0,)]


@pytest.mark.owner_role  # a migration's work
def test_a_table_still_referenced_by_a_one_column_key_is_refused(probe):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE partition_probe_ref (probe_id uuid REFERENCES partition_probe (id))")
    with pytest.raises(ValueError, match="partition_probe_ref"):
        convert_to_monthly_partitions("partition_probe", "at", months_ahead=1)
    assert fetch("SELECT relkind FROM pg_class WHERE relname = 'partition_probe'") == [("r",)]


@pytest.mark.owner_role  # a migration's work
def test_a_converted_table_goes_back_to_a_plain_one_when_the_migration_is_unapplied(probe):
    ids = [fetch("INSERT INTO partition_probe (client_id, at, note) VALUES (%s, %s, 'ok') RETURNING id",
                 [probe.pk, at])[0][0] for at in (datetime.datetime(2024, 1, 15), naive_utc(timezone.now()))]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    convert_to_monthly_partitions("partition_probe", "at", months_ahead=1)

    convert_to_plain_table("partition_probe", "at")

    assert fetch("SELECT relkind FROM pg_class WHERE relname = 'partition_probe'") == [("r",)]
    assert not fetch("SELECT 1 FROM pg_class WHERE relname LIKE 'partition_probe_20%%' OR relname = 'partition_probe_default'")
    assert sorted(r[0] for r in fetch("SELECT id FROM partition_probe")) == sorted(ids)
    assert fetch("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'partition_probe_pkey'") == [
        ("PRIMARY KEY (id)",)]
    assert fetch("SELECT indexdef FROM pg_indexes WHERE indexname = 'partition_probe_note_idx'") == [
        ("CREATE INDEX partition_probe_note_idx ON public.partition_probe USING btree (note)",)]
    assert fetch("SELECT obj_description(oid, 'pg_trigger') FROM pg_trigger WHERE tgname = 'partition_probe_shout'") == [
        ("hash-123",)]
