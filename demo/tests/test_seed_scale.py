import datetime
import statistics

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, F, Q

from clients.models import Client
from concierge.audit.models import AuditLog
from demo.scale import PER_SCALE, targets
from demo.scale_copy import copy_rows
from fleet.models import Vehicle
from notifications.models import Notification
from servicing.models import Service, ServiceStatus

# seed_scale loads as the owner role (TRUNCATE, VACUUM): the connection is the owner's.
pytestmark = [pytest.mark.django_db, pytest.mark.owner_role]

MODELS = {"clients": Client, "vehicles": Vehicle, "services": Service, "notifications": Notification,
          "audit_logs": AuditLog}


def seed(scale, **options):
    call_command("seed_scale", scale=scale, no_progress=True, **options)


def counts():
    return {table: model.objects.count() for table, model in MODELS.items()}


def test_counts_are_the_scale_times_the_issue_figures():
    seed(0.001)
    assert counts() == {table: round(n * 0.001) for table, n in PER_SCALE.items()}


def test_fractional_scales_round_and_keep_a_car_per_client():
    assert targets(0.00001)["clients"] == 1
    assert targets(0.0001) == {"clients": 1, "vehicles": 2, "services": 10, "notifications": 30, "audit_logs": 100}


def test_every_row_points_at_rows_that_exist_and_agree():
    seed(0.002)
    assert not Service.objects.filter(~Q(vehicle__in=Vehicle.objects.all())).exists()
    assert not Vehicle.objects.filter(~Q(client__in=Client.objects.all())).exists()
    # A message about a car goes to the car's owner, about a job to that job's car.
    assert not Notification.objects.exclude(client=F("vehicle__client")).exists()
    assert not Notification.objects.filter(service__isnull=False).exclude(vehicle=F("service__vehicle")).exists()
    for table in ("clients", "vehicles", "services", "notifications"):
        recorded = set(AuditLog.objects.filter(table_name=table).values_list("record_id", flat=True))
        assert recorded and recorded <= set(MODELS[table].objects.values_list("pk", flat=True)), table


def test_completed_dates_follow_scheduled_dates_and_only_completed_jobs_have_one():
    seed(0.002)
    assert not Service.objects.filter(completed_date__lt=F("scheduled_date")).exists()
    assert not Service.objects.filter(status=ServiceStatus.COMPLETED, completed_date=None).exists()
    assert not Service.objects.exclude(status=ServiceStatus.COMPLETED).exclude(completed_date=None).exists()
    assert not Service.objects.filter(completed_date__gt=datetime.date.today()).exists()


def test_emails_plates_and_vins_are_unique_and_well_formed():
    seed(0.005)
    emails = list(Client.objects.values_list("email", flat=True))
    plates = list(Vehicle.objects.values_list("license_plate", flat=True))
    vins = list(Vehicle.objects.values_list("vin", flat=True))
    assert len(set(emails)) == len(emails) and len(set(plates)) == len(plates) and len(set(vins)) == len(vins)
    assert all(len(v) == 17 and not set(v) & set("IOQ") for v in vins)
    assert all(p[0] == "K" and p[3] == " " and len(p) == 8 for p in plates)
    assert all(phone.startswith("+2547") and len(phone) == 13
               for phone in Client.objects.exclude(phone=None).values_list("phone", flat=True))


def test_distributions_look_like_a_shop():
    seed(0.01)
    statuses = dict(Service.objects.values_list("status").annotate(n=Count("pk")))
    total = sum(statuses.values())
    assert statuses[ServiceStatus.COMPLETED] / total > 0.85
    active = statuses.get(ServiceStatus.PENDING, 0) + statuses.get(ServiceStatus.IN_PROGRESS, 0)
    assert 0 < active / total < 0.03  # "a few hundred" at scale 1
    first, last = Service.objects.order_by("scheduled_date").values_list("scheduled_date", flat=True)[::total - 1]
    assert (last - first).days > 4 * 365
    jobs = sorted(Client.objects.annotate(n=Count("vehicles__services")).values_list("n", flat=True))
    assert jobs[-1] > 5 * statistics.median(jobs)  # a long tail of busy clients
    assert Client.objects.annotate(n=Count("vehicles")).filter(n__gte=3).exists()


def test_the_same_seed_makes_the_same_shop():
    seed(0.001, seed=7)
    first = list(Vehicle.objects.order_by("pk").values_list("pk", "license_plate", "vin", "client__email"))
    seed(0.001, seed=7, force=True)
    assert list(Vehicle.objects.order_by("pk").values_list("pk", "license_plate", "vin", "client__email")) == first
    seed(0.001, seed=8, force=True)
    assert list(Vehicle.objects.order_by("pk").values_list("pk", "license_plate", "vin", "client__email")) != first


def test_refuses_a_database_with_data_unless_forced():
    seed(0.001)
    with pytest.raises(CommandError, match="already has rows in clients.*--force"):
        seed(0.001)
    seed(0.001, force=True)
    assert counts()["clients"] == 10  # replaced, not added to


@pytest.mark.parametrize("scale", [0, -1, 10_000])
def test_rejects_a_nonsense_scale(scale):
    with pytest.raises(CommandError, match="--scale"):
        seed(scale)


def test_a_row_missing_a_column_stops_the_copy_and_writes_nothing():
    class Progress:
        def update(self, n):
            pass

    rows = [{"table_name": "clients", "record_id": "00000000-0000-4000-8000-000000000000", "action": "INSERT"},
            {"table_name": "clients", "action": "INSERT"}]
    with pytest.raises(ValueError, match="a row has columns"):
        with transaction.atomic(), connection.cursor() as cursor:
            copy_rows(cursor.cursor, "audit_logs", rows, Progress())
    assert not AuditLog.objects.exists()


def test_contact_details_read_back_through_the_model_as_written():
    # Holds whether the columns are plain or encrypted: the seeder writes them as the fields would.
    seed(0.001)
    for client in Client.objects.all():
        assert client.email.startswith(f"{client.first_name}.{client.last_name}".lower())
        assert client.phone is None or client.phone.startswith("+254")


def test_messages_carry_their_delivery_history():
    seed(0.002)
    assert not Notification.objects.filter(status="failed").filter(Q(error="") | Q(sent_at__isnull=False)).exists()
    assert not Notification.objects.filter(status="sent").filter(Q(sent_at__lt=F("created_at")) | ~Q(error="")).exists()
    # Spread over the years, not all written on the day of seeding.
    assert Notification.objects.filter(created_at__year__lt=datetime.date.today().year - 2).exists()


def test_every_scaled_car_has_its_owner_from_its_first_job():
    from django.db.models import OuterRef

    from fleet.models import VehicleOwnership
    from fleet.selectors import owned_by_at

    seed(0.001)
    assert VehicleOwnership.objects.filter(ended_at=None).count() == Vehicle.objects.count()
    assert not VehicleOwnership.objects.exclude(client=F("vehicle__client")).exists()
    owned = Service.objects.filter(owned_by_at(client_id=OuterRef("vehicle__client"))).count()
    assert owned == Service.objects.count()
