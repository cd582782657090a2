"""The shared admin pieces for speed at scale (concierge/admin/): estimated counts, indexed filters."""

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext, isolate_apps
from django.urls import reverse

from concierge.accounts.tests.factories import login_verified
from concierge.admin import paginators
from concierge.admin.filters import indexed_distinct_values
from servicing.models import Service
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def _reltuples():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'services'")
        return cursor.fetchone()[0]


@pytest.mark.owner_role  # ANALYZE and CREATE TABLE are the owner's
def test_unfiltered_large_list_takes_the_planner_estimate_not_a_count(monkeypatch):
    ServiceFactory.create_batch(12)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE services")
    ServiceFactory.create_batch(5)  # not analysed yet: the estimate lags behind, as it does in production
    monkeypatch.setattr(paginators, "ESTIMATE_ABOVE_ROWS", 10)
    with CaptureQueriesContext(connection) as ctx:
        count = paginators.EstimatedCountPaginator(Service.objects.all(), 100).count
    assert len(ctx.captured_queries) == 1
    assert count == _reltuples() != Service.objects.count()


def test_filtered_or_small_lists_are_counted_exactly(monkeypatch):
    ServiceFactory.create_batch(3, service_type="Oil Change")
    ServiceFactory.create_batch(2, service_type="AC Service")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE services")
    ServiceFactory.create_batch(1, service_type="AC Service")
    monkeypatch.setattr(paginators, "ESTIMATE_ABOVE_ROWS", 1)
    assert paginators.EstimatedCountPaginator(Service.objects.filter(service_type="AC Service"), 100).count == 3
    monkeypatch.setattr(paginators, "ESTIMATE_ABOVE_ROWS", 1000)
    with CaptureQueriesContext(connection) as ctx:
        assert paginators.EstimatedCountPaginator(Service.objects.all(), 100).count == 6
    assert len(ctx.captured_queries) == 1  # the estimate and the exact count in one statement


@pytest.fixture
def partitioned_table():
    """A table partitioned by month, as notifications and audit_logs become: its parent holds no rows."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE speed_partitioned (id bigint, made date) PARTITION BY RANGE (made)")
        for month in (1, 2, 3):
            cursor.execute(f"CREATE TABLE speed_partitioned_{month} PARTITION OF speed_partitioned"
                           f" FOR VALUES FROM ('2026-{month:02}-01') TO ('2026-{month + 1:02}-01')")
    yield "speed_partitioned"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE speed_partitioned")


@isolate_apps("concierge.audit")
@pytest.mark.owner_role  # ANALYZE and CREATE TABLE are the owner's
def test_partitioned_table_is_estimated_as_the_sum_of_its_partitions(partitioned_table, monkeypatch):
    class Row(models.Model):
        made = models.DateField()

        class Meta:
            app_label = "audit"
            db_table = partitioned_table
            managed = False

    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {partitioned_table} SELECT g, DATE '2026-01-05' + mod(g, 40) FROM generate_series(1, 30) g")
        # Autovacuum analyses the partitions, never the parent: its reltuples stays -1.
        cursor.execute(f"ANALYZE {partitioned_table}_1; ANALYZE {partitioned_table}_2; ANALYZE {partitioned_table}_3")
        cursor.execute(f"INSERT INTO {partitioned_table} SELECT g, DATE '2026-03-01' FROM generate_series(1, 4) g")
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [partitioned_table])
        assert cursor.fetchone()[0] == -1
    monkeypatch.setattr(paginators, "ESTIMATE_ABOVE_ROWS", 10)
    paginator = paginators.EstimatedCountPaginator(Row.objects.order_by("pk"), 100)
    assert paginator.count == 30 != Row.objects.count()  # the partitions' estimates, not a COUNT(*)
    assert paginator.count_kind == paginators.ESTIMATED
    assert paginators.table_row_count(Row, using="default", exact_below=1000) == (34, False)  # small: counted


def test_filtered_list_is_counted_exactly_only_up_to_the_bound(monkeypatch):
    ServiceFactory.create_batch(7, service_type="Oil Change")
    ServiceFactory.create_batch(2, service_type="AC Service")
    monkeypatch.setattr(paginators, "COUNT_UP_TO", 5)
    with CaptureQueriesContext(connection) as ctx:
        many = paginators.EstimatedCountPaginator(Service.objects.filter(service_type="Oil Change"), 5)
        assert (many.count, many.count_kind, many.num_pages) == (5, paginators.AT_LEAST, 1)
    assert "LIMIT 6" in ctx.captured_queries[0]["sql"]
    few = paginators.EstimatedCountPaginator(Service.objects.filter(service_type="AC Service"), 5)
    assert (few.count, few.count_kind) == (2, paginators.EXACT)


@pytest.mark.owner_role  # ANALYZE and CREATE TABLE are the owner's
def test_lists_say_when_their_count_is_an_estimate_or_a_bound(client, superuser, monkeypatch):
    ServiceFactory.create_batch(3, status="completed")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE services")
    login_verified(client, superuser)
    url = reverse("admin:servicing_service_changelist")
    monkeypatch.setattr(paginators, "ESTIMATE_ABOVE_ROWS", 2)
    monkeypatch.setattr(paginators, "COUNT_UP_TO", 2)
    assert "about 3 services" in " ".join(client.get(url).content.decode().split())
    filtered = " ".join(client.get(url, {"status__exact": "completed"}).content.decode().split())
    assert "more than 2 services" in filtered
    assert "Select all services on every page" in filtered
    searched = " ".join(client.get(url, {"q": "Oil"}).content.decode().split())
    assert "more than 2 results" in searched
    monkeypatch.setattr(paginators, "COUNT_UP_TO", 100)
    exact = " ".join(client.get(url, {"status__exact": "completed"}).content.decode().split())
    assert "3 services" in exact and "more than" not in exact and "about" not in exact


def test_indexed_distinct_values_are_every_value_in_order_then_none():
    for technician in ("Wanjiru", "Otieno", "Wanjiru", None, "", "Achieng"):
        ServiceFactory(technician=technician)
    expected = sorted(set(Service.objects.exclude(technician=None).values_list("technician", flat=True)))
    assert indexed_distinct_values(Service, "technician", using="default") == [*expected, None]
    Service.objects.filter(technician=None).delete()
    assert indexed_distinct_values(Service, "technician", using="default") == expected


def test_quick_action_checkbox_is_djangos_own_html():
    from django.contrib import admin
    from django.test.html import parse_html

    from concierge.admin.changelists import QuickActionCheckboxMixin

    service = ServiceFactory()

    class Quick(QuickActionCheckboxMixin, admin.ModelAdmin):
        pass

    djangos = admin.ModelAdmin(Service, admin.site).action_checkbox(service)
    assert parse_html(Quick(Service, admin.site).action_checkbox(service)) == parse_html(djangos)
