# notifications is about to be partitioned by month on created_at (notifications.0007): a foreign
# key into it must name (id, created_at). This copies each read mark's notification's created_at
# beside it and drops the one-column key, which could not survive the conversion; 0008 adds the
# two-column key back, ON DELETE CASCADE as before.
import django.db.models.deletion
from django.db import migrations, models

from concierge.db.operations import CascadeForeignKey


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0006_clients_list_order_index"),
        ("notifications", "0006_report_index"),
    ]

    operations = [
        # Unapplied, this runs last: the one-column key put back by the AlterField below cascades again (0003).
        migrations.RunSQL(
            migrations.RunSQL.noop,
            reverse_sql=CascadeForeignKey("portal_inbox_reads", "notification_id", "notifications").sql,
        ),
        migrations.AddField(
            model_name="portalinboxread",
            name="notification_created_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunSQL(
            "UPDATE portal_inbox_reads r SET notification_created_at = n.created_at "
            "FROM notifications n WHERE n.id = r.notification_id",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="portalinboxread",
            name="notification_created_at",
            field=models.DateTimeField(editable=False),
        ),
        migrations.AlterField(
            model_name="portalinboxread",
            name="notification",
            field=models.OneToOneField(
                db_constraint=False, on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                related_name="portal_read", serialize=False, to="notifications.notification",
            ),
        ),
    ]
