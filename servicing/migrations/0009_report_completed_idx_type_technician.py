# Reports (docs/reports.md, "Indexes"): services_completed_rpt_idx also carries service_type and
# technician, so the revenue-by-type and technician tables, and every report filtered by type or
# technician, read completed jobs from the index alone. Without them each such query read the
# period's jobs from the table: ~12 700 pages for a month at scale 10, 20-90 ms.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('servicing', '0008_car_order_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='service',
            name='services_completed_rpt_idx',
        ),
        migrations.AddIndex(
            model_name='service',
            index=models.Index(condition=models.Q(('status', 'completed')), fields=['completed_date'], include=('cost', 'vehicle', 'scheduled_date', 'service_type', 'technician'), name='services_completed_rpt_idx'),
        ),
    ]
