import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from concierge.db.roles import as_owner
from demo.scale import MAX_SCALE, PER_SCALE, targets
from demo.scale_copy import seed_scale, tables_with_rows
from forecasting.services import predictions_refresh


class Command(BaseCommand):
    help = (
        "Fill an empty database with a shop at scale N (five years of history): about "
        + ", ".join(f"N×{n:,} {table}" for table, n in PER_SCALE.items())
        + ". Loaded with COPY in one transaction; every constraint, index and trigger stays on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, required=True,
                            help="size of the shop; fractions allowed (0.01 = 100 clients)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed: the same seed, the same shop")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="database alias (default: default)")
        parser.add_argument("--force", action="store_true",
                            help="empty clients, vehicles, services, notifications and audit_logs first "
                                 "(TRUNCATE ... CASCADE): their current rows are lost")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, scale, seed, database, force, no_progress, **options):
        if not 0 < scale <= MAX_SCALE:
            raise CommandError(f"--scale must be above 0 and at most {MAX_SCALE} (got {scale:g})")
        if database not in connections:
            raise CommandError(f"--database {database!r} is not in settings.DATABASES")
        try:
            import tqdm  # noqa: F401
        except ImportError:
            raise CommandError("seed_scale is a development command: install requirements-dev.txt (it needs tqdm)") from None
        occupied = tables_with_rows(using=database)
        if occupied and not force:
            raise CommandError(
                f"The database {database!r} already has rows in {', '.join(occupied)}: seed_scale fills an empty "
                "database only, so that the figures measured on it mean scale N. Use a separate database, or "
                "pass --force to TRUNCATE clients, vehicles, services, notifications and audit_logs (CASCADE) "
                "first — their current rows are lost."
            )
        wanted = targets(scale)
        self.stderr.write("Seeding scale {:g}: {}".format(scale, ", ".join(f"{n:,} {t}" for t, n in wanted.items())))
        started = time.monotonic()
        # As the owner role: TRUNCATE and VACUUM (ANALYZE) are the owner's (concierge/db/roles.py).
        with as_owner(database):
            counts = seed_scale(scale=scale, seed=seed, today=timezone.localdate(), using=database,
                                replace=bool(occupied), progress=not no_progress)
        # Each car's predicted services from the history just loaded, as the nightly task would (no event
        # is fired: loading history must not remind anyone).
        # forecasting works on the default database only.
        if database == DEFAULT_DB_ALIAS:
            counts["service_predictions"] = predictions_refresh()
        self.stdout.write(self.style.SUCCESS(
            f"Scale {scale:g} loaded in {time.monotonic() - started:.0f} s: "
            + ", ".join(f"{n:,} {table}" for table, n in counts.items())
        ))
