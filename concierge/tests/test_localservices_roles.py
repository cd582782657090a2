"""`make services` on a database made before the two roles existed hands it to the owner role."""

import pytest
from psycopg import sql

from concierge import localservices

PROBE = "handover_probe"


@pytest.fixture
def superuser_server():
    info = localservices.postgres_info()
    if info is None:
        pytest.skip("the embedded PostgreSQL is not in use (DATABASE_URL points elsewhere)")
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PROBE))
    with localservices._pg_connect(info, "postgres") as conn:
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PROBE)))
    yield info
    with localservices._pg_connect(info, "postgres") as conn:
        conn.execute(drop)


def test_an_old_database_is_handed_to_the_owner_role(superuser_server, capsys):
    with localservices._pg_connect(superuser_server, PROBE) as conn:
        conn.execute("CREATE TABLE jobs (id serial PRIMARY KEY, note text)")
        conn.execute("CREATE TABLE months (at timestamp NOT NULL) PARTITION BY RANGE (at)")
        conn.execute("CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql AS 'SELECT upper(t)'")

    localservices._hand_over_to_owner(superuser_server, PROBE)

    with localservices._pg_connect(superuser_server, PROBE) as conn:
        owners = conn.execute(
            "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S') "
            "UNION ALL SELECT proname, pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'shout' ORDER BY 1"
        ).fetchall()
    assert owners == [("jobs", "concierge_owner"), ("jobs_id_seq", "concierge_owner"), ("months", "concierge_owner"),
                      ("shout", "concierge_owner")]
    assert "gave 3 objects" in capsys.readouterr().out  # the sequence goes with its table
