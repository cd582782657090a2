"""One database per scale on the same PostgreSQL server (concierge_bench_1, concierge_bench_10, ...),
seeded once and reused: the scale, seed and seeding time are kept in COMMENT ON DATABASE."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
MARKER = "seed_scale v{version} scale={scale:g} seed={seed}"


def database_name(scale):
    # BENCH_DATABASE_PREFIX lets two checkouts measure their own copies on one server.
    prefix = os.environ.get("BENCH_DATABASE_PREFIX", "concierge_bench_")
    return prefix + f"{scale:g}".replace(".", "_")


def server_connection(settings_db):
    """Autocommit connection to the server's maintenance database (CREATE/DROP DATABASE), as the owner
    role when there is one (the application role may not create databases; the owner then owns it)."""
    from django.conf import settings

    settings_db = settings.DATABASE_OWNER or settings_db
    return psycopg.connect(
        dbname="postgres", host=settings_db["HOST"] or None, port=settings_db["PORT"] or None,
        user=settings_db["USER"] or None, password=settings_db["PASSWORD"] or None, autocommit=True,
    )


def child_env(name):
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_NAME": name}


def _comment(conn, name):
    row = conn.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
    ).fetchone()
    return None if row is None else (row[0] or "")


def _manage(name, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=child_env(name), check=True)


def ensure_seeded(settings_db, *, scale, seed, say=print):
    """Create, migrate and seed the database for `scale` unless it is already that scale. Returns its comment."""
    name = database_name(scale)
    from demo.scale import GENERATOR_VERSION  # after django.setup()

    marker = MARKER.format(version=GENERATOR_VERSION, scale=scale, seed=seed)
    with server_connection(settings_db) as conn:
        comment = _comment(conn, name)
        if comment is not None and comment.startswith(marker + " "):
            say(f"{name}: reusing ({comment})")
            _manage(name, "migrate", "--noinput", "-v0")  # the schema may have moved on since it was seeded
            return comment
        if comment is not None:
            say(f"{name}: holds {comment or 'something else'}; dropping it")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    _manage(name, "migrate", "--noinput", "-v0")
    started = time.monotonic()
    _manage(name, "seed_scale", "--scale", f"{scale:g}", "--seed", str(seed))
    seconds = round(time.monotonic() - started)
    comment = f"{marker} seeded_in={seconds}s on={time.strftime('%Y-%m-%d')}"
    with server_connection(settings_db) as conn:
        conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(comment)))
    return comment
