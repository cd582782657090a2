"""The audit trail cannot be rewritten from SQL by the role the web and workers connect as.

Each attack runs on a connection of its own as the application role (DATABASE_URL's user), as a
stolen application password would, and is refused. Nothing it tries is committed.
"""

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from concierge.db.roles import app_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def attacker():
    assert settings.DATABASE_OWNER is not None, "DATABASE_OWNER_URL is not set: the two roles are not in use"
    db = connection.settings_dict
    assert db["USER"] == app_role() != settings.DATABASE_OWNER["USER"]
    conn = psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"],
                           password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=False)
    yield conn
    conn.rollback()
    conn.close()


def refused(conn, *statements, match):
    """The last statement fails with `match`; the ones before it succeed. Rolled back either way."""
    try:
        for sql in statements[:-1]:
            conn.execute(sql)
        with pytest.raises(psycopg.Error, match=match):
            conn.execute(statements[-1])
    finally:
        conn.rollback()


def audit_row(conn):
    return conn.execute(
        "INSERT INTO audit_logs (table_name, record_id, action) VALUES ('clients', gen_random_uuid(), 'INSERT') "
        "RETURNING id"
    ).fetchone()[0]


def new_client(conn):
    return conn.execute(
        "INSERT INTO clients (first_name, last_name, email, email_hash) VALUES ('Wanjiru', 'Kamau', 'x', 'h') "
        "RETURNING id"
    ).fetchone()[0]


def test_the_application_role_owns_nothing(attacker):
    owned = attacker.execute(
        "SELECT relname FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) "
        "UNION ALL SELECT proname FROM pg_proc WHERE proowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
    ).fetchall()
    assert owned == []
    assert attacker.execute("SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user"
                            ).fetchone() == (False, False, False)


def test_it_may_append_to_and_read_the_trail(attacker):
    row = audit_row(attacker)
    assert attacker.execute("SELECT count(*) FROM audit_logs WHERE id = %s", [row]).fetchone() == (1,)


@pytest.mark.parametrize("change", ["UPDATE audit_logs SET action = 'DELETE' WHERE id = '{row}'",
                                    "DELETE FROM audit_logs WHERE id = '{row}'"])
def test_the_old_erasure_setting_opens_nothing(attacker, change):
    row = audit_row(attacker)
    refused(attacker, "SELECT set_config('concierge.audit_erasure', 'on', true)", change.format(row=row),
            match="permission denied for table audit_logs")


def test_a_partition_of_the_trail_cannot_be_changed_directly(attacker):
    row = audit_row(attacker)
    [partition] = attacker.execute("SELECT tableoid::regclass::text FROM audit_logs WHERE id = %s", [row]).fetchone()
    refused(attacker, f"DELETE FROM {partition}", match=f"permission denied for table {partition}")
    refused(attacker, f"UPDATE {partition} SET action = 'DELETE'", match=f"permission denied for table {partition}")


def test_pgtrigger_ignore_does_not_silence_the_audit_trigger(attacker):
    try:
        attacker.execute("""SELECT set_config('pgtrigger.ignore', '{' || string_agg(tgname, ',') || '}', false)
                            FROM pg_trigger WHERE tgname LIKE 'pgtrigger%'""")
        client = new_client(attacker)
        attacker.execute("UPDATE clients SET first_name = 'Njeri' WHERE id = %s", [client])
        actions = attacker.execute("SELECT action FROM audit_logs WHERE table_name = 'clients' AND record_id = %s "
                                   "ORDER BY timestamp, action", [client]).fetchall()
        assert sorted(actions) == [("INSERT",), ("UPDATE",)]
    finally:
        attacker.rollback()


def test_the_ignore_function_cannot_be_replaced(attacker):
    refused(attacker, "CREATE OR REPLACE FUNCTION public._pgtrigger_should_ignore(trigger_name NAME) RETURNS BOOLEAN "
            "LANGUAGE sql AS 'SELECT true'", match="permission denied for schema public|must be owner of function")


@pytest.mark.parametrize("statement, match", [
    ("TRUNCATE audit_logs", "permission denied for table audit_logs"),
    ("ALTER TABLE audit_logs DISABLE TRIGGER ALL", "must be owner of table audit_logs"),
    ("ALTER TABLE clients DISABLE TRIGGER ALL", "must be owner of table clients"),
    ("SET session_replication_role = replica", 'permission denied to set parameter "session_replication_role"'),
    ("ALTER TABLE audit_logs DETACH PARTITION audit_logs_default", "must be owner of table audit_logs"),
    ("DROP TABLE audit_logs", "must be owner of table audit_logs"),
    ("DROP TABLE audit_logs_default", "must be owner of table audit_logs_default"),
    ("ALTER TABLE audit_logs RENAME TO audit_logs_old", "must be owner of table audit_logs"),
    ("DROP TRIGGER pgtrigger_protect_audit_logs_6ab7c ON audit_logs", "must be owner of (relation|table) audit_logs"),
    # A temporary audit_logs would catch the triggers' rows (they name the table unqualified).
    ("CREATE TEMPORARY TABLE audit_logs (LIKE public.audit_logs)", "permission denied to create temporary tables"),
    ("CREATE TABLE public.audit_logs_shadow (id int)", "permission denied for schema public"),
])
def test_schema_and_trigger_control_are_refused(attacker, statement, match):
    refused(attacker, statement, match=match)


def test_the_owners_drop_function_with_a_free_cutoff_is_not_callable(attacker):
    refused(attacker, "SELECT * FROM concierge_partition_drop_before('audit_logs', now()::timestamp)",
            match="permission denied for function concierge_partition_drop_before")


@pytest.mark.parametrize("call", [
    "SELECT * FROM concierge_retention_drop('audit_logs', 1)",
    "SELECT concierge_retention_delete('audit_logs', 1, 1000)",
])
def test_retention_with_a_period_shorter_than_the_recorded_one_is_refused(attacker, call):
    refused(attacker, call, match="retention period of 1 days refused")


def test_retention_of_another_table_is_refused(attacker):
    refused(attacker, "SELECT concierge_retention_delete('clients', 100000, 10)", match="no retention for clients")


@pytest.mark.parametrize("call", ["SELECT concierge_audit_erase_client('{client}', NULL)",
                                  "SELECT concierge_audit_erase_payer('{client}')"])
def test_the_erasure_functions_refuse_a_client_still_on_file(attacker, call):
    client = new_client(attacker)
    refused(attacker, call.format(client=client), match="has not been erased")


def test_a_payers_audit_rows_cannot_be_scrubbed_but_by_the_erasure_function(attacker):
    # What concierge_audit_erase_payer does for an erased client, tried directly: refused by the grants.
    refused(attacker, "UPDATE audit_logs SET new_values = new_values - 'payer_name' "
                      "WHERE table_name = 'payments_paybill_payments'", match="permission denied for table audit_logs")


@pytest.mark.owner_role
def test_a_table_the_owner_creates_later_is_granted_to_the_application_role_by_default():
    # Another branch's new table: migrate (as the owner) creates it; the default privileges cover it.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE role_probe (id serial PRIMARY KEY, note text)")
        cursor.execute("SELECT has_table_privilege(%s, 'role_probe', 'SELECT, INSERT, UPDATE, DELETE'), "
                       "has_table_privilege(%s, 'role_probe', 'TRUNCATE'), "
                       "has_sequence_privilege(%s, 'role_probe_id_seq', 'USAGE')", [app_role()] * 3)
        assert cursor.fetchone() == (True, False, True)


def test_the_deploy_check_warns_when_the_application_role_owns_the_schema(settings):
    from concierge.audit.checks import database_roles_check

    assert database_roles_check(None) == []
    settings.DATABASE_OWNER = None
    assert [warning.id for warning in database_roles_check(None)] == ["audit.W002"]


def test_the_tables_kept_by_triggers_are_the_running_balances_and_the_report_summaries():
    from concierge.db.roles import tables_kept_by_triggers

    assert set(tables_kept_by_triggers()) == {"payments_invoice_balances", "report_client_visits",
                                              "report_invoice_days"}


@pytest.mark.parametrize("table", ["payments_invoice_balances", "report_client_visits", "report_invoice_days"])
@pytest.mark.parametrize("statement", ["INSERT INTO {table} DEFAULT VALUES", "UPDATE {table} SET {column} = {column}",
                                       "DELETE FROM {table}", "TRUNCATE {table}"])
def test_a_table_kept_by_triggers_is_read_only_to_the_application_role(attacker, table, statement):
    # Only its triggers (running as the owner) write it: a balance or a report summary cannot be made to
    # disagree with the invoices, payments and jobs it sums by a statement of the web's or a worker's own.
    column = attacker.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum = 1", [table]).fetchone()[0]
    attacker.execute(f"SELECT * FROM {table} LIMIT 1")  # it may read it
    refused(attacker, statement.format(table=table, column=column), match=f"permission denied for table {table}")


def test_the_triggers_keep_their_tables_when_the_application_role_writes():
    # The app's own connection (the application role) books a job; the client's summary row appears,
    # so the trigger functions wrote a table the role itself may not.
    from servicing.tests.factories import ServiceFactory

    assert connection.settings_dict["USER"] == app_role()
    service = ServiceFactory()
    with connection.cursor() as cursor:
        cursor.execute("SELECT open_jobs FROM report_client_visits WHERE client_id = %s", [service.vehicle.client_id])
        assert cursor.fetchone() == (1,)
