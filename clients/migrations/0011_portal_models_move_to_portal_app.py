# The portal's tables become the portal app's (clients/portal/, label "portal"): taken out of this app's
# state only. The tables, their rows, keys and constraints stay as they are; portal.0001_initial takes
# the same tables into its state and moves the content types, so permissions granted on them hold.
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("clients", "0010_revoke_links_stored_in_clear"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PortalInboxRead"),
                migrations.DeleteModel(name="PortalToken"),
            ],
            database_operations=[],
        ),
    ]
