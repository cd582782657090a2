# ON DELETE CASCADE in the database itself, as every table pointing at a car (fleet 0002): predictions go
# with their car or their catalogue type, however those are deleted.
from django.db import migrations

from concierge.db.operations import CascadeForeignKey


class Migration(migrations.Migration):
    dependencies = [("forecasting", "0001_service_predictions")]

    operations = [
        CascadeForeignKey("service_predictions", "vehicle_id", "vehicles"),
        CascadeForeignKey("service_predictions", "service_type_id", "service_types"),
    ]
