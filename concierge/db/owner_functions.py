"""The schema changes the running application may ask for, as functions owned by the owner role.

The application role owns nothing (concierge/db/roles.py), so it can neither create a table nor drop
one. Monthly partitions still have to be made ahead and expired months dropped at run time; these
functions do exactly that, as their owner (SECURITY DEFINER), with a fixed search_path (pg_temp last,
so no temporary table can stand in for a real one):

- concierge_partition_create_month(table, month): the month's partition of a range-partitioned table,
  rows of that month caught by the default partition moved into it, grants copied from the parent.
  Granted to the application role (the daily beat task): it adds, never removes.
- concierge_partition_drop_before(table, before, limit): DETACH and DROP whole months before `before`.
  Owner only: with a free cutoff it could drop the audit trail.
- concierge_retention_drop(table, days) / concierge_retention_delete(table, days, batch): retention for
  notifications and audit_logs, refusing a period shorter than the one `migrate` recorded from
  AUDIT_RETENTION_MONTHS (concierge_retention_policy). Each writes an audit row saying what it removed.

Moving or purging rows is not a change anyone made: these functions name the tables' pgtrigger
triggers in `pgtrigger.ignore`, which is honoured for the owner role only (see IGNORE_FUNCTION).

`install()` runs (idempotently) after every migrate and before the migrations that partition a table.
"""

# Rows removed by retention are summarised in an audit row with this record id (no one record).
NIL_UUID = "00000000-0000-0000-0000-000000000000"

# pgtrigger's ignore function, as pgtrigger installs it, except that the setting counts only for the
# role owning the schema (migrations and the owner's functions): no session setting of the application
# role can switch an audit or protection trigger off. pgtrigger rewrites this function whenever a
# migration installs a trigger; the post_migrate step puts this one back (concierge.audit.apps).
IGNORE_FUNCTION = """
CREATE OR REPLACE FUNCTION public._pgtrigger_should_ignore(trigger_name NAME) RETURNS BOOLEAN AS $$
    DECLARE
        _pgtrigger_ignore TEXT[];
        _result BOOLEAN;
    BEGIN
        IF NOT pg_has_role(current_user, (SELECT proowner FROM pg_proc
                                         WHERE oid = 'public._pgtrigger_should_ignore(name)'::regprocedure), 'MEMBER') THEN
            RETURN FALSE;
        END IF;
        BEGIN
            SELECT INTO _pgtrigger_ignore CURRENT_SETTING('pgtrigger.ignore');
            EXCEPTION WHEN OTHERS THEN
        END;
        IF _pgtrigger_ignore IS NOT NULL THEN
            SELECT trigger_name = ANY(_pgtrigger_ignore) INTO _result;
            RETURN _result;
        ELSE
            RETURN FALSE;
        END IF;
    END;
$$ LANGUAGE plpgsql;
"""

# A function's own `SET pgtrigger.ignore` would need a superuser (a custom setting PostgreSQL does not
# know yet): the functions that name triggers to ignore clear the list again before returning.
_DEFINER = "SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp"

FUNCTIONS = f"""
CREATE TABLE IF NOT EXISTS public.concierge_retention_policy (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    days integer NOT NULL CHECK (days > 0)
);

CREATE OR REPLACE FUNCTION public.concierge_copy_grants(p_parent regclass, p_child regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $fn$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT DISTINCT a.grantee FROM pg_class c, aclexplode(c.relacl) a
             WHERE c.oid = p_child AND a.grantee <> c.relowner LOOP
        EXECUTE format('REVOKE ALL ON %s FROM %s', p_child,
                       CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r.grantee)) END);
    END LOOP;
    FOR r IN SELECT a.grantee, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
             WHERE c.oid = p_parent AND a.grantee <> c.relowner LOOP
        EXECUTE format('GRANT %s ON %s TO %s', r.privilege_type, p_child,
                       CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r.grantee)) END);
    END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION public.concierge_partitioned(p_table text) RETURNS TABLE (parent regclass, key name)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $fn$
BEGIN
    RETURN QUERY SELECT p.partrelid::regclass, a.attname FROM pg_partitioned_table p
        JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
        JOIN pg_class c ON c.oid = p.partrelid
        WHERE p.partrelid = to_regclass(quote_ident(p_table)) AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user);
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not a partitioned table of this schema', p_table USING ERRCODE = 'wrong_object_type';
    END IF;
END
$fn$;

CREATE OR REPLACE FUNCTION public.concierge_ignore_pgtriggers(p_parent regclass) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, public, pg_temp AS $fn$
    SELECT set_config('pgtrigger.ignore',
        '{{' || coalesce((SELECT string_agg(DISTINCT tgname, ',') FROM pg_trigger
                          WHERE tgrelid = p_parent AND tgname LIKE 'pgtrigger%'), '') || '}}', true);
$fn$;

CREATE OR REPLACE FUNCTION public.concierge_fk_cascades(p_parent regclass)
RETURNS TABLE (referencing text, columns text, referenced text)
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $fn$
    SELECT c.conrelid::regclass::text,
           (SELECT string_agg(quote_ident(attname), ', ' ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
              JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n),
           (SELECT string_agg(quote_ident(attname), ', ' ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
              JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n)
    FROM pg_constraint c
    WHERE c.confrelid = p_parent AND c.contype = 'f' AND c.conparentid = 0 AND c.confdeltype = 'c';
$fn$;

CREATE OR REPLACE FUNCTION public.concierge_partition_create_month(p_table text, p_month timestamp) RETURNS boolean
LANGUAGE plpgsql {_DEFINER} SET lock_timeout = '5s' AS $fn$
DECLARE
    parent regclass;
    key name;
    month_first timestamp := date_trunc('month', p_month);
    month_next timestamp := date_trunc('month', p_month) + interval '1 month';
    part text := p_table || '_' || to_char(date_trunc('month', p_month), 'YYYY_MM');
    dflt text := p_table || '_default';
    in_range text;
    moving boolean;
    fk record;
    stash text;
    stashes text[] := '{{}}';
    targets text[] := '{{}}';
    cols text;
BEGIN
    SELECT * INTO parent, key FROM concierge_partitioned(p_table);
    IF to_regclass(quote_ident(part)) IS NOT NULL THEN
        RETURN false;
    END IF;
    -- ALTER TABLE refuses while the transaction has deferred foreign-key checks queued on the table.
    SET CONSTRAINTS ALL IMMEDIATE;
    EXECUTE format('CREATE TABLE public.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, parent);
    in_range := format(' WHERE %I >= %L AND %I < %L', key, month_first, key, month_next);
    IF to_regclass(quote_ident(dflt)) IS NOT NULL THEN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I%s)', dflt, in_range) INTO moving;
        IF moving THEN
            -- Rows pointing at the moved ones with ON DELETE CASCADE would go with them: kept aside.
            FOR fk IN SELECT * FROM concierge_fk_cascades(parent) LOOP
                stash := 'partition_move_' || substr(md5(random()::text || clock_timestamp()::text), 1, 16);
                EXECUTE format('CREATE TEMPORARY TABLE %I ON COMMIT DROP AS SELECT * FROM %s WHERE (%s) IN (SELECT %s FROM %I%s)',
                               stash, fk.referencing, fk.columns, fk.referenced, dflt, in_range);
                stashes := stashes || stash;
                targets := targets || fk.referencing;
            END LOOP;
            SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols FROM pg_attribute
                WHERE attrelid = parent AND attnum > 0 AND NOT attisdropped;
            PERFORM concierge_ignore_pgtriggers(parent);
            EXECUTE format('WITH moved AS (DELETE FROM %I%s RETURNING %s) INSERT INTO %I (%s) SELECT %s FROM moved',
                           dflt, in_range, cols, part, cols, cols);
            PERFORM set_config('pgtrigger.ignore', '{{}}', true);
        END IF;
    END IF;
    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part, month_first, month_next);
    FOR i IN 1 .. coalesce(array_length(stashes, 1), 0) LOOP
        EXECUTE format('INSERT INTO %s SELECT * FROM pg_temp.%I', targets[i], stashes[i]);
        EXECUTE format('DROP TABLE pg_temp.%I', stashes[i]);
    END LOOP;
    PERFORM concierge_copy_grants(parent, to_regclass(quote_ident(part)));
    RETURN true;
END
$fn$;

CREATE OR REPLACE FUNCTION public.concierge_partition_drop_before(p_table text, p_before timestamp, p_limit integer DEFAULT NULL)
RETURNS TABLE (partition_name text, row_count bigint)
LANGUAGE plpgsql {_DEFINER} SET lock_timeout = '5s' AS $fn$
DECLARE
    parent regclass;
    key name;
    p record;
    fk record;
BEGIN
    SELECT * INTO parent, key FROM concierge_partitioned(p_table);
    SET CONSTRAINTS ALL IMMEDIATE;
    FOR p IN SELECT c.relname,
                    substring(pg_get_expr(c.relpartbound, c.oid) FROM 'FROM \\(''([^'']+)''\\)')::timestamp AS lower,
                    substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''([^'']+)''\\)')::timestamp AS upper
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = parent AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
             ORDER BY 2 LOOP
        EXIT WHEN p.upper > p_before OR p_limit IS NOT NULL AND p_limit <= 0;
        p_limit := p_limit - 1;
        EXECUTE format('SELECT count(*) FROM %I', p.relname) INTO row_count;
        -- PostgreSQL refuses to detach a partition still referenced: delete as a DELETE would have.
        FOR fk IN SELECT * FROM concierge_fk_cascades(parent) LOOP
            EXECUTE format('DELETE FROM %s WHERE (%s) IN (SELECT %s FROM %I)', fk.referencing, fk.columns, fk.referenced, p.relname);
        END LOOP;
        EXECUTE format('ALTER TABLE %s DETACH PARTITION %I', parent, p.relname);
        EXECUTE format('DROP TABLE %I', p.relname);
        partition_name := p.relname;
        RETURN NEXT;
    END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION public.concierge_retention_cutoff(p_days integer) RETURNS timestamp
LANGUAGE plpgsql STABLE {_DEFINER} AS $fn$
DECLARE
    least_days integer := (SELECT days FROM concierge_retention_policy);
BEGIN
    IF least_days IS NULL OR p_days IS NULL OR p_days < least_days THEN
        RAISE EXCEPTION 'retention period of % days refused: the configured period is % days', p_days, least_days
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN (now() AT TIME ZONE 'UTC') - make_interval(days => p_days);
END
$fn$;

CREATE OR REPLACE FUNCTION public.concierge_retention_table(p_table text) RETURNS name
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $fn$
BEGIN
    RETURN CASE p_table WHEN 'notifications' THEN 'created_at' WHEN 'audit_logs' THEN 'timestamp' ELSE NULL END;
END
$fn$;

CREATE OR REPLACE FUNCTION public.concierge_retention_drop(p_table text, p_days integer)
RETURNS TABLE (partition_name text, row_count bigint)
LANGUAGE plpgsql {_DEFINER} AS $fn$
DECLARE
    before timestamp := concierge_retention_cutoff(p_days);
BEGIN
    IF concierge_retention_table(p_table) IS NULL THEN
        RAISE EXCEPTION 'no retention for %', p_table USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- One month per call: each drop is its own short transaction for the caller.
    FOR partition_name, row_count IN SELECT * FROM concierge_partition_drop_before(p_table, before, 1) LOOP
        INSERT INTO audit_logs (table_name, record_id, action, new_values)
        VALUES (p_table, '{NIL_UUID}', 'DELETE',
                jsonb_build_object('retention', 'expired month dropped', 'partition', partition_name,
                                   'rows', row_count, 'before', before));
        RETURN NEXT;
    END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION public.concierge_retention_delete(p_table text, p_days integer, p_batch integer) RETURNS bigint
LANGUAGE plpgsql {_DEFINER} AS $fn$
DECLARE
    before timestamp := concierge_retention_cutoff(p_days);
    col name := concierge_retention_table(p_table);
    removed bigint;
BEGIN
    IF col IS NULL OR p_batch IS NULL OR p_batch < 1 THEN
        RAISE EXCEPTION 'no retention for % (batch %)', p_table, p_batch USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- A purge is policy, not a change anyone made: no audit row per deleted row (it would copy the text).
    PERFORM concierge_ignore_pgtriggers(to_regclass(quote_ident(p_table)));
    EXECUTE format('DELETE FROM %I WHERE %I < $1 AND id IN (SELECT id FROM %I WHERE %I < $1 LIMIT $2)',
                   p_table, col, p_table, col) USING before, p_batch;
    GET DIAGNOSTICS removed = ROW_COUNT;
    PERFORM set_config('pgtrigger.ignore', '{{}}', true);
    IF removed > 0 THEN
        INSERT INTO audit_logs (table_name, record_id, action, new_values)
        VALUES (p_table, '{NIL_UUID}', 'DELETE',
                jsonb_build_object('retention', 'expired rows deleted', 'rows', removed, 'before', before));
    END IF;
    RETURN removed;
END
$fn$;
"""

# Callable by the application role; every other function above is the owner's alone.
APP_CALLABLE = (
    "concierge_partition_create_month(text, timestamp)",
    "concierge_retention_drop(text, integer)",
    "concierge_retention_delete(text, integer, integer)",
)
OWNER_ONLY = (
    "concierge_copy_grants(regclass, regclass)",
    "concierge_partitioned(text)",
    "concierge_ignore_pgtriggers(regclass)",
    "concierge_fk_cascades(regclass)",
    "concierge_partition_drop_before(text, timestamp, integer)",
    "concierge_retention_cutoff(integer)",
    "concierge_retention_table(text)",
)


def install(cursor) -> None:
    """(Re)create the functions, as the connected role (the owner); nobody else may run them yet."""
    cursor.execute(FUNCTIONS)
    for signature in APP_CALLABLE + OWNER_ONLY:
        cursor.execute(f"REVOKE ALL ON FUNCTION public.{signature} FROM PUBLIC")


# Owner functions a domain app brings (the erasure of a client's audit rows names the clients'
# tables, so it lives with them): {signature: SQL creating it and revoking it from PUBLIC}. The app
# registers them in its ready(); the audit app's post_migrate step installs them with the functions
# above and grants them to the application role, so the platform installs them without importing them.
_REGISTERED_APP_CALLABLE: dict[str, str] = {}


def register_app_callable(signature: str, sql: str) -> None:
    """A domain app's owner function the application role may call: installed and granted after every migrate."""
    _REGISTERED_APP_CALLABLE[signature] = sql


def registered_app_callable() -> tuple[str, ...]:
    """Signatures of the functions domain apps registered, for the application role's grants."""
    return tuple(_REGISTERED_APP_CALLABLE)


def install_registered(cursor) -> None:
    """(Re)create the functions domain apps registered, as the owner."""
    for sql in _REGISTERED_APP_CALLABLE.values():
        cursor.execute(sql)


def install_ignore_function(cursor) -> None:
    cursor.execute("SELECT to_regprocedure('public._pgtrigger_should_ignore(name)')")
    if cursor.fetchone()[0] is not None:
        cursor.execute(IGNORE_FUNCTION)
