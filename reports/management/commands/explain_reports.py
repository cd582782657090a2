"""Print PostgreSQL's plan for every report query: how the indexes in docs/reports.md were chosen."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.test.utils import CaptureQueriesContext

from reports import selectors
from reports.periods import PRESETS, months_ending, preset_period, shop_today
from reports.routers import reading_reports, reports_db_alias


def _report_queries(period):
    start, end = months_ending(period.end)
    return {
        "overview": lambda: selectors.overview(period=period),
        "revenue_by_month": lambda: selectors.revenue_by_month(start=start, end=end),
        "revenue_by_service_type": lambda: selectors.revenue_by_service_type(period=period),
        "top_makes_and_models": lambda: selectors.top_makes_and_models(period=period),
        "technician_performance": lambda: selectors.technician_performance(period=period),
        "new_clients_by_month": lambda: selectors.new_clients_by_month(start=start, end=end),
        "returning_clients": lambda: selectors.returning_clients(period=period),
        "lapsed_clients": lambda: list(selectors.lapsed_clients()[:50]),
        "notifications_by_channel": lambda: selectors.notifications_by_channel(period=period),
        "notifications_by_week": lambda: selectors.notifications_by_week(period=period),
    }


class Command(BaseCommand):
    help = "EXPLAIN ANALYZE every report query for a period (read-only; runs each query once more)."

    def add_arguments(self, parser):
        parser.add_argument("--period", default="this_month", choices=[p for p, _ in PRESETS if p != "custom"])
        parser.add_argument("--only", help="one selector name, e.g. overview")

    def handle(self, *args, period, only, **options):
        queries = _report_queries(preset_period(period, today=shop_today()))
        if only and only not in queries:
            raise CommandError(f"--only must be one of: {', '.join(queries)}")
        connection = connections[reports_db_alias()]
        for name, run in queries.items():
            if only and name != only:
                continue
            with reading_reports(), CaptureQueriesContext(connection) as captured:
                run()
            for number, query in enumerate(captured, 1):
                self.stdout.write(self.style.MIGRATE_HEADING(f"== {name} #{number}"))
                self.stdout.write(query["sql"])
                with connection.cursor() as cursor:
                    # The captured SQL has its parameters inlined already (psycopg 3's mogrify).
                    cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) " + query["sql"])
                    self.stdout.write("\n".join(row[0] for row in cursor.fetchall()))
