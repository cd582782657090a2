# Foreign keys ON DELETE CASCADE in the database itself, as the seed asks. A migration of its own:
# Django adds a new table's foreign keys only when the migration that creates it ends.
from django.db import migrations

from concierge.db.operations import CascadeForeignKey


class Migration(migrations.Migration):
    dependencies = [("servicing", "0001_initial")]

    operations = [
        CascadeForeignKey("services", "vehicle_id", "vehicles"),
    ]
