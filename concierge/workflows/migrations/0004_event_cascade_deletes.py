# Events go with the row they are about, in the database itself, as the seed's own keys do.
from django.db import migrations

from concierge.db.operations import CascadeForeignKey


class Migration(migrations.Migration):
    dependencies = [("workflows", "0003_event")]

    operations = [
        CascadeForeignKey("workflow_events", "client_id", "clients"),
        CascadeForeignKey("workflow_events", "vehicle_id", "vehicles"),
        CascadeForeignKey("workflow_events", "service_id", "services"),
    ]
