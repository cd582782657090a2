"""Jobs completed before collection was recorded: their cars left the yard long ago, but with no row in
service_collections every one of them would show as waiting to be collected (the receivables
report's "completed, not collected" list). Each job completed before the day this migration runs
(Nairobi) is recorded as collected at the end of its completion day, by no one, with a note saying
so; jobs completed on the day itself are left for the front desk to mark. The inserts are audited by
the table's trigger like any other."""

from django.conf import settings
from django.db import migrations

NOTE = "Completed before collection was recorded: taken as collected."

BACKFILL_SQL = """
INSERT INTO service_collections (service_id, collected_at, note)
SELECT s.id,
       ((s.completed_date + time '18:00') AT TIME ZONE %(tz)s) AT TIME ZONE 'UTC',
       %(note)s
  FROM services s
 WHERE s.status = 'completed'
   AND s.completed_date < (now() AT TIME ZONE %(tz)s)::date
   AND NOT EXISTS (SELECT 1 FROM service_collections c WHERE c.service_id = s.id)
"""


def collections_before_tracking(apps, schema_editor):
    schema_editor.execute(BACKFILL_SQL, params={"tz": settings.TIME_ZONE, "note": NOTE})


def forget_collections_before_tracking(apps, schema_editor):
    schema_editor.execute("DELETE FROM service_collections WHERE collected_by_id IS NULL AND note = %s", params=[NOTE])


class Migration(migrations.Migration):

    dependencies = [
        ("servicing", "0018_service_collections"),
    ]

    operations = [migrations.RunPython(collections_before_tracking, forget_collections_before_tracking)]
