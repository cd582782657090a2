"""Bound a job's scheduled date (servicing.validators.validate_scheduled_date) and back it with a CHECK.

Rows already outside the bounds are not moved to some other date (that would silently change a booking):
the migration stops and names them, to be corrected by hand first.
"""

import concierge.db.functions
import datetime
import django.db.models.expressions
import servicing.validators
from django.db import migrations, models


def refuse_jobs_outside_the_bounds(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, scheduled_date FROM services WHERE scheduled_date < %s OR scheduled_date > CURRENT_DATE + 731 "
            "ORDER BY scheduled_date LIMIT 20",
            [datetime.date(2000, 1, 1)],
        )
        rows = cursor.fetchall()
    if rows:
        listed = "\n".join(f"  job {pk}: {day:%d/%m/%Y}" for pk, day in rows)
        raise RuntimeError(
            "Jobs booked before 01/01/2000 or more than two years ahead (first 20 listed); correct their "
            f"scheduled date in the admin, then migrate again:\n{listed}"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('fleet', '0008_client_plate_index'),
        ('servicing', '0014_rebook_jobs_started_early'),
    ]

    operations = [
        migrations.AlterField(
            model_name='service',
            name='scheduled_date',
            field=models.DateField(blank=True, null=True, validators=[servicing.validators.validate_scheduled_date]),
        ),
        migrations.RunPython(refuse_jobs_outside_the_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='service',
            constraint=models.CheckConstraint(condition=models.Q(('scheduled_date__isnull', True), models.Q(('scheduled_date__gte', datetime.date(2000, 1, 1)), ('scheduled_date__lte', models.ExpressionWrapper(django.db.models.expressions.CombinedExpression(concierge.db.functions.CurrentDate(), '+', models.Value(731)), output_field=models.DateField()))), _connector='OR'), name='services_scheduled_date_bounds', violation_error_message='A job is booked from 1 Jan 2000 to two years ahead.'),
        ),
    ]
