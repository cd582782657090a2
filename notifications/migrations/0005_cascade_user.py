# The staff recipient's key cascades in the database too, like the seed's own keys (see 0002).
from django.db import migrations

from concierge.db.operations import CascadeForeignKey


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_delivery_columns")]

    operations = [CascadeForeignKey("notifications", "user_id", "accounts_user")]
