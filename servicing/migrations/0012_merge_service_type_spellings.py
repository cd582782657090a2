"""Fill the service-type catalogue and merge the spellings staff typed for one type.

Jobs' `service_type` was free text, so "Full Service" and "Full service", "Oil Change" and "Oil  change"
became separate filter choices and report rows. Spellings equal once case and spaces are ignored are
one type: every job is rewritten to one name (the shop's standard name when it is one of them, otherwise
the spelling most jobs used), each merge is reported on the migrate output and the log, and each name
becomes a catalogue row. The rewrite goes through the audit trigger like any other update.
"""

import logging
from collections import defaultdict

from django.db import migrations
from django.db.models import Count

logger = logging.getLogger("servicing.migrations")

# The shop's standard types (the demo data's), offered even before any job uses them.
STANDARD_NAMES = [
    "AC Service", "Battery Replacement", "Brake Repair", "Car Wash & Detailing", "Engine Diagnostics",
    "Full Service", "Oil Change", "Suspension Repair", "Tyre Replacement", "Wheel Alignment",
]


def _tidy(name):
    return " ".join(name.split())


def _key(name):
    return _tidy(name).casefold()


def merge_service_type_spellings(apps, schema_editor):
    Service = apps.get_model("servicing", "Service")
    ServiceType = apps.get_model("servicing", "ServiceType")
    alias = schema_editor.connection.alias
    spellings = defaultdict(list)
    for row in Service.objects.using(alias).order_by().values("service_type").annotate(jobs=Count("id")):
        if _key(row["service_type"]):
            spellings[_key(row["service_type"])].append((row["service_type"], row["jobs"]))
    names = {_key(name): name for name in STANDARD_NAMES}
    merged = []
    for key, found in sorted(spellings.items()):
        # The standard name, or the spelling on most jobs (ties: the one sorting first), tidied.
        canonical = names.get(key) or _tidy(sorted(found, key=lambda s: (-s[1], s[0]))[0][0])
        names[key] = canonical
        for spelling, jobs in sorted(found):
            if spelling != canonical:
                Service.objects.using(alias).filter(service_type=spelling).update(service_type=canonical)
                merged.append((spelling, jobs, canonical))
    existing = {_key(name) for name in ServiceType.objects.using(alias).values_list("name", flat=True)}
    ServiceType.objects.using(alias).bulk_create(
        [ServiceType(name=name) for key, name in sorted(names.items()) if key not in existing]
    )
    for spelling, jobs, canonical in merged:
        line = f"service types: merged {spelling!r} ({jobs} job(s)) into {canonical!r}"
        print(f"\n  {line}", end="")
        logger.info(line)
    summary = f"service types: {len(names)} in the catalogue, {len(merged)} spelling(s) merged"
    print(f"\n  {summary}")
    logger.info(summary)


class Migration(migrations.Migration):
    dependencies = [("servicing", "0011_service_type_catalogue")]

    operations = [migrations.RunPython(merge_service_type_spellings, migrations.RunPython.noop)]
