"""Two database roles: the owner, which owns the schema and runs migrations, and the application role
(DATABASE_URL) the web and workers connect as, which owns nothing.

The application role can read and write the tables it needs, and only INSERT and SELECT audit_logs:
it cannot TRUNCATE, ALTER, DETACH or DROP anything, nor switch a trigger off. What it may do beyond
that (create next month's partitions, retention, erasure of audit rows) goes through functions owned
by the owner (concierge/db/owner_functions.py). See docs/audit-and-privacy.md, "Database roles".

`as_owner()` points a Django connection at the owner's credentials (same database name: under the
test runner that is the test database) for the commands that change the schema: migrate and flush.
"""

import contextlib

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# What tells two roles' connections apart; the database NAME stays the connection's own.
CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")


def owner_configured() -> bool:
    return settings.DATABASE_OWNER is not None


def _credentials(settings_dict: dict) -> dict:
    return {key: settings_dict.get(key) or ({} if key == "OPTIONS" else "") for key in CREDENTIALS}


def switch_credentials(alias: str, credentials: dict) -> dict:
    """Point `alias` at other credentials (its connection closed first); returns the previous ones."""
    connection = connections[alias]
    previous = _credentials(connection.settings_dict)
    _APP_USERS.setdefault(alias, previous["USER"])  # the first switch is away from the configured role
    if previous == credentials:
        return previous
    if connection.in_atomic_block:
        raise RuntimeError("cannot change database role inside a transaction")
    connection.close()
    connection.settings_dict.update(credentials)
    return previous


def owner_settings() -> dict:
    """DATABASE_OWNER_URL's connection settings; callers check owner_configured() first."""
    owner = settings.DATABASE_OWNER
    if owner is None:
        raise RuntimeError("DATABASE_OWNER_URL is not set")
    return owner


def owner_credentials() -> dict:
    return _credentials(owner_settings())


@contextlib.contextmanager
def as_owner(alias: str = DEFAULT_DB_ALIAS):
    """Run the block on the owner role's connection (a no-op when DATABASE_OWNER_URL is unset)."""
    if not owner_configured() or alias != DEFAULT_DB_ALIAS:
        yield
        return
    previous = switch_credentials(alias, owner_credentials())
    try:
        yield
    finally:
        switch_credentials(alias, previous)


def app_role(alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """The application role's name (DATABASE_URL's user), or None when no separate owner is configured."""
    if not owner_configured():
        return None
    # Under as_owner() the settings hold the owner's user: the application's is the one configured.
    return _APP_USERS.get(alias, settings.DATABASES[alias]["USER"])


# {alias: DATABASES[alias]["USER"] as configured}, noted before its first switch.
_APP_USERS: dict[str, str] = {}


def owner_psycopg_connection(dbname: str | None = None):
    """A psycopg connection (autocommit) as the owner to the default database (tests, drills)."""
    import psycopg

    owner = owner_settings()
    return psycopg.connect(
        host=owner["HOST"] or None, port=owner["PORT"] or None, user=owner["USER"],
        password=owner["PASSWORD"] or None, dbname=dbname or connections[DEFAULT_DB_ALIAS].settings_dict["NAME"],
        autocommit=True, **(owner.get("OPTIONS") or {}),
    )


# Tables the application role may read and append to, never change: the trail, and the record of
# which migrations ran and which retention period they set.
APPEND_ONLY = ("audit_logs",)
READ_ONLY = ("django_migrations", "concierge_retention_policy")


def tables_kept_by_triggers() -> tuple[str, ...]:
    """Tables only the database's own triggers write (running balances, report summaries): a model says
    so with `kept_by_triggers = True`, so the platform names no domain table. The triggers' functions
    run as the owner (SECURITY DEFINER); the application role only reads what they keep, so a bug or
    an injected statement cannot make a balance or a report disagree with the rows it sums."""
    from django.apps import apps

    return tuple(sorted(model._meta.db_table for model in apps.get_models()
                        if getattr(model, "kept_by_triggers", False)))


def grant_app_role(cursor, app: str, functions: tuple = ()) -> None:
    """Give the application role what it needs and nothing it may not have, as the owner.

    Runs after every migrate, so a table any app adds is covered; the default privileges cover the
    tables the owner creates between two migrates (next month's partitions).
    """
    from . import owner_functions

    role = '"' + app.replace('"', '""') + '"'
    cursor.execute(f"""
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role};
    """)
    for table in APPEND_ONLY:
        cursor.execute(f"REVOKE ALL ON public.{table} FROM {role}; GRANT SELECT, INSERT ON public.{table} TO {role}")
    for table in READ_ONLY + tables_kept_by_triggers():
        cursor.execute(f"REVOKE ALL ON public.{table} FROM {role}; GRANT SELECT ON public.{table} TO {role}")
    # A partition can be written directly: it gets exactly its parent's grants.
    cursor.execute("""
        SELECT public.concierge_copy_grants(i.inhparent::regclass, i.inhrelid::regclass)
        FROM pg_inherits i JOIN pg_partitioned_table p ON p.partrelid = i.inhparent
        JOIN pg_namespace n ON n.oid = (SELECT relnamespace FROM pg_class WHERE oid = i.inhparent)
        WHERE n.nspname = 'public'
    """)
    for signature in owner_functions.APP_CALLABLE + tuple(functions):
        cursor.execute(f"GRANT EXECUTE ON FUNCTION public.{signature} TO {role}")
    # No temporary tables: a temporary `audit_logs` would catch the triggers' rows (they name the
    # table unqualified). PostgreSQL 15+ already refuses CREATE in public to PUBLIC; older ones did not.
    # Both need the database (schema) owner: a warning, not a failure, where the owner role is not it.
    cursor.execute(f"""
        DO $$ BEGIN
            EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
            EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM %s', current_database(), {_literal(role)});
            REVOKE CREATE ON SCHEMA public FROM PUBLIC;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'the owner role does not own the database: revoke TEMPORARY on it and CREATE on schema public from PUBLIC by hand';
        END $$;
    """)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def record_retention_policy(cursor, days: int) -> None:
    """The shortest retention period the application role may ask the purge functions for."""
    cursor.execute(
        "INSERT INTO public.concierge_retention_policy (singleton, days) VALUES (true, %s) "
        "ON CONFLICT (singleton) DO UPDATE SET days = EXCLUDED.days",
        [days],
    )
