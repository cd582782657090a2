# ON DELETE CASCADE in the database, as for every table pointing at a car or a client. Then every car
# on file gets its owners: earlier ones from the audit trail's client changes, then one open
# period for the current client (fleet/ownership.py). Plain SQL, no model classes.
from django.db import migrations

from concierge.db.operations import CascadeForeignKey


def backfill(apps, schema_editor):
    from fleet.ownership import history_recover, ownerships_open_missing

    with schema_editor.connection.cursor() as cursor:
        history_recover(cursor)
        ownerships_open_missing(cursor)


def forget(apps, schema_editor):
    schema_editor.execute("DELETE FROM vehicle_ownerships")


class Migration(migrations.Migration):
    dependencies = [
        ("fleet", "0013_vehicle_ownerships"),
        ("servicing", "0001_initial"),
        ("audit", "0007_protect_audit_logs_owner_only"),
    ]

    operations = [
        CascadeForeignKey("vehicle_ownerships", "vehicle_id", "vehicles"),
        CascadeForeignKey("vehicle_ownerships", "client_id", "clients"),
        migrations.RunPython(backfill, forget),
    ]
