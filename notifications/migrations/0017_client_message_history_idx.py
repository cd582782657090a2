# The client page lists the client's latest messages beside their consent: newest first, by client.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0011_portal_models_move_to_portal_app'),
        ('fleet', '0008_client_plate_index'),
        ('notifications', '0016_workflow_message_categories'),
        ('servicing', '0015_scheduled_date_bounds'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(models.F('client'), models.OrderBy(models.F('created_at'), descending=True), name='notifications_client_idx'),
        ),
    ]
