from django.db import migrations, models

# A copy, as migrations keep their own (servicing.services.STANDARD_INTERVALS is the live one).
INTERVALS = {
    "oil change": (5_000, 6),
    "full service": (10_000, 12),
    "wheel alignment": (10_000, 6),
    "ac service": (20_000, 12),
    "brake repair": (20_000, 12),
    "suspension repair": (40_000, 24),
    "tyre replacement": (40_000, 36),
    "battery replacement": (None, 24),
}


def fill(apps, schema_editor):
    import pgtrigger

    ServiceType = apps.get_model("servicing", "ServiceType")
    # Not audited, as the catalogue's first fill (servicing.services.service_types_fill_if_empty): the
    # defaults are the database's starting state, and a fresh database's audit trail stays empty.
    with pgtrigger.ignore("servicing.ServiceType:audit", databases=[schema_editor.connection.alias]):
        for row in ServiceType.objects.filter(interval_km__isnull=True, interval_months__isnull=True):
            km, months = INTERVALS.get(row.name.lower(), (None, None))
            if km or months:
                ServiceType.objects.filter(pk=row.pk).update(interval_km=km, interval_months=months)


class Migration(migrations.Migration):
    dependencies = [("servicing", "0016_default_workflows_in_swahili")]

    operations = [
        migrations.AddField(
            model_name="servicetype", name="interval_km",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="interval (km)",
                help_text="Due again after this many km (whichever comes first with the months). Empty: no km interval.",
            ),
        ),
        migrations.AddField(
            model_name="servicetype", name="interval_months",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="interval (months)",
                help_text="Due again after this many months. Empty: no time interval.",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
