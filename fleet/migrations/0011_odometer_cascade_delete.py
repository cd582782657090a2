# ON DELETE CASCADE in the database itself, as every table pointing at a car (0002): a car deleted by
# SQL (a client's erasure, a cascade from clients) takes its readings with it.
from django.db import migrations

from concierge.db.operations import CascadeForeignKey


class Migration(migrations.Migration):
    dependencies = [("fleet", "0010_odometer_history_from_audit")]

    operations = [
        CascadeForeignKey("odometer_readings", "vehicle_id", "vehicles"),
    ]
