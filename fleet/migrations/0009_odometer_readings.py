import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import concierge.db.functions


class Migration(migrations.Migration):
    dependencies = [
        ("fleet", "0008_client_plate_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="OdometerReading",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("read_on", models.DateField()),
                ("mileage", models.IntegerField(validators=[django.core.validators.MinValueValidator(0)])),
                ("source", models.CharField(choices=[("added", "Car added"), ("admin", "Staff edit"), ("import", "Import"), ("booking", "At booking"), ("completion", "At completion"), ("audit", "Recovered from the audit trail")], max_length=12)),
                ("flag", models.CharField(blank=True, choices=[("", "Used"), ("backwards", "Lower than an earlier reading"), ("jump", "Impossible jump since the previous reading")], db_default="", default="", max_length=12)),
                ("created_at", models.DateTimeField(db_default=concierge.db.functions.CurrentTimestamp(), editable=False)),
                ("vehicle", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="odometer_readings", to="fleet.vehicle")),
            ],
            options={
                "db_table": "odometer_readings",
                "ordering": ["vehicle", "read_on", "id"],
                "indexes": [models.Index(fields=["vehicle", "read_on", "id"], name="odometer_vehicle_date_idx")],
                "constraints": [models.CheckConstraint(condition=models.Q(("mileage__gte", 0)), name="odometer_mileage_not_negative")],
            },
        ),
    ]
