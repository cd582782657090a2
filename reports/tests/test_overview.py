"""The overview's figures, each on a hand-made data set whose right answer is written here."""

import datetime
from decimal import Decimal

import pytest

from fleet.tests.factories import VehicleFactory
from notifications.models import NotificationStatus
from notifications.tests.factories import NotificationFactory
from reports.selectors import overview
from servicing.models import Service, ServiceStatus
from servicing.tests.factories import ServiceFactory

from .builders import FEBRUARY, MARCH, completed, day, place_notification

pytestmark = pytest.mark.django_db

TODAY = day(3, 20)


@pytest.fixture
def three_march_jobs():
    """1 000 + 2 000 + 3 000 KES in March, two of them on one car; one February job of 500."""
    car = VehicleFactory()
    completed(cost=1000, on=day(3, 2), vehicle=car)
    completed(cost=2000, on=day(3, 10), scheduled=day(3, 8), vehicle=car)
    completed(cost=3000, on=day(3, 31), scheduled=day(3, 25))
    completed(cost=500, on=day(2, 14))


def test_revenue_is_the_sum_of_completed_costs_in_the_period(three_march_jobs):
    figures = overview(period=MARCH, today=TODAY)
    assert figures["revenue"].current == Decimal("6000")
    assert figures["revenue"].previous == Decimal("500")


def test_revenue_ignores_jobs_not_completed():
    ServiceFactory(status=ServiceStatus.IN_PROGRESS, cost=Decimal("9000"), scheduled_date=day(3, 3))
    ServiceFactory(status=ServiceStatus.CANCELLED, cost=Decimal("7000"), scheduled_date=day(3, 3))
    completed(cost=1000, on=day(3, 4))
    assert overview(period=MARCH, today=TODAY)["revenue"].current == Decimal("1000")


def test_average_repair_order_is_revenue_over_jobs_completed(three_march_jobs):
    assert overview(period=MARCH, today=TODAY)["average_repair_order"].current == Decimal("2000")


def test_jobs_completed_counts_the_periods_completions(three_march_jobs):
    figures = overview(period=MARCH, today=TODAY)
    assert (figures["jobs_completed"].current, figures["jobs_completed"].previous) == (3, 1)


def test_car_count_counts_each_vehicle_once(three_march_jobs):
    assert overview(period=MARCH, today=TODAY)["car_count"].current == 2


def test_average_turnaround_is_scheduled_to_completed_in_days(three_march_jobs):
    # 0 + 2 + 6 days over three jobs.
    assert overview(period=MARCH, today=TODAY)["average_turnaround_days"].current == Decimal("2.7")


def test_on_time_rate_counts_jobs_completed_on_their_scheduled_date(three_march_jobs):
    # One of three March jobs was done on its scheduled day.
    rate = overview(period=MARCH, today=TODAY)["on_time_rate"].current
    assert rate == Decimal(1) / Decimal(3)


def test_overdue_now_counts_open_jobs_past_their_date():
    ServiceFactory(status=ServiceStatus.PENDING, scheduled_date=day(3, 19))
    ServiceFactory(status=ServiceStatus.IN_PROGRESS, scheduled_date=day(3, 1))
    ServiceFactory(status=ServiceStatus.PENDING, scheduled_date=TODAY)  # due today: not overdue yet
    ServiceFactory(status=ServiceStatus.CANCELLED, scheduled_date=day(3, 1))
    completed(cost=100, on=day(3, 5), scheduled=day(3, 1))
    assert overview(period=MARCH, today=TODAY)["overdue_now"].current == 2


def _notification(status, at):
    place_notification(NotificationFactory(status=status), at)


def _nairobi(month, dom, hour=12):
    from reports.periods import SHOP_TZ

    return datetime.datetime(2026, month, dom, hour, tzinfo=SHOP_TZ)


def test_notification_delivery_rate_is_sent_over_sent_and_failed():
    for _ in range(3):
        _notification(NotificationStatus.SENT, _nairobi(3, 5))
    _notification(NotificationStatus.FAILED, _nairobi(3, 6))
    _notification(NotificationStatus.PENDING, _nairobi(3, 7))  # no outcome yet: not counted
    _notification(NotificationStatus.FAILED, _nairobi(2, 10))
    figures = overview(period=MARCH, today=TODAY)
    assert figures["notification_delivery_rate"].current == Decimal("0.75")
    assert figures["notification_delivery_rate"].previous == Decimal("0")


def test_notification_period_follows_nairobi_midnight():
    # 1 March 00:30 in Nairobi is still 28 February in UTC: it belongs to March.
    _notification(NotificationStatus.FAILED, _nairobi(3, 1, hour=0) + datetime.timedelta(minutes=30))
    figures = overview(period=MARCH, today=TODAY)
    assert figures["notification_delivery_rate"].current == Decimal("0")
    assert figures["notification_delivery_rate"].previous is None


def test_empty_period_gives_no_ratio_rather_than_dividing_by_zero():
    figures = overview(period=MARCH, today=TODAY)
    assert figures["revenue"].current == 0
    assert figures["jobs_completed"].current == 0
    assert figures["average_repair_order"].current is None
    assert figures["average_turnaround_days"].current is None
    assert figures["on_time_rate"].current is None
    assert figures["notification_delivery_rate"].current is None
    assert figures["revenue"].change is None


def test_change_compares_with_the_previous_period(three_march_jobs):
    # 6 000 against 500: +1 100 %.
    assert overview(period=MARCH, today=TODAY)["revenue"].change == Decimal("11")


def test_filtered_services_narrow_every_service_figure(three_march_jobs):
    completed(cost=4000, on=day(3, 12), technician="Mary Atieno")
    figures = overview(period=MARCH, services=Service.objects.filter(technician="Mary Atieno"), today=TODAY)
    assert figures["revenue"].current == Decimal("4000")
    assert figures["jobs_completed"].current == 1


def test_previous_of_a_month_is_the_month_before():
    assert MARCH.previous() == FEBRUARY


def test_overview_runs_three_queries(three_march_jobs, django_assert_num_queries):
    with django_assert_num_queries(3):
        overview(period=MARCH, today=TODAY)
