"""`make bench-reports`: each report page's server time and query count on a large shop.

Seeds a generated shop inside a transaction that is rolled back at the end (the database is left
as it was), then requests every report page in-process, several times, and prints the median time,
the query count and the ratio to a baseline measured in the same run: the admin's change-password
form, a page of the same stack (session, user, admin template) that reads no shop data. Until the benchmark issue's shared seeder lands, the data set is generated
here in SQL (generate_series), which takes seconds rather than the ORM's minutes.
"""

import statistics
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concierge.accounts.models import User
from concierge.db.roles import as_owner

SEED_SQL = """
CREATE TEMP TABLE bench_clients ON COMMIT DROP AS
  SELECT g AS n, gen_random_uuid() AS id FROM generate_series(1, %(clients)s) g;
-- email holds a placeholder, not a Fernet token: the report pages never read client emails.
INSERT INTO clients (id, first_name, last_name, email, email_hash, phone, created_at, updated_at)
  SELECT id, 'Bench' || n, 'Client' || n, 'bench' || n, 'bench' || n, NULL,
         now() - (n %% 1100) * interval '1 day', now()
  FROM bench_clients;
CREATE TEMP TABLE bench_vehicles ON COMMIT DROP AS
  SELECT g AS n, gen_random_uuid() AS id FROM generate_series(1, %(vehicles)s) g;
INSERT INTO vehicles (id, client_id, make, model, year, vin, license_plate, mileage, created_at, updated_at)
  SELECT v.id, c.id, (ARRAY['Toyota','Nissan','Mazda','Subaru','Mitsubishi'])[1 + v.n %% 5],
         (ARRAY['Probox','Note','Demio','Forester','Outlander','Fielder','X-Trail'])[1 + v.n %% 7], 2014,
         'BNCH' || lpad(v.n::text, 13, '0'), 'BENCH ' || v.n, 80000, now(), now()
  FROM bench_vehicles v JOIN bench_clients c ON c.n = 1 + v.n %% %(clients)s;
INSERT INTO services (id, vehicle_id, service_type, status, scheduled_date, completed_date, cost, technician, created_at, updated_at)
  SELECT gen_random_uuid(), v.id,
         (ARRAY['Oil Change','Brake Repair','Full Service','Tyre Replacement','Suspension Repair',
                'AC Service','Wheel Alignment','Battery Replacement','Engine Diagnostics','Car Wash'])[1 + g %% 10],
         s.status::service_status, s.scheduled, CASE WHEN s.status = 'completed' THEN s.scheduled + g %% 6 END,
         1000 + (g %% 40) * 500, 'Technician ' || (g %% 12), now(), now()
  FROM generate_series(1, %(services)s) g
  JOIN bench_vehicles v ON v.n = 1 + g %% %(vehicles)s
  CROSS JOIN LATERAL (SELECT current_date - 1100 + g %% 1110 AS scheduled) d
  CROSS JOIN LATERAL (SELECT d.scheduled, CASE
      WHEN g %% 20 = 0 THEN 'cancelled'
      WHEN d.scheduled > current_date - 10 AND g %% 3 = 0 THEN 'in_progress'
      WHEN d.scheduled > current_date - 10 THEN 'pending'
      ELSE 'completed' END AS status) s;
INSERT INTO notifications (id, type, message, sent_at, status)
  SELECT gen_random_uuid(), (ARRAY['SMS','email','in_app'])[1 + g %% 3]::notification_type, 'Bench message',
         now() - (g %% 1100) * interval '1 day',
         CASE WHEN g %% 15 = 0 THEN 'failed' WHEN g %% 33 = 0 THEN 'pending' ELSE 'sent' END
  FROM generate_series(1, %(notifications)s) g;
ANALYZE clients; ANALYZE vehicles; ANALYZE services; ANALYZE notifications;
"""

PAGES = [
    ("baseline: password form", "admin:password_change", {}),
    ("overview", "reports:overview", {}),
    ("revenue", "reports:revenue", {}),
    ("technicians", "reports:technicians", {}),
    ("clients", "reports:clients", {}),
    ("notifications", "reports:notifications", {}),
    ("overview, last year", "reports:overview", {"period": "last_year"}),
    ("revenue CSV by month", "reports:revenue-csv", {"table": "by_month"}),
]


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time every report page on a generated large shop (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--services", type=int, default=400_000)
        parser.add_argument("--runs", type=int, default=5, help="timed requests per page (after one warm-up)")

    def handle(self, *args, **options):
        # Temporary tables, ANALYZE and (when allowed) session_replication_role: the owner role's, not the
        # application role's (concierge/db/roles.py). Everything is rolled back all the same.
        with as_owner():
            return self._handle(*args, **options)

    def _handle(self, *args, services, runs, **options):
        sizes = {
            "services": services, "clients": max(services * 3 // 40, 1), "vehicles": max(services // 10, 1),
            "notifications": services * 3 // 4,
        }
        try:
            with transaction.atomic():
                started = time.perf_counter()
                self._without_triggers()
                with connection.cursor() as cursor:
                    cursor.execute(SEED_SQL, sizes)
                self.stdout.write(
                    f"seeded {sizes['clients']} clients, {sizes['vehicles']} vehicles, {sizes['services']} services, "
                    f"{sizes['notifications']} notifications in {time.perf_counter() - started:.1f} s (rolled back at the end)"
                )
                self._measure(runs)
                raise _Rollback
        except _Rollback:
            pass

    def _without_triggers(self):
        """Skip the audit (and other) triggers while seeding, for this transaction only: one audit
        row per generated row made seeding take over 15 minutes. Needs a superuser role, as the
        embedded PostgreSQL has; elsewhere the seed runs with its triggers, slowly."""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            self.stderr.write("cannot set session_replication_role (not a superuser): seeding with triggers, slowly")

    def _measure(self, runs):
        manager = User.objects.create_superuser("bench@bench.invalid", None)
        client = Client(SERVER_NAME="localhost")
        # The report pages want a session verified by a second factor, as a manager's sign-in gives.
        from concierge.accounts.verified_login import login_verified

        login_verified(client, manager)
        results = []
        for label, name, params in PAGES:
            kwargs = {"table": params["table"]} if "table" in params else {}
            query = {k: v for k, v in params.items() if k != "table"}
            url = reverse(name, kwargs=kwargs)
            client.get(url, query)  # warm-up: connection, templates, caches
            times = []
            for _ in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url, query)
                    times.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
            results.append((label, statistics.median(times), len(queries)))
        baseline = results[0][1]
        self.stdout.write(f"{'page':<24} {'median ms':>10} {'queries':>8} {'x baseline':>11}")
        for label, median, count in results:
            self.stdout.write(f"{label:<24} {median * 1000:>10.1f} {count:>8} {median / baseline:>11.1f}")
