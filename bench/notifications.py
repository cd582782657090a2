"""`make bench-notifications`: end-to-end notifications per second through one Celery worker with the
console backends, against a no-op Celery task on the same Redis in the same run.

End to end: N jobs are completed here (commit → events → the worker runs the workflow → writes an
SMS and an email notification → delivers each through the console backends). The clock runs from
the first completion to the last notification `sent`. The baseline: as many no-op tasks as the run
needed tasks, through the same worker (solo pool) and Redis. Uses a throwaway database
(concierge_bench) and a Redis of its own, so the development data is untouched.
"""

import argparse
import datetime
import os
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=300, help="jobs completed (2 notifications each; default 300)")
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")

    from concierge.processes import DedicatedRedis

    # Broker and cache both on a Redis of the benchmark's own, for this process and the worker.
    redis_server = DedicatedRedis().start()
    os.environ["REDIS_URL"] = redis_server.url
    try:
        _with_database(args.jobs, redis_server)
    finally:
        redis_server.close()


def _with_database(jobs, redis_server):
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = "concierge_bench"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(jobs, redis_server)
    finally:
        connection.creation.destroy_test_db("concierge_bench", verbosity=0)


def run(jobs, redis_server):
    from django.core.cache import cache

    from bench.notifications_tasks import noop
    from concierge.processes import CeleryProcess, process_env, wait_until
    from concierge.workflows.models import Event, Workflow
    from notifications.models import Notification, NotificationStatus
    from servicing.services import service_complete

    env = process_env(
        redis_url=redis_server.url, DJANGO_SETTINGS_MODULE="concierge.settings.local", LOG_LEVEL="WARNING",
        SMS_BACKEND="notifications.backends.sms.ConsoleSMSBackend",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        NOTIFICATION_SWEEP_INTERVAL=3600, WORKFLOWS_TIME_EVENTS_INTERVAL=3600,
    )
    log_dir = redis_server.dir  # removed with the Redis at the end
    worker = CeleryProcess("worker", env, "-I", "bench.notifications_tasks", log_dir=log_dir).wait_ready()
    try:
        Workflow.objects.create(name="bench", trigger_event="service_completed", actions=[
            {"type": "send_notification", "channel": "SMS", "template": "Hi {{ first_name }}, {{ plate }} is ready. {{ cost }}"},
            {"type": "send_notification", "channel": "email", "subject": "{{ plate }} is ready",
             "template": "Hi {{ first_name }}, your {{ car }} is ready. {{ cost }}"},
        ])
        services = jobs_in_progress(jobs)
        # Their creation events are not part of the measurement: wait for the worker to clear them.
        wait_until(lambda: not Event.objects.filter(processed_at__isnull=True).exists(), timeout=600, interval=0.2)

        start = time.perf_counter()
        for service in services:
            service_complete(service=service)
        expected = 2 * jobs
        wait_until(lambda: Notification.objects.filter(status=NotificationStatus.SENT).count() >= expected,
                   timeout=1800, interval=0.1)
        e2e_seconds = time.perf_counter() - start
        sent = Notification.objects.filter(status=NotificationStatus.SENT).count()
        failed = Notification.objects.filter(status=NotificationStatus.FAILED).count()
        # Tasks the run took: one workflow run per job (service_completed; nobody listens to
        # service_status_changed, so it queues nothing) and one delivery per notification.
        tasks = Event.objects.filter(name="service_completed").count() + sent

        marker = f"bench-{uuid.uuid4()}"
        start = time.perf_counter()
        for _ in range(tasks - 1):
            noop.apply_async()
        noop.apply_async(kwargs={"marker": marker})
        wait_until(lambda: cache.get(marker) is not None, timeout=1800, interval=0.05)
        noop_seconds = time.perf_counter() - start
    finally:
        worker.stop()

    notif_rate = sent / e2e_seconds
    noop_rate = tasks / noop_seconds
    print(f"jobs completed:             {jobs}")
    print(f"notifications sent:         {sent} (failed {failed}); SMS + email, console backends, one worker (solo pool)")
    print(f"end to end:                 {e2e_seconds:.2f} s  →  {notif_rate:.1f} notifications/s")
    print(f"celery tasks in that run:   {tasks} ({tasks / sent:.1f} per notification)")
    print(f"no-op baseline:             {tasks} tasks in {noop_seconds:.2f} s  →  {noop_rate:.1f} tasks/s")
    print(f"overhead ratio:             {noop_rate / notif_rate:.1f}× (no-op tasks/s ÷ notifications/s)")
    print(f"per task:                   {tasks / e2e_seconds:.1f} tasks/s end to end vs {noop_rate:.1f} no-op "
          f"→ each real task costs {noop_rate / (tasks / e2e_seconds):.1f}× a no-op")


def jobs_in_progress(count):
    """`count` jobs in progress, each on its own client (with a phone and an email) and car, saved one
    by one as the front desk does (each save fires its creation events, as in the shop)."""
    from clients.models import Client
    from fleet.models import Vehicle
    from fleet.services import vehicle_create
    from servicing.models import Service, ServiceStatus

    run = uuid.uuid4().hex[:8]
    services = []
    for n in range(count):
        client = Client.objects.create(
            first_name="Wanjiru", last_name="Ndegwa", email=f"bench-{run}-{n}@example.co.ke",
            phone=f"+2547{n % 100000000:08d}", address="Ngong Road, Nairobi", consent_gdpr=True)
        # Through fleet.services, as the desk's: the car's owner period with it (the status links need it).
        car = vehicle_create(vehicle=Vehicle(
            client=client, make="Toyota", model="Fielder", year=2014, vin=f"JTDBT923{n:09d}",
            license_plate=f"KD{chr(65 + n // 26000 % 26)} {n % 1000:03d}{chr(65 + n // 1000 % 26)}", mileage=85000))
        services.append(Service.objects.create(
            vehicle=car, service_type="Oil Change", description="Engine oil and filter",
            status=ServiceStatus.IN_PROGRESS, scheduled_date=datetime.date.today(), cost=Decimal("4500.00"),
            technician="Peter Kamau"))
    return services


if __name__ == "__main__":
    # As a script (make bench-notifications) only: importing jobs_in_progress changes no environment.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings.local")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    main()
