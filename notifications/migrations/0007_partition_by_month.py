# notifications partitioned by month on created_at (concierge/db/partitions.py): the rows are copied
# into a partitioned table with the same columns, defaults, CHECKs, indexes, foreign keys and audit
# trigger (same names); its primary key becomes (id, created_at). Runs after clients.0007 has
# dropped the one-column key of portal_inbox_reads pointing here; clients.0008 adds it back.
#
# Then the audit trigger names its table: a partitioned table's row triggers run on the partitions,
# where TG_TABLE_NAME is "notifications_2026_11", not "notifications" (audit_trigger(table=...)).
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from concierge.db.partitions_convert import PartitionByMonth


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0006_report_index"),
        ("clients", "0007_inbox_read_partition_key"),
    ]

    operations = [
        PartitionByMonth("notification", "created_at", months_ahead=3),
        pgtrigger.migrations.RemoveTrigger(
            model_name="notification",
            name="audit",
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="notification",
            trigger=pgtrigger.compiler.Trigger(name='audit', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE uid uuid; rid uuid; old_j jsonb; new_j jsonb; old_full jsonb; new_full jsonb;', func="uid := NULLIF(current_setting('concierge.acting_user_id', true), '')::uuid; IF TG_OP = 'INSERT' THEN new_j := to_jsonb(NEW) - ARRAY[]::text[]; rid := NEW.id; ELSIF TG_OP = 'DELETE' THEN old_j := to_jsonb(OLD) - ARRAY[]::text[]; rid := OLD.id; ELSE old_full := to_jsonb(OLD); new_full := to_jsonb(NEW); SELECT jsonb_object_agg(n.key, n.value) INTO new_j FROM jsonb_each(new_full) n WHERE n.value IS DISTINCT FROM old_full -> n.key; SELECT jsonb_object_agg(o.key, o.value) INTO old_j FROM jsonb_each(old_full) o WHERE o.value IS DISTINCT FROM new_full -> o.key; old_j := old_j - ARRAY['updated_at']::text[]; new_j := new_j - ARRAY['updated_at']::text[]; IF new_j IS NULL OR new_j = '{}'::jsonb THEN RETURN NULL; END IF; rid := NEW.id; END IF; INSERT INTO audit_logs (table_name, record_id, action, old_values, new_values, user_id) VALUES ('notifications', rid, TG_OP, old_j, new_j, uid); RETURN NULL;", hash='31ab19cabdf0e23eaf9d5ea9435de645f6c76175', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_audit_3fb14', table='notifications', when='AFTER')),
        ),
    ]
