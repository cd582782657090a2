# Opt-out by reply and message categories (docs/notifications.md, "Opt-out, consent and quiet hours"):
# incoming texts as received, each phone number's consent and its history, and a category on every message.

import concierge.db.functions
import django.contrib.postgres.functions
import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0011_portal_models_move_to_portal_app'),
        ('fleet', '0008_client_plate_index'),
        ('notifications', '0014_notification_language'),
        ('servicing', '0015_scheduled_date_bounds'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ConsentChange',
            fields=[
                ('id', models.UUIDField(db_default=django.contrib.postgres.functions.RandomUUID(), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('phone_hash', models.CharField(db_index=True, editable=False, max_length=64)),
                ('phone_masked', models.CharField(blank=True, default='', max_length=20, verbose_name='phone')),
                ('opted_out', models.BooleanField(verbose_name='opted out')),
                ('at', models.DateTimeField(db_default=concierge.db.functions.CurrentTimestamp(), editable=False)),
                ('method', models.CharField(choices=[('reply', 'SMS reply'), ('staff', 'Recorded by staff (in person)')], max_length=10, verbose_name='how')),
                ('keyword', models.CharField(blank=True, default='', max_length=20)),
                ('note', models.CharField(blank=True, default='', max_length=200)),
            ],
            options={
                'db_table': 'notification_consent_changes',
                'ordering': ['-at'],
            },
        ),
        migrations.CreateModel(
            name='InboundMessage',
            fields=[
                ('id', models.UUIDField(db_default=django.contrib.postgres.functions.RandomUUID(), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('received_at', models.DateTimeField(db_default=concierge.db.functions.CurrentTimestamp(), editable=False)),
                ('provider_message_id', models.CharField(blank=True, default='', max_length=100, verbose_name='message id')),
                ('phone_hash', models.CharField(blank=True, default='', editable=False, max_length=64)),
                ('phone_masked', models.CharField(blank=True, default='', max_length=20, verbose_name='from')),
                ('to', models.CharField(blank=True, default='', max_length=20, verbose_name='to (our number)')),
                ('link_id', models.CharField(blank=True, default='', max_length=100)),
                ('provider_date', models.CharField(blank=True, default='', max_length=40, verbose_name='sent at (provider)')),
                ('keyword', models.CharField(blank=True, default='', help_text='The keyword it starts with, if any.', max_length=20)),
                ('processed_at', models.DateTimeField(blank=True, null=True)),
                ('outcome', models.CharField(blank=True, choices=[('', 'Not processed yet'), ('opted_out', 'Opted out'), ('opted_in', 'Subscribed again'), ('unchanged', 'Already in that state (confirmed again)'), ('no_keyword', 'No keyword: nothing to do'), ('invalid', 'Refused: invalid fields')], default='', max_length=20)),
                ('detail', models.CharField(blank=True, default='', max_length=200)),
                ('confirmation_id', models.UUIDField(blank=True, help_text='The confirmation SMS sent back.', null=True)),
            ],
            options={
                'db_table': 'notification_inbound_messages',
                'ordering': ['-received_at'],
            },
        ),
        migrations.CreateModel(
            name='PhoneConsent',
            fields=[
                ('id', models.UUIDField(db_default=django.contrib.postgres.functions.RandomUUID(), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('phone_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('phone_masked', models.CharField(blank=True, default='', max_length=20, verbose_name='phone')),
                ('opted_out', models.BooleanField(default=False, verbose_name='opted out')),
                ('changed_at', models.DateTimeField()),
                ('method', models.CharField(choices=[('reply', 'SMS reply'), ('staff', 'Recorded by staff (in person)')], max_length=10, verbose_name='how')),
                ('keyword', models.CharField(blank=True, default='', help_text='The word the owner replied.', max_length=20)),
            ],
            options={
                'verbose_name': 'messaging consent',
                'db_table': 'notification_phone_consents',
            },
        ),
        migrations.AddField(
            model_name='notification',
            name='category',
            field=models.CharField(choices=[('service', "Service (the owner's job needs it)"), ('reminder', 'Reminder'), ('marketing', 'Marketing'), ('confirmation', 'Opt-out / opt-in confirmation')], db_default='service', default='service', max_length=12),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(('category__in', ['service', 'reminder', 'marketing', 'confirmation'])), name='notifications_category_check'),
        ),
        migrations.AddField(
            model_name='consentchange',
            name='changed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='inboundmessage',
            index=models.Index(condition=models.Q(('processed_at__isnull', True)), fields=['received_at'], name='inbound_messages_unprocessed'),
        ),
        migrations.AddConstraint(
            model_name='inboundmessage',
            constraint=models.UniqueConstraint(condition=models.Q(('provider_message_id', ''), _negated=True), fields=('provider_message_id',), name='inbound_messages_provider_id_unique'),
        ),
        migrations.AddField(
            model_name='consentchange',
            name='inbound',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='notifications.inboundmessage'),
        ),
        migrations.AddField(
            model_name='phoneconsent',
            name='changed_by',
            field=models.ForeignKey(blank=True, help_text='The staff member, for a change recorded in person.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='consentchange',
            trigger=pgtrigger.compiler.Trigger(name='audit', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE uid uuid; rid uuid; old_j jsonb; new_j jsonb; old_full jsonb; new_full jsonb;', func="uid := NULLIF(current_setting('concierge.acting_user_id', true), '')::uuid; IF TG_OP = 'INSERT' THEN new_j := to_jsonb(NEW) - ARRAY['phone_hash']::text[]; rid := NEW.id; ELSIF TG_OP = 'DELETE' THEN old_j := to_jsonb(OLD) - ARRAY['phone_hash']::text[]; rid := OLD.id; ELSE old_full := to_jsonb(OLD); new_full := to_jsonb(NEW); SELECT jsonb_object_agg(n.key, n.value) INTO new_j FROM jsonb_each(new_full) n WHERE n.value IS DISTINCT FROM old_full -> n.key; SELECT jsonb_object_agg(o.key, o.value) INTO old_j FROM jsonb_each(old_full) o WHERE o.value IS DISTINCT FROM new_full -> o.key; old_j := old_j - ARRAY['phone_hash', 'updated_at']::text[]; new_j := new_j - ARRAY['phone_hash', 'updated_at']::text[]; IF new_j IS NULL OR new_j = '{}'::jsonb THEN RETURN NULL; END IF; rid := NEW.id; END IF; INSERT INTO audit_logs (table_name, record_id, action, old_values, new_values, user_id) VALUES (TG_TABLE_NAME, rid, TG_OP, old_j, new_j, uid); RETURN NULL;", hash='12a1141c098c0fd31acfeb15f0914b1672636a83', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_audit_ad75a', table='notification_consent_changes', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='phoneconsent',
            trigger=pgtrigger.compiler.Trigger(name='audit', sql=pgtrigger.compiler.UpsertTriggerSql(declare='DECLARE uid uuid; rid uuid; old_j jsonb; new_j jsonb; old_full jsonb; new_full jsonb;', func="uid := NULLIF(current_setting('concierge.acting_user_id', true), '')::uuid; IF TG_OP = 'INSERT' THEN new_j := to_jsonb(NEW) - ARRAY['phone_hash']::text[]; rid := NEW.id; ELSIF TG_OP = 'DELETE' THEN old_j := to_jsonb(OLD) - ARRAY['phone_hash']::text[]; rid := OLD.id; ELSE old_full := to_jsonb(OLD); new_full := to_jsonb(NEW); SELECT jsonb_object_agg(n.key, n.value) INTO new_j FROM jsonb_each(new_full) n WHERE n.value IS DISTINCT FROM old_full -> n.key; SELECT jsonb_object_agg(o.key, o.value) INTO old_j FROM jsonb_each(old_full) o WHERE o.value IS DISTINCT FROM new_full -> o.key; old_j := old_j - ARRAY['phone_hash', 'updated_at']::text[]; new_j := new_j - ARRAY['phone_hash', 'updated_at']::text[]; IF new_j IS NULL OR new_j = '{}'::jsonb THEN RETURN NULL; END IF; rid := NEW.id; END IF; INSERT INTO audit_logs (table_name, record_id, action, old_values, new_values, user_id) VALUES (TG_TABLE_NAME, rid, TG_OP, old_j, new_j, uid); RETURN NULL;", hash='e11a949baf993bb7fc3ddf12168eefafc9720116', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_audit_d0bef', table='notification_phone_consents', when='AFTER')),
        ),
    ]
