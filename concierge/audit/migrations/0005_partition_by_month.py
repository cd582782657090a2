# audit_logs partitioned by month on "timestamp" (concierge/db/partitions.py): the rows are copied
# into a partitioned table with the same columns, defaults, CHECK, indexes and protect_audit_logs
# trigger (same names); its primary key becomes (id, "timestamp").
from django.db import migrations

from concierge.db.partitions_convert import PartitionByMonth


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_timestamp_index")]

    operations = [PartitionByMonth("auditlog", "timestamp", months_ahead=3)]
