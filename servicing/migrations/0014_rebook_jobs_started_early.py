"""Jobs started before their booked day, before starting moved the booking (servicing.services): the
booked date becomes the day they were started (from the audit trail; today if it has no such row), so
they can be completed. The UPDATE writes its own audit row: the change shows in each job's History."""

from django.conf import settings
from django.db import migrations

REBOOK_SQL = """
WITH started AS (
    SELECT s.id,
           COALESCE(
               (SELECT max((a.timestamp AT TIME ZONE %(tz)s)::date) FROM audit_logs a
                 WHERE a.table_name = 'services' AND a.record_id = s.id AND a.action = 'UPDATE'
                   AND a.new_values ->> 'status' = 'in_progress'),
               (now() AT TIME ZONE %(tz)s)::date
           ) AS day
      FROM services s
     WHERE s.status = 'in_progress'
)
UPDATE services s SET scheduled_date = started.day
  FROM started
 WHERE s.id = started.id AND s.scheduled_date > started.day
"""


def rebook_jobs_started_early(apps, schema_editor):
    schema_editor.execute(REBOOK_SQL, params={"tz": settings.TIME_ZONE})


class Migration(migrations.Migration):

    dependencies = [
        ("servicing", "0013_service_type_audit"),
        ("audit", "0006_user_timestamp_index"),
    ]

    operations = [migrations.RunPython(rebook_jobs_started_early, migrations.RunPython.noop)]
