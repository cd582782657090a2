from django.db import migrations


def recover(apps, schema_editor):
    # Plain SQL on the two tables as they are at this point (fleet/odometer.py), no model classes.
    from fleet.odometer import history_recover

    history_recover(schema_editor.connection)


def forget(apps, schema_editor):
    schema_editor.execute("DELETE FROM odometer_readings WHERE source = 'audit'")


class Migration(migrations.Migration):
    dependencies = [
        ("fleet", "0009_odometer_readings"),
        ("audit", "0007_protect_audit_logs_owner_only"),
    ]

    operations = [migrations.RunPython(recover, forget)]
