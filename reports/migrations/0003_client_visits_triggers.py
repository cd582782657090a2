# report_client_visits (0002), kept by the database: statement-level triggers on services and
# vehicles recount the clients a write touched, in the writing transaction, so the clients report
# is always current (docs/reports.md, "Client visits"). Filled here from the existing jobs.

from django.db import migrations

from concierge.db.operations import CascadeForeignKey

RECOUNT = """
CREATE FUNCTION report_client_visits_recount(client_ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  -- A row for each of these clients that still exists (a deleted client's row goes with it: the
  -- foreign key cascades), locked in id order so that two writers never wait for each other in a
  -- cycle; then counted by a new statement, whose fresh snapshot (READ COMMITTED) includes the jobs
  -- of any transaction that held the lock before us.
  INSERT INTO report_client_visits (client_id)
    SELECT id FROM clients WHERE id = ANY (client_ids) ORDER BY id
    ON CONFLICT (client_id) DO NOTHING;
  PERFORM 1 FROM report_client_visits WHERE client_id = ANY (client_ids) ORDER BY client_id FOR UPDATE;
  UPDATE report_client_visits r
     SET first_visit = c.first_visit, last_visit = c.last_visit,
         completed_jobs = c.completed_jobs, open_jobs = c.open_jobs
    FROM (
      SELECT v.client_id,
             min(s.completed_date) FILTER (WHERE s.status = 'completed') AS first_visit,
             max(s.completed_date) FILTER (WHERE s.status = 'completed') AS last_visit,
             count(*) FILTER (WHERE s.status = 'completed') AS completed_jobs,
             count(*) FILTER (WHERE s.status IN ('pending', 'in_progress')) AS open_jobs
        FROM unnest(client_ids) AS ids(id)
        JOIN vehicles v ON v.client_id = ids.id
        JOIN services s ON s.vehicle_id = v.id
       GROUP BY v.client_id
      UNION ALL  -- clients left with no job at all
      SELECT ids.id, NULL, NULL, 0, 0
        FROM unnest(client_ids) AS ids(id)
       WHERE NOT EXISTS (SELECT 1 FROM vehicles v JOIN services s ON s.vehicle_id = v.id WHERE v.client_id = ids.id)
    ) c
   WHERE r.client_id = c.client_id
     AND (r.first_visit, r.last_visit, r.completed_jobs, r.open_jobs)
         IS DISTINCT FROM (c.first_visit, c.last_visit, c.completed_jobs, c.open_jobs);
END $$;

-- services: which clients a statement touched. An UPDATE counts only when it moved a job to another
-- car or changed its status or completion date (a note or a price does not change a visit).
CREATE FUNCTION report_client_visits_on_services() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE ids uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT v.client_id) INTO ids FROM new_rows n JOIN vehicles v ON v.id = n.vehicle_id;
  ELSIF TG_OP = 'DELETE' THEN
    -- A car deleted with its jobs is no longer in vehicles: its trigger below recounts its client.
    SELECT array_agg(DISTINCT v.client_id) INTO ids FROM old_rows o JOIN vehicles v ON v.id = o.vehicle_id;
  ELSE
    SELECT array_agg(DISTINCT v.client_id) INTO ids
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      JOIN vehicles v ON v.id IN (o.vehicle_id, n.vehicle_id)
     WHERE (o.vehicle_id, o.status, o.completed_date) IS DISTINCT FROM (n.vehicle_id, n.status, n.completed_date);
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM report_client_visits_recount(ids);
  END IF;
  RETURN NULL;
END $$;

-- vehicles: a car handed to another client moves its jobs with it; a deleted car takes its jobs.
CREATE FUNCTION report_client_visits_on_vehicles() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE ids uuid[];
BEGIN
  IF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT o.client_id) INTO ids FROM old_rows o;
  ELSE
    SELECT array_agg(DISTINCT c.id) INTO ids
      FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (VALUES (o.client_id), (n.client_id)) AS c(id)
     WHERE o.client_id IS DISTINCT FROM n.client_id;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM report_client_visits_recount(ids);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION report_client_visits_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM report_client_visits;
  RETURN NULL;
END $$;

CREATE TRIGGER report_client_visits_insert AFTER INSERT ON services
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_client_visits_on_services();
CREATE TRIGGER report_client_visits_update AFTER UPDATE ON services
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_client_visits_on_services();
CREATE TRIGGER report_client_visits_delete AFTER DELETE ON services
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_client_visits_on_services();
CREATE TRIGGER report_client_visits_truncate AFTER TRUNCATE ON services
  FOR EACH STATEMENT EXECUTE FUNCTION report_client_visits_truncated();
CREATE TRIGGER report_client_visits_update AFTER UPDATE ON vehicles
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_client_visits_on_vehicles();
CREATE TRIGGER report_client_visits_delete AFTER DELETE ON vehicles
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_client_visits_on_vehicles();
CREATE TRIGGER report_client_visits_truncate AFTER TRUNCATE ON vehicles
  FOR EACH STATEMENT EXECUTE FUNCTION report_client_visits_truncated();

-- The jobs already there (the triggers above hold writes to services and vehicles back until this
-- migration commits, so nothing is missed in between).
INSERT INTO report_client_visits (client_id, first_visit, last_visit, completed_jobs, open_jobs)
SELECT v.client_id,
       min(s.completed_date) FILTER (WHERE s.status = 'completed'),
       max(s.completed_date) FILTER (WHERE s.status = 'completed'),
       count(*) FILTER (WHERE s.status = 'completed'),
       count(*) FILTER (WHERE s.status IN ('pending', 'in_progress'))
  FROM vehicles v JOIN services s ON s.vehicle_id = v.id
 GROUP BY v.client_id;
ANALYZE report_client_visits;
"""

DROP = """
DROP TRIGGER report_client_visits_insert ON services;
DROP TRIGGER report_client_visits_update ON services;
DROP TRIGGER report_client_visits_delete ON services;
DROP TRIGGER report_client_visits_truncate ON services;
DROP TRIGGER report_client_visits_update ON vehicles;
DROP TRIGGER report_client_visits_delete ON vehicles;
DROP TRIGGER report_client_visits_truncate ON vehicles;
DROP FUNCTION report_client_visits_on_services();
DROP FUNCTION report_client_visits_on_vehicles();
DROP FUNCTION report_client_visits_truncated();
DROP FUNCTION report_client_visits_recount(uuid[]);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0006_clients_list_order_index'),
        ('fleet', '0006_search_trigram_indexes_vin_make_model'),
        ('servicing', '0007_search_trigram_index'),
        ('reports', '0002_client_visits'),
    ]

    operations = [
        # Deleting a client deletes their row, in the database (raw SQL deletes included).
        CascadeForeignKey("report_client_visits", "client_id", "clients"),
        migrations.RunSQL(RECOUNT, DROP),
    ]
