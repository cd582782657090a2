"""The owner's schema design (described table by table in docs/schema.md) is the contract for the
schema: these tests read the database's own catalogue and make it refuse bad rows, through raw SQL as well as the ORM."""

import datetime
import uuid

import pgtrigger
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.utils import DataError

from clients.portal.models import PortalInboxRead
from clients.tests.factories import ClientFactory
from concierge.crypto import keys
from fleet.models import Vehicle
from fleet.tests.factories import VehicleFactory
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory
from servicing.models import Service
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

# (table, column) -> (type as information_schema names it, character length, nullable)
SEED_COLUMNS = {
    ("clients", "id"): ("uuid", None, "NO"),
    ("clients", "first_name"): ("character varying", 100, "NO"),
    ("clients", "last_name"): ("character varying", 100, "NO"),
    ("clients", "email"): ("character varying", 255, "NO"),
    # Widened from the seed's 20: the column holds a Fernet token (docs/audit-and-privacy.md).
    ("clients", "phone"): ("character varying", 255, "YES"),
    ("clients", "address"): ("text", None, "YES"),
    ("clients", "consent_gdpr"): ("boolean", None, "NO"),
    ("clients", "created_at"): ("timestamp without time zone", None, "NO"),
    ("clients", "updated_at"): ("timestamp without time zone", None, "NO"),
    ("vehicles", "id"): ("uuid", None, "NO"),
    ("vehicles", "client_id"): ("uuid", None, "NO"),
    ("vehicles", "make"): ("character varying", 50, "NO"),
    ("vehicles", "model"): ("character varying", 50, "NO"),
    ("vehicles", "year"): ("integer", None, "YES"),
    ("vehicles", "vin"): ("character varying", 17, "NO"),
    ("vehicles", "license_plate"): ("character varying", 20, "YES"),
    ("vehicles", "mileage"): ("integer", None, "NO"),
    ("vehicles", "metadata"): ("jsonb", None, "YES"),
    ("vehicles", "created_at"): ("timestamp without time zone", None, "NO"),
    ("vehicles", "updated_at"): ("timestamp without time zone", None, "NO"),
    ("services", "id"): ("uuid", None, "NO"),
    ("services", "vehicle_id"): ("uuid", None, "NO"),
    ("services", "service_type"): ("character varying", 100, "NO"),
    ("services", "description"): ("text", None, "YES"),
    ("services", "status"): ("USER-DEFINED", None, "NO"),
    ("services", "scheduled_date"): ("date", None, "YES"),
    ("services", "completed_date"): ("date", None, "YES"),
    ("services", "cost"): ("numeric", None, "NO"),
    ("services", "technician"): ("character varying", 100, "YES"),
    ("services", "notes"): ("text", None, "YES"),
    ("services", "created_at"): ("timestamp without time zone", None, "NO"),
    ("services", "updated_at"): ("timestamp without time zone", None, "NO"),
    ("notifications", "id"): ("uuid", None, "NO"),
    ("notifications", "client_id"): ("uuid", None, "YES"),
    ("notifications", "vehicle_id"): ("uuid", None, "YES"),
    ("notifications", "service_id"): ("uuid", None, "YES"),
    ("notifications", "type"): ("USER-DEFINED", None, "NO"),
    ("notifications", "message"): ("text", None, "NO"),
    ("notifications", "sent_at"): ("timestamp without time zone", None, "YES"),
    ("notifications", "status"): ("character varying", 20, "NO"),
    ("workflows", "id"): ("uuid", None, "NO"),
    ("workflows", "name"): ("character varying", 100, "NO"),
    ("workflows", "trigger_event"): ("character varying", 100, "NO"),
    ("workflows", "actions"): ("jsonb", None, "NO"),
    ("workflows", "active"): ("boolean", None, "NO"),
    ("workflows", "created_at"): ("timestamp without time zone", None, "NO"),
    ("audit_logs", "id"): ("uuid", None, "NO"),
    ("audit_logs", "table_name"): ("character varying", 50, "NO"),
    ("audit_logs", "record_id"): ("uuid", None, "NO"),
    ("audit_logs", "action"): ("character varying", 10, "NO"),
    ("audit_logs", "old_values"): ("jsonb", None, "YES"),
    ("audit_logs", "new_values"): ("jsonb", None, "YES"),
    ("audit_logs", "user_id"): ("uuid", None, "YES"),
    ("audit_logs", "timestamp"): ("timestamp without time zone", None, "NO"),
}


def fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rejects(sql, params=(), error=IntegrityError):
    with pytest.raises(error), transaction.atomic():
        execute(sql, params)


@pytest.mark.parametrize("table,column", sorted(SEED_COLUMNS))
def test_seed_column_type_length_and_nullability(table, column):
    rows = fetch(
        "SELECT data_type, character_maximum_length, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s AND column_name = %s",
        [table, column],
    )
    assert rows == [SEED_COLUMNS[(table, column)]]


def test_cost_is_decimal_10_2():
    assert fetch(
        "SELECT numeric_precision, numeric_scale FROM information_schema.columns "
        "WHERE table_name = 'services' AND column_name = 'cost'"
    ) == [(10, 2)]


@pytest.mark.parametrize(
    "enum,labels",
    [("service_status", ["pending", "in_progress", "completed", "cancelled"]), ("notification_type", ["SMS", "email", "in_app"])],
)
def test_seed_enum_types_exist_with_their_labels(enum, labels):
    rows = fetch(
        "SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = %s ORDER BY e.enumsortorder",
        [enum],
    )
    assert [r[0] for r in rows] == labels


@pytest.mark.parametrize(
    "table,columns,method,unique",
    [
        ("clients", "created_at", "btree", False),
        ("clients", "email", "btree", True),
        ("vehicles", "make, model", "btree", False),
        ("vehicles", "metadata", "gin", False),
        ("vehicles", "vin", "btree", True),
        ("vehicles", "license_plate", "btree", True),
        ("vehicles", "client_id", "btree", False),
        ("services", "status, scheduled_date", "btree", False),
        ("services", "service_type", "btree", False),
        ("services", "vehicle_id", "btree", False),
        ("notifications", "sent_at, status", "btree", False),
        ("notifications", "client_id", "btree", False),
        ("notifications", "vehicle_id", "btree", False),
        ("notifications", "service_id", "btree", False),
        ("workflows", "trigger_event, active", "btree", False),
        ("audit_logs", 'table_name, record_id, "timestamp"', "btree", False),
    ],
)
def test_seed_index_exists(table, columns, method, unique):
    definitions = [r[0] for r in fetch("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])]
    wanted = f"USING {method} ({columns})"
    matching = [d for d in definitions if d.endswith(wanted) and ("UNIQUE" in d) == unique]
    assert matching, f"no {'unique ' if unique else ''}{method} index on {table}({columns}) in {definitions}"


@pytest.mark.parametrize(
    "table,column,referenced",
    [
        ("vehicles", "client_id", "clients"),
        ("services", "vehicle_id", "vehicles"),
        ("notifications", "client_id", "clients"),
        ("notifications", "vehicle_id", "vehicles"),
        ("notifications", "service_id", "services"),
    ],
)
def test_foreign_keys_cascade_in_the_database(table, column, referenced):
    rows = fetch(
        """SELECT c.confdeltype, c.confrelid::regclass::text FROM pg_constraint c
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
           WHERE c.conrelid = %s::regclass AND c.contype = 'f' AND a.attname = %s""",
        [table, column],
    )
    assert rows == [("c", referenced)]


@pytest.mark.parametrize(
    "table,key,key_sql", [("notifications", "created_at", "created_at"), ("audit_logs", "timestamp", '"timestamp"')]
)
def test_notifications_and_audit_logs_are_partitioned_by_month_with_the_key_in_the_primary_key(table, key, key_sql):
    # Where we differ from the seed (README, Schema): a partitioned table's primary key must hold the
    # partition key, so the seed's PRIMARY KEY (id) is (id, <key>) here; its index leads with id.
    assert fetch("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [table]) == [("p",)]
    assert fetch("SELECT pg_get_partkeydef(%s::regclass)", [table]) == [(f"RANGE ({key_sql})",)]
    assert fetch(
        """SELECT array_agg(a.attname ORDER BY k.i) FROM pg_constraint c, unnest(c.conkey) WITH ORDINALITY k(n, i)
           JOIN pg_attribute a ON a.attnum = k.n WHERE c.conrelid = %s::regclass AND a.attrelid = c.conrelid
           AND c.contype = 'p'""",
        [table],
    ) == [(["id", key],)]
    this_month = datetime.datetime.now(datetime.timezone.utc).strftime("%Y_%m")
    partitions = {r[0]: r[1] for r in fetch(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass", [table])}
    assert partitions[f"{table}_{this_month}"].startswith("FOR VALUES FROM (")
    assert partitions[f"{table}_default"] == "DEFAULT"


def test_inbox_read_marks_point_at_notifications_by_id_and_partition_key_and_cascade():
    assert fetch(
        """SELECT c.confdeltype, c.confrelid::regclass::text,
                  ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = ANY (c.conkey) ORDER BY attnum),
                  ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = c.confrelid AND attnum = ANY (c.confkey) ORDER BY attnum)
           FROM pg_constraint c WHERE c.conrelid = 'portal_inbox_reads'::regclass AND c.contype = 'f' AND c.conparentid = 0"""
    ) == [("c", "notifications", ["notification_id", "notification_created_at"], ["id", "created_at"])]


class TestDatabaseDefaults:
    def test_raw_insert_gets_the_seed_defaults(self):
        # email is stored encrypted, beside its keyed hash (docs/audit-and-privacy.md).
        client_id = fetch(
            "INSERT INTO clients (first_name, last_name, email, email_hash) VALUES ('Amina', 'Hassan', %s, %s) "
            "RETURNING id",
            [keys.encrypt("amina@example.co.ke"), keys.keyed_hash("amina@example.co.ke")],
        )[0][0]
        assert isinstance(client_id, uuid.UUID)
        consent, created, updated = fetch(
            "SELECT consent_gdpr, created_at, updated_at FROM clients WHERE id = %s", [client_id]
        )[0]
        assert consent is False and created is not None and updated is not None

        vehicle_id = fetch(
            "INSERT INTO vehicles (client_id, make, model, vin) VALUES (%s, 'Toyota', 'Probox', 'JTDBT923000000001') "
            "RETURNING id",
            [client_id],
        )[0][0]
        assert fetch("SELECT mileage FROM vehicles WHERE id = %s", [vehicle_id]) == [(0,)]

        service_id = fetch(
            "INSERT INTO services (vehicle_id, service_type) VALUES (%s, 'Oil Change') RETURNING id", [vehicle_id]
        )[0][0]
        status, cost = fetch("SELECT status::text, cost::text FROM services WHERE id = %s", [service_id])[0]
        assert (status, cost) == ("pending", "0.00")

        status, sent_at = fetch(
            "INSERT INTO notifications (client_id, type, message) VALUES (%s, 'SMS', 'Hello') RETURNING status, sent_at",
            [client_id],
        )[0]
        assert status == "sent" and sent_at is not None

        assert fetch(
            "INSERT INTO workflows (name, trigger_event, actions) VALUES ('w', 'service_completed', '[]') RETURNING active"
        ) == [(True,)]

    def test_orm_reads_back_database_generated_values(self):
        client = ClientFactory()
        client.refresh_from_db()
        assert client.created_at.tzinfo is not None
        assert abs(client.created_at - datetime.datetime.now(datetime.timezone.utc)) < datetime.timedelta(minutes=5)

    @pytest.mark.parametrize("table", ["clients", "vehicles", "services"])
    def test_updated_at_moves_on_raw_sql_update(self, table):
        service = ServiceFactory()
        record_id = {"clients": service.vehicle.client_id, "vehicles": service.vehicle_id, "services": service.id}[table]
        execute(f"UPDATE {table} SET updated_at = '2001-01-01', created_at = '2001-01-01' WHERE id = %s", [record_id])
        assert fetch(f"SELECT updated_at > '2001-01-02', created_at FROM {table} WHERE id = %s", [record_id]) == [
            (True, datetime.datetime(2001, 1, 1))
        ]

    @pytest.mark.owner_role  # pgtrigger.ignore is honoured for the owner role only
    def test_updated_at_moves_on_orm_queryset_update(self):
        service = ServiceFactory()
        # The trigger off for this one statement, to plant an old updated_at.
        with pgtrigger.ignore("servicing.Service:set_updated_at"):
            execute("UPDATE services SET updated_at = '2001-01-01' WHERE id = %s", [service.id])
        Service.objects.filter(pk=service.pk).update(notes="Customer waiting")
        service.refresh_from_db()
        assert service.updated_at.year > 2001


class TestRejectedRows:
    def test_year_1850_is_rejected_by_raw_sql(self):
        client = ClientFactory()
        rejects(
            "INSERT INTO vehicles (client_id, make, model, vin, year) VALUES (%s, 'Ford', 'T', 'XXXXXXXXXXXXXXXX1', 1850)",
            [client.id],
        )

    def test_year_1850_is_rejected_through_the_orm(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            VehicleFactory(year=1850)

    def test_year_after_next_is_rejected_and_next_year_accepted(self):
        next_year = datetime.date.today().year + 1
        with pytest.raises(IntegrityError), transaction.atomic():
            VehicleFactory(year=next_year + 1)
        assert VehicleFactory(year=next_year).year == next_year

    def test_completed_before_scheduled_is_rejected(self):
        vehicle = VehicleFactory()
        rejects(
            "INSERT INTO services (vehicle_id, service_type, scheduled_date, completed_date) "
            "VALUES (%s, 'Brakes', '2026-03-10', '2026-03-09')",
            [vehicle.id],
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            ServiceFactory(
                vehicle=vehicle, scheduled_date=datetime.date(2026, 3, 10), completed_date=datetime.date(2026, 3, 9)
            )

    def test_unknown_service_status_is_rejected(self):
        vehicle = VehicleFactory()
        rejects(
            "INSERT INTO services (vehicle_id, service_type, status) VALUES (%s, 'Brakes', 'done')",
            [vehicle.id],
            error=DataError,
        )
        # The ORM refuses it before the query (concierge.db.fields.PgEnumField), as a bad value.
        with pytest.raises(ValidationError), transaction.atomic():
            ServiceFactory(vehicle=vehicle, status="done")

    def test_unknown_notification_type_and_status_are_rejected(self):
        client = ClientFactory()
        rejects("INSERT INTO notifications (client_id, type, message) VALUES (%s, 'fax', 'x')", [client.id], DataError)
        rejects(
            "INSERT INTO notifications (client_id, type, message, status) VALUES (%s, 'SMS', 'x', 'bounced')",
            [client.id],
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            NotificationFactory(status="bounced")

    def test_unknown_audit_action_is_rejected(self):
        rejects(
            "INSERT INTO audit_logs (table_name, record_id, action) VALUES ('clients', gen_random_uuid(), 'TRUNCATE')"
        )

    @pytest.mark.parametrize("field", ["vin", "license_plate"])
    def test_duplicate_vehicle_identifiers_are_rejected(self, field):
        first = VehicleFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            VehicleFactory(**{field: getattr(first, field)})
        rejects(
            "INSERT INTO vehicles (client_id, make, model, vin, license_plate) VALUES (%s, 'Mazda', 'Demio', %s, %s)",
            [
                first.client_id,
                first.vin if field == "vin" else "MAZDA000000000001",
                first.license_plate if field == "license_plate" else "KDZ 999Z",
            ],
        )

    def test_duplicate_email_is_rejected(self):
        first = ClientFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            ClientFactory(email=first.email)
        # A fresh ciphertext of the same address: the keyed hash is what stays equal.
        rejects(
            "INSERT INTO clients (first_name, last_name, email, email_hash) VALUES ('A', 'B', %s, %s)",
            [keys.encrypt(first.email), keys.keyed_hash(first.email)],
        )


class TestCascades:
    def test_deleting_a_client_by_raw_sql_removes_vehicles_services_notifications_and_read_marks(self):
        notification = NotificationFactory()
        service = notification.service
        vehicle = service.vehicle
        client = vehicle.client
        other = NotificationFactory()
        for each in (notification, other):
            PortalInboxRead.objects.create(notification=each, notification_created_at=each.created_at)

        execute("DELETE FROM clients WHERE id = %s", [client.id])

        assert not Vehicle.objects.filter(pk=vehicle.pk).exists()
        assert not Service.objects.filter(pk=service.pk).exists()
        assert not Notification.objects.filter(pk=notification.pk).exists()
        assert Notification.objects.filter(pk=other.pk).exists()
        assert list(PortalInboxRead.objects.values_list("notification_id", flat=True)) == [other.pk]

    def test_deleting_a_service_by_raw_sql_removes_its_notifications_only(self):
        notification = NotificationFactory()
        execute("DELETE FROM services WHERE id = %s", [notification.service_id])
        assert not Notification.objects.filter(pk=notification.pk).exists()
        assert Vehicle.objects.filter(pk=notification.vehicle_id).exists()
