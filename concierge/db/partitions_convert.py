"""Turning a plain table, rows and all, into one partitioned by month (see partitions.py).

Used by the migrations of `notifications` and `audit_logs`, and the PartitionByMonth migration
operation below. Everything the table had is read from the catalogue first and put back under the
same names: columns, defaults, NOT NULLs and CHECKs (LIKE), indexes, foreign keys, triggers with
their comments (django-pgtrigger keeps its install hash there), and grants. So an index another
migration added before this one runs is kept too.

What cannot stay: a partitioned table's primary key and unique indexes must contain the partition
column, so the primary key (id) becomes (id, <column>) and keeps its name; its index leads with id,
so a lookup by id alone is still an index scan (one per partition). A unique index without the
column is refused with an error. Foreign keys pointing at the table must reference (id, <column>):
their owners re-point them, and the conversion refuses while any still points at the table.
"""

from django.db import DEFAULT_DB_ALIAS, connections, migrations, transaction
from django.utils import timezone

from . import owner_functions
from .partitions import (
    create_month_partitions,
    ensure_monthly_partitions,
    months_between,
    quote,
    referencing_foreign_keys,
    table_columns,
)


def _fetch(cursor, query, params):
    cursor.execute(query, params)
    return cursor.fetchall()


def _catalogue(cursor, table):
    """What the table has beyond its columns, as SQL to run again on the new table."""
    oid = _fetch(cursor, "SELECT to_regclass(%s)::oid", [quote(table)])[0][0]
    primary = _fetch(
        cursor,
        """SELECT c.conname, ARRAY(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                                   JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n ORDER BY k.i)
           FROM pg_constraint c WHERE c.conrelid = %s AND c.contype = 'p'""",
        [oid],
    )
    # Indexes not backing a constraint (the primary key is re-created as a constraint).
    indexes = _fetch(
        cursor,
        """SELECT pg_get_indexdef(i.indexrelid), i.indisunique FROM pg_index i
           WHERE i.indrelid = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
           ORDER BY i.indexrelid""",
        [oid],
    )
    others = _fetch(
        cursor,
        "SELECT conname, contype FROM pg_constraint WHERE conrelid = %s AND contype IN ('u', 'x')",
        [oid],
    )
    foreign_keys = _fetch(
        cursor,
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s AND contype = 'f' ORDER BY conname",
        [oid],
    )
    triggers = _fetch(
        cursor,
        """SELECT tgname, pg_get_triggerdef(oid), obj_description(oid, 'pg_trigger'), tgenabled
           FROM pg_trigger WHERE tgrelid = %s AND NOT tgisinternal ORDER BY tgname""",
        [oid],
    )
    grants = _fetch(
        cursor,
        """SELECT a.privilege_type, a.grantee::regrole::text, a.is_grantable
           FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = %s AND a.grantee <> c.relowner AND a.grantee <> 0""",
        [oid],
    )
    return primary, indexes, others, foreign_keys, triggers, grants


def convert_to_monthly_partitions(table, column, *, months_ahead, using=DEFAULT_DB_ALIAS, now=None):
    """Replace `table` by a table partitioned by month on `column` holding the same rows, with a
    partition for every month from its oldest row to `months_ahead` months from now, and a default one.

    All in one transaction: the table is locked (ACCESS EXCLUSIVE) until it commits, and its rows
    are copied once, so it takes about as long as loading them (indexes are built after the copy).
    """
    _rebuild(table, column, partitioned=True, months_ahead=months_ahead, now=now, using=using)


def convert_to_plain_table(table, column, *, using=DEFAULT_DB_ALIAS):
    """The way back (a migration unapplied): one plain table again, its primary key without `column`."""
    _rebuild(table, column, partitioned=False, using=using)


def _rebuild(table, column, *, partitioned, using, months_ahead=0, now=None):
    connection = connections[using]
    old = f"{table}_{'unpartitioned' if partitioned else 'partitioned'}"
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # The months are made by the owner's functions, which may not exist yet on a fresh database
        # (post_migrate installs them too, once every migration has run).
        owner_functions.install(cursor)
        pointing = referencing_foreign_keys(cursor, table)
        if pointing:
            names = ", ".join(f"{referencing}({', '.join(columns)})" for referencing, columns, _, _ in pointing)
            raise ValueError(f"{table} is referenced by {names}: drop or re-point those foreign keys first "
                             f"(a partitioned table can be referenced only by a key holding {column})")
        primary, indexes, others, foreign_keys, triggers, grants = _catalogue(cursor, table)
        if partitioned and (others or any(unique for _, unique in indexes)):
            raise ValueError(f"{table} has a unique index or constraint other than its primary key; it would "
                             f"have to include {column} on a partitioned table")
        cursor.execute(f"SELECT min({quote(column)}), max({quote(column)}) FROM {quote(table)}")
        oldest, newest = cursor.fetchone()

        cursor.execute(f"ALTER TABLE {quote(table)} RENAME TO {quote(old)}")
        cursor.execute(
            f"CREATE TABLE {quote(table)} (LIKE {quote(old)} INCLUDING ALL EXCLUDING INDEXES)"
            + (f" PARTITION BY RANGE ({quote(column)})" if partitioned else "")
        )
        if partitioned:
            # Every month the rows span (gaps included), then the months ahead and the default partition.
            if oldest is not None:
                create_month_partitions(table, months_between(oldest, newest), using=using)
            ensure_monthly_partitions(table, months_ahead=months_ahead, now=now or timezone.now(), using=using)
        columns = ", ".join(quote(name) for name in table_columns(cursor, old))
        cursor.execute(f"INSERT INTO {quote(table)} ({columns}) SELECT {columns} FROM {quote(old)}")
        cursor.execute(f"DROP TABLE {quote(old)}")  # a partitioned one with its partitions

        for name, key in primary:
            keys = list(key) + [column] if partitioned else [k for k in key if k != column]
            cursor.execute(
                f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} PRIMARY KEY ({', '.join(dict.fromkeys(map(quote, keys)))})"
            )
        for definition, _ in indexes:
            # Written by pg_get_indexdef before the rename: "... ON [ONLY] public.<table> ...".
            cursor.execute(definition.replace(" ON ONLY ", " ON ", 1))
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        for name, definition, comment, enabled in triggers:
            cursor.execute(definition)
            if comment is not None:
                cursor.execute(f"COMMENT ON TRIGGER {quote(name)} ON {quote(table)} IS %s", [comment])
            if enabled == "D":
                cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER {quote(name)}")
        for privilege, grantee, grantable in grants:
            cursor.execute(
                f"GRANT {privilege} ON {quote(table)} TO {grantee}" + (" WITH GRANT OPTION" if grantable else "")
            )
        # Partitioned parents are never analysed by autovacuum: give the planner the whole table once.
        cursor.execute(f"ANALYZE {quote(table)}")



class PartitionByMonth(migrations.operations.base.Operation):
    """Migration operation: convert_to_monthly_partitions() on the model's table.

    Django's state does not change: the model keeps `id` as its primary key (the database's key is
    (id, column), and ids stay unique by generation), so .get(pk=), save() and admin pages work as before.
    Reversible: unapplied, the same copy the other way (convert_to_plain_table).
    """

    reduces_to_sql = False

    def __init__(self, model_name, column, months_ahead=3):
        self.model_name, self.column, self.months_ahead = model_name, column, months_ahead

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            convert_to_monthly_partitions(
                model._meta.db_table, self.column, months_ahead=self.months_ahead,
                using=schema_editor.connection.alias,
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            convert_to_plain_table(model._meta.db_table, self.column, using=schema_editor.connection.alias)

    def describe(self):
        return f"Partition {self.model_name} by month on {self.column}"

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name, self.column], {"months_ahead": self.months_ahead}

    @property
    def migration_name_fragment(self):
        return f"partition_{self.model_name.lower()}_by_month"
