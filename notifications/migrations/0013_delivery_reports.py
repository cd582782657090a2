# Delivery reports (docs/notifications.md, "Delivery reports"): the reports as received, and the
# delivery state each SMS gets from them, apart from `status` (the provider took it).

import concierge.db.functions
import django.contrib.postgres.functions
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0012_link_made_when_sent'),
    ]

    operations = [
        migrations.CreateModel(
            name='DeliveryReport',
            fields=[
                ('id', models.UUIDField(db_default=django.contrib.postgres.functions.RandomUUID(), default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('received_at', models.DateTimeField(db_default=concierge.db.functions.CurrentTimestamp(), editable=False)),
                ('provider_message_id', models.CharField(blank=True, default='', max_length=100, verbose_name='message id')),
                ('status', models.CharField(blank=True, default='', max_length=20)),
                ('failure_reason', models.CharField(blank=True, default='', max_length=100)),
                ('phone_hash', models.CharField(blank=True, default='', editable=False, max_length=64)),
                ('phone_masked', models.CharField(blank=True, default='', max_length=20, verbose_name='phone')),
                ('fields', models.JSONField(default=dict, help_text='Every field received, the phone number masked.')),
                ('processed_at', models.DateTimeField(blank=True, null=True)),
                ('outcome', models.CharField(blank=True, choices=[('', 'Not processed yet'), ('applied', 'Applied'), ('unchanged', 'Nothing to change'), ('unknown_id', 'Unknown message id'), ('invalid', 'Refused: invalid fields'), ('phone_mismatch', "Refused: not the message's phone number")], default='', max_length=20)),
                ('detail', models.CharField(blank=True, default='', max_length=200)),
                ('notification_id', models.UUIDField(blank=True, null=True)),
            ],
            options={
                'db_table': 'notification_delivery_reports',
                'ordering': ['-received_at'],
            },
        ),
        migrations.AddField(
            model_name='notification',
            name='delivery_reason',
            field=models.CharField(blank=True, db_default='', default='', help_text="Why the network did not deliver it (the provider's failureReason).", max_length=100),
        ),
        migrations.AddField(
            model_name='notification',
            name='delivery_reported_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='notification',
            name='delivery_state',
            field=models.CharField(blank=True, choices=[('pending', 'Pending at the network'), ('delivered', 'Delivered'), ('failed', 'Not delivered')], db_default='', default='', help_text="From the provider's delivery reports; empty until the first one.", max_length=10, verbose_name='delivery'),
        ),
        migrations.AddField(
            model_name='notification',
            name='delivery_status',
            field=models.CharField(blank=True, db_default='', default='', help_text="The provider's last status: Sent, Submitted, Buffered, Success, Failed or Rejected.", max_length=20),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('provider_message_id', ''), _negated=True), fields=['provider_message_id'], name='notifications_provider_id_idx'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('status', 'failed'), ('delivery_state', 'failed'), _connector='OR'), fields=['-sent_at', '-id'], name='notifications_undelivered_idx'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('channel', 'SMS')), fields=['created_at', 'status', 'delivery_state'], name='notifications_delivery_idx'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('channel', 'SMS'), ('delivery_state', 'failed'), ('status', 'sent')), fields=['created_at', 'delivery_reason'], name='notifications_dlr_reason_idx'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(('delivery_state__in', ['', 'pending', 'delivered', 'failed'])), name='notifications_delivery_state_check'),
        ),
        migrations.AddIndex(
            model_name='deliveryreport',
            index=models.Index(fields=['provider_message_id'], name='delivery_reports_message_idx'),
        ),
        migrations.AddIndex(
            model_name='deliveryreport',
            index=models.Index(fields=['-received_at'], name='delivery_reports_received_idx'),
        ),
        migrations.AddIndex(
            model_name='deliveryreport',
            index=models.Index(condition=models.Q(('processed_at__isnull', True)), fields=['received_at'], name='delivery_reports_unprocessed'),
        ),
    ]
