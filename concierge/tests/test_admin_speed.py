"""The shared admin pieces for speed at scale (concierge/admin/): estimated counts, indexed filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from concierge.admin import paginators
from concierge.admin.filters import indexed_distinct_values
from servicing.models import Service
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def _reltuples():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'services'")
        return cursor.fetchone()[0]


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
