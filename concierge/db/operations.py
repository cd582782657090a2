"""Migration operations for what the seed asks of the database and Django 5.2 cannot declare."""

from django.db import migrations


class CreateEnumType(migrations.RunSQL):
    """CREATE TYPE name AS ENUM (...), reversible."""

    def __init__(self, name, values):
        labels = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
        super().__init__(
            sql=f"CREATE TYPE {name} AS ENUM ({labels});",
            reverse_sql=f"DROP TYPE {name};",
        )


class CascadeForeignKey(migrations.RunSQL):
    """Make an existing foreign key `ON DELETE CASCADE` in the database itself.

    Django 5.2 emulates CASCADE in Python only; the seed wants the database to do it, so that raw SQL
    deletes and other clients of the database keep the same integrity. The constraint keeps Django's
    name and DEFERRABLE INITIALLY DEFERRED, so Django's own machinery is unaffected.
    """

    def __init__(self, table, column, referenced_table, referenced_column="id"):
        def alter(on_delete):
            return f"""
DO $$
DECLARE con text;
BEGIN
  SELECT c.conname INTO STRICT con
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
   WHERE c.conrelid = '{table}'::regclass AND c.contype = 'f' AND a.attname = '{column}';
  EXECUTE format('ALTER TABLE {table} DROP CONSTRAINT %I', con);
  EXECUTE format(
    'ALTER TABLE {table} ADD CONSTRAINT %I FOREIGN KEY ({column}) REFERENCES {referenced_table} ({referenced_column}) '
    'ON DELETE {on_delete} DEFERRABLE INITIALLY DEFERRED', con);
END $$;"""

        super().__init__(sql=alter("CASCADE"), reverse_sql=alter("NO ACTION"))


class SetDatabaseTimeZoneUTC(migrations.RunSQL):
    """Default the database's TimeZone to UTC, so CURRENT_TIMESTAMP written by psql or other
    clients into the seed's TIMESTAMP columns is UTC like everything Django writes.
    Needs ownership of the database; without it, a notice explains and the migration goes on."""

    def __init__(self):
        super().__init__(
            sql="""
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET timezone TO %L', current_database(), 'UTC');
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'not owner of the database: set its timezone to UTC by hand (ALTER DATABASE ... SET timezone TO ''UTC'')';
END $$;""",
            reverse_sql=migrations.RunSQL.noop,
        )
