"""The vehicle and client pages cost the same whatever the number of jobs or cars behind them
(issue #8): inlines are bounded and each row's relations are joined, not loaded per row."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import login_verified
from concierge.admin.inlines import INLINE_ROWS_SHOWN
from fleet.tests.factories import VehicleFactory
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

# Measured with 5 jobs; before the fix the vehicle page ran one more query per job shown.
VEHICLE_PAGE_QUERIES = 16
CLIENT_PAGE_QUERIES = 14


@pytest.mark.parametrize("jobs", [5, 50])
def test_vehicle_page_query_count_does_not_grow_with_jobs(client, superuser, django_assert_max_num_queries, jobs):
    vehicle = VehicleFactory()
    ServiceFactory.create_batch(jobs, vehicle=vehicle)
    login_verified(client, superuser)
    with django_assert_max_num_queries(VEHICLE_PAGE_QUERIES):
        response = client.get(reverse("admin:fleet_vehicle_change", args=[vehicle.pk]))
    shown = response.context["inline_admin_formsets"][0].formset
    assert len(shown.forms) == min(jobs, INLINE_ROWS_SHOWN)
    if jobs > INLINE_ROWS_SHOWN:
        assert f"?vehicle__id__exact={vehicle.pk}" in response.content.decode()


@pytest.mark.parametrize("cars", [5, 50])
def test_client_page_query_count_does_not_grow_with_cars(client, superuser, django_assert_max_num_queries, cars):
    owner = ClientFactory()
    for vehicle in VehicleFactory.create_batch(cars, client=owner):
        ServiceFactory(vehicle=vehicle)
    login_verified(client, superuser)
    with django_assert_max_num_queries(CLIENT_PAGE_QUERIES):
        response = client.get(reverse("admin:clients_client_change", args=[owner.pk]))
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == min(cars, INLINE_ROWS_SHOWN)
    html = response.content.decode()
    assert html.count('<tr><td><a href="/admin/servicing/service/') == min(cars, INLINE_ROWS_SHOWN)  # history rows
    if cars > INLINE_ROWS_SHOWN:
        assert f"?client__id__exact={owner.pk}" in html
        # The link to the client's full history is accepted by the services list.
        assert client.get(reverse("admin:servicing_service_changelist"), {"vehicle__client__id__exact": owner.pk}).status_code == 200


def test_the_vehicle_page_can_still_be_saved_with_its_jobs_listed(client, superuser):
    vehicle = VehicleFactory(mileage=1000)
    ServiceFactory.create_batch(INLINE_ROWS_SHOWN + 3, vehicle=vehicle)
    login_verified(client, superuser)
    url = reverse("admin:fleet_vehicle_change", args=[vehicle.pk])
    form = client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields}
    data.update({
        "client": vehicle.client_id, "mileage": 1500, "services-TOTAL_FORMS": str(INLINE_ROWS_SHOWN),
        "services-INITIAL_FORMS": str(INLINE_ROWS_SHOWN), "services-MIN_NUM_FORMS": "0", "services-MAX_NUM_FORMS": "1000",
    })
    page = client.get(url)
    for i, f in enumerate(page.context["inline_admin_formsets"][0].formset.forms):
        data[f"services-{i}-id"] = f.instance.pk
        data[f"services-{i}-vehicle"] = vehicle.pk
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    vehicle.refresh_from_db()
    assert vehicle.mileage == 1500
