"""Audit the service-type catalogue from here on.

Added after 0012 filled the catalogue, so that first fill writes no audit rows: a freshly migrated
database keeps an empty audit trail (seed_scale refuses a database holding any), and the fill is
reported on the migrate output instead. Every later edit is audited like any other table.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("servicing", "0012_merge_service_type_spellings")]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name='servicetype',
            trigger=pgtrigger.compiler.Trigger(name='audit', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE uid uuid; rid uuid; old_j jsonb; new_j jsonb; old_full jsonb; new_full jsonb;', func="uid := NULLIF(current_setting('concierge.acting_user_id', true), '')::uuid; IF TG_OP = 'INSERT' THEN new_j := to_jsonb(NEW) - ARRAY[]::text[]; rid := NEW.id; ELSIF TG_OP = 'DELETE' THEN old_j := to_jsonb(OLD) - ARRAY[]::text[]; rid := OLD.id; ELSE old_full := to_jsonb(OLD); new_full := to_jsonb(NEW); SELECT jsonb_object_agg(n.key, n.value) INTO new_j FROM jsonb_each(new_full) n WHERE n.value IS DISTINCT FROM old_full -> n.key; SELECT jsonb_object_agg(o.key, o.value) INTO old_j FROM jsonb_each(old_full) o WHERE o.value IS DISTINCT FROM new_full -> o.key; old_j := old_j - ARRAY['updated_at']::text[]; new_j := new_j - ARRAY['updated_at']::text[]; IF new_j IS NULL OR new_j = '{}'::jsonb THEN RETURN NULL; END IF; rid := NEW.id; END IF; INSERT INTO audit_logs (table_name, record_id, action, old_values, new_values, user_id) VALUES (TG_TABLE_NAME, rid, TG_OP, old_j, new_j, uid); RETURN NULL;", hash='7ab47d3523b8984faa4ee75066822302afaad911', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_audit_ac0a9', table='service_types', when='AFTER')),
        ),
    ]
