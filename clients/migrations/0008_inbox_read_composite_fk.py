# The read marks' foreign key again, now into the month-partitioned notifications table: on its
# primary key (id, created_at), ON DELETE CASCADE like every key of the seed's tables (deleting a
# client by raw SQL still removes its read marks), ON UPDATE CASCADE should a created_at be moved.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0007_inbox_read_partition_key"),
        ("notifications", "0007_partition_by_month"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE portal_inbox_reads ADD CONSTRAINT portal_inbox_reads_notification_fk "
            "FOREIGN KEY (notification_id, notification_created_at) REFERENCES notifications (id, created_at) "
            "ON DELETE CASCADE ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED",
            reverse_sql="ALTER TABLE portal_inbox_reads DROP CONSTRAINT portal_inbox_reads_notification_fk",
        ),
    ]
