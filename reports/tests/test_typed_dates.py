"""Issue 12, item 11: dates typed in From/To are the period shown, whatever the Period box still says."""

import pytest
from django.urls import reverse

from concierge.accounts.tests.factories import login_verified
from reports.filters import ServiceReportFilterSet
from reports.periods import Period, preset_period

from .builders import completed, day

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, manager):
    login_verified(client, manager)
    return client


def test_typed_dates_with_period_left_on_this_month_select_the_custom_period(signed_in):
    completed(cost=1000, on=day(3, 2))
    query = {"period": "this_month", "start": "01/03/2026", "end": "31/03/2026"}

    response = signed_in.get(reverse("reports:overview"), query)

    assert response.status_code == 200
    assert response.context["period"] == Period(day(3, 1), day(3, 31))
    assert 'value="custom" selected' in response.text


def test_a_preset_without_dates_is_still_the_preset():
    filterset = ServiceReportFilterSet({"period": "last_month"})
    assert filterset.is_valid()
    assert filterset.get_period() == preset_period("last_month")


def test_one_typed_date_with_a_preset_asks_for_the_other():
    filterset = ServiceReportFilterSet({"period": "this_month", "start": "01/03/2026"})
    assert not filterset.is_valid()
    assert filterset.errors["end"] == ["Choose the last day of the period."]
