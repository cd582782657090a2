"""The seed's TIMESTAMP columns hold UTC; Nairobi dates and months must still come out right."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models.functions import TruncMonth

from clients.models import Client
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

NAIROBI = ZoneInfo("Africa/Nairobi")
# 22:30 UTC on 31 January is 01:30 on 1 February in Nairobi (UTC+3).
LATE_JANUARY_UTC = datetime.datetime(2026, 1, 31, 22, 30, tzinfo=datetime.timezone.utc)


@pytest.fixture
def client_created_late_january():
    client = ClientFactory()
    Client.objects.filter(pk=client.pk).update(created_at=LATE_JANUARY_UTC)
    return client


def test_aware_datetime_is_stored_as_utc_wall_time(client_created_late_january):
    with connection.cursor() as cursor:
        cursor.execute("SELECT created_at FROM clients WHERE id = %s", [client_created_late_january.id])
        assert cursor.fetchone()[0] == datetime.datetime(2026, 1, 31, 22, 30)


def test_datetime_reads_back_aware_and_equal(client_created_late_january):
    client_created_late_january.refresh_from_db()
    assert client_created_late_january.created_at == LATE_JANUARY_UTC


def test_date_lookup_uses_nairobi_date(client_created_late_january):
    assert Client.objects.filter(created_at__date=datetime.date(2026, 2, 1)).count() == 1
    assert Client.objects.filter(created_at__date=datetime.date(2026, 1, 31)).count() == 0


def test_trunc_month_uses_nairobi_month(client_created_late_january):
    month = Client.objects.annotate(m=TruncMonth("created_at")).values_list("m", flat=True).get()
    assert month == datetime.datetime(2026, 2, 1, tzinfo=NAIROBI)


def test_range_filter_with_aware_bounds(client_created_late_january):
    start = datetime.datetime(2026, 2, 1, tzinfo=NAIROBI)
    assert Client.objects.filter(created_at__gte=start).count() == 1
    assert Client.objects.filter(created_at__gte=start + datetime.timedelta(hours=2)).count() == 0
