# The portal tables' foreign keys ON DELETE CASCADE in the database itself, like the seed's tables.
# A migration of its own: Django adds a new table's foreign keys only when the migration creating it ends.
from django.db import migrations

from concierge.db.operations import CascadeForeignKey


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_portal_tokens_and_inbox_reads")]

    operations = [
        CascadeForeignKey("portal_tokens", "client_id", "clients"),
        CascadeForeignKey("portal_tokens", "service_id", "services"),
        CascadeForeignKey("portal_inbox_reads", "notification_id", "notifications"),
    ]
