# Who owned a car, and when (fleet.models.VehicleOwnership). btree_gist lets one exclusion constraint
# compare the car's id with `=` beside the periods' overlap; ON DELETE CASCADE in the database, as
# every table pointing at a car or a client (0014: the foreign keys exist only at this one's end).

import concierge.db.functions
import django.contrib.postgres.constraints
import django.contrib.postgres.functions
import django.db.models.deletion
import fleet.models
import pgtrigger.compiler
import pgtrigger.migrations
import uuid
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0012_client_preferred_language'),
        ('fleet', '0012_odometer_correction'),
    ]

    operations = [
        BtreeGistExtension(),
        migrations.CreateModel(
            name='VehicleOwnership',
            fields=[
                ('id', models.UUIDField(db_default=django.contrib.postgres.functions.RandomUUID(), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('started_at', models.DateTimeField()),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(db_default=concierge.db.functions.CurrentTimestamp(), editable=False)),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='vehicle_ownerships', to='clients.client')),
                ('vehicle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ownerships', to='fleet.vehicle')),
            ],
            options={
                'db_table': 'vehicle_ownerships',
                'ordering': ['vehicle', 'started_at'],
                'indexes': [models.Index(fields=['vehicle', 'client', 'started_at'], name='vehicle_ownerships_lookup_idx'), models.Index(fields=['client', 'started_at'], name='vehicle_ownerships_client_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('ended_at__isnull', True)), fields=('vehicle',), name='vehicle_ownerships_one_open', violation_error_message='This car already has a current owner.'), models.CheckConstraint(condition=models.Q(('ended_at__isnull', True), ('ended_at__gt', models.F('started_at')), _connector='OR'), name='vehicle_ownerships_ends_after_start'), django.contrib.postgres.constraints.ExclusionConstraint(expressions=[('vehicle', '='), (fleet.models.TimestampRange('started_at', 'ended_at'), '&&')], name='vehicle_ownerships_no_overlap')],
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='vehicleownership',
            trigger=pgtrigger.compiler.Trigger(name='audit', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE uid uuid; rid uuid; old_j jsonb; new_j jsonb; old_full jsonb; new_full jsonb;', func="uid := NULLIF(current_setting('concierge.acting_user_id', true), '')::uuid; IF TG_OP = 'INSERT' THEN new_j := to_jsonb(NEW) - ARRAY[]::text[]; rid := NEW.id; ELSIF TG_OP = 'DELETE' THEN old_j := to_jsonb(OLD) - ARRAY[]::text[]; rid := OLD.id; ELSE old_full := to_jsonb(OLD); new_full := to_jsonb(NEW); SELECT jsonb_object_agg(n.key, n.value) INTO new_j FROM jsonb_each(new_full) n WHERE n.value IS DISTINCT FROM old_full -> n.key; SELECT jsonb_object_agg(o.key, o.value) INTO old_j FROM jsonb_each(old_full) o WHERE o.value IS DISTINCT FROM new_full -> o.key; old_j := old_j - ARRAY['updated_at']::text[]; new_j := new_j - ARRAY['updated_at']::text[]; IF new_j IS NULL OR new_j = '{}'::jsonb THEN RETURN NULL; END IF; rid := NEW.id; END IF; INSERT INTO audit_logs (table_name, record_id, action, old_values, new_values, user_id) VALUES (TG_TABLE_NAME, rid, TG_OP, old_j, new_j, uid); RETURN NULL;", hash='c9c1a1fa9c2d58a63d0911553a784eaa9128efae', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_audit_7382c', table='vehicle_ownerships', when='AFTER')),
        ),
    ]
