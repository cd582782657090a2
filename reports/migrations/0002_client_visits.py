# report_client_visits: per client, the first and last day a job was completed, the completed and
# the open jobs (docs/reports.md, "Client visits"). The table; 0003 adds the triggers keeping it.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0006_clients_list_order_index'),
        ('reports', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='ClientVisits',
            fields=[
                ('client', models.OneToOneField(db_column='client_id', on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='report_visits', serialize=False, to='clients.client')),
                ('first_visit', models.DateField(null=True)),
                ('last_visit', models.DateField(null=True)),
                ('completed_jobs', models.PositiveIntegerField(db_default=0, default=0)),
                ('open_jobs', models.PositiveIntegerField(db_default=0, default=0)),
            ],
            options={
                'db_table': 'report_client_visits',
                'default_permissions': (),
                'indexes': [models.Index(condition=models.Q(('open_jobs', 0)), fields=['last_visit'], name='report_client_visits_lapsed')],
            },
        ),
    ]
