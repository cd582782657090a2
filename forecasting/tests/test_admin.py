"""Staff see the services expected in the next 30 days (per week and service type, then the cars) and,
on each car's page, its predicted next services with the km since each was last done."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from concierge.accounts.roles import FRONT_DESK, TECHNICIAN
from concierge.accounts.tests.factories import login_verified, staff_in_role
from forecasting.models import ServicePrediction
from servicing.models import ServiceType

from .factories import car_with_history

pytestmark = pytest.mark.django_db


def predicted(car, type_name: str, due_in: int, km_since: int = 3_200) -> ServicePrediction:
    today = timezone.localdate()
    return ServicePrediction.objects.create(
        vehicle=car, service_type=ServiceType.objects.get(name=type_name), km_per_day=64.0, rate_source="own",
        confidence="high", readings_used=6, last_service_date=today - datetime.timedelta(days=50),
        km_since_last=km_since, due_date=today + datetime.timedelta(days=due_in), due_by="km",
    )


def test_expected_list_counts_each_type_per_week_and_lists_the_cars_due_in_30_days(client):
    cars = [car_with_history(readings=[]) for _ in range(4)]
    predicted(cars[0], "Oil Change", 1)
    predicted(cars[1], "Oil Change", 2)
    predicted(cars[2], "Wheel Alignment", 2)
    predicted(cars[3], "Oil Change", 45)  # beyond the 30 days
    login_verified(client, staff_in_role(FRONT_DESK))
    page = client.get(reverse("admin:forecasting_serviceprediction_changelist"))
    assert page.status_code == 200
    rows = page.context["week_rows"]
    assert page.context["week_columns"] == ["Oil Change", "Wheel Alignment"]
    assert sum(total for _, _, total in rows) == 3
    assert [sum(counts[0] for _, counts, _ in rows), sum(counts[1] for _, counts, _ in rows)] == [2, 1]
    html = page.content.decode()
    assert cars[0].license_plate in html and cars[3].license_plate not in html


def test_technicians_do_not_open_the_expected_list(client):
    login_verified(client, staff_in_role(TECHNICIAN))
    assert client.get(reverse("admin:forecasting_serviceprediction_changelist")).status_code == 403


def test_a_cars_page_shows_its_predicted_services_and_km_since_last(client):
    car = car_with_history(readings=[])
    predicted(car, "Oil Change", 9, km_since=4_321)
    login_verified(client, staff_in_role(FRONT_DESK))
    html = client.get(reverse("admin:fleet_vehicle_change", args=[car.pk])).content.decode().lower()
    assert "predicted next services" in html
    assert "4,321" in html and "km since last service" in html


def test_expected_list_rows_are_djangos_html_without_the_owners_contacts(client):
    """The rows are made once per column (QuickRowsAdminMixin): the same HTML as Django's; the owner is
    shown by name, so their encrypted email and phone are not read."""
    from django.contrib import admin
    from django.contrib.admin.templatetags.admin_list import result_list
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from concierge.admin.changelists import quick_result_list

    for n, type_name in enumerate(["Oil Change", "Wheel Alignment", "Oil Change"]):
        predicted(car_with_history(readings=[]), type_name, n + 1, km_since=1_000 * n)
    staff = staff_in_role(FRONT_DESK)
    request = RequestFactory().get(reverse("admin:forecasting_serviceprediction_changelist"))
    request.user = staff
    model_admin = admin.site._registry[ServicePrediction]
    with CaptureQueriesContext(connection) as ctx:
        cl = model_admin.get_changelist_instance(request)
        cl.formset = None
        djangos, ours = result_list(cl), quick_result_list(cl)
    assert len(ours["results"]) == len(cl.result_list) == 3
    assert ["".join(row) for row in ours["results"]] == ["".join(row) for row in djangos["results"]]
    rows = [q["sql"] for q in ctx.captured_queries if '"clients"."first_name"' in q["sql"]]
    assert rows and not any('"clients"."email"' in sql or '"clients"."phone"' in sql for sql in rows)
