"""The km per day and the due date, on hand-made readings with the answers worked out by hand."""

import datetime

import pytest

from forecasting.estimate import (
    Confidence, OwnRate, Source, due_predict, months_add, own_rate, rate_choose, theil_sen_slope,
)

D = datetime.date


def test_theil_sen_is_the_median_of_pairwise_slopes_and_ignores_one_wild_reading():
    # Four readings at 50 km/day and a fifth typed with an extra digit. The ten pairwise slopes are
    # 50 (six times), 225, 283.3, 400 and 750: the median is 50. A least-squares line would say 170.
    points = [(0, 0), (10, 500), (20, 1_000), (30, 1_500), (40, 9_000)]
    assert theil_sen_slope(points) == 50.0


def test_theil_sen_with_an_even_number_of_slopes_takes_the_middle_two():
    # Slopes: (0,10) 40, (0,20) 45, (10,20) 50 → median 45.
    assert theil_sen_slope([(0, 0), (10, 400), (20, 900)]) == 45.0
    assert theil_sen_slope([(5, 100), (5, 200)]) is None  # one day, no slope


def test_own_rate_needs_three_readings_over_a_month_and_high_confidence_needs_half_a_year():
    assert own_rate([(D(2026, 1, 1), 1_000), (D(2026, 3, 1), 4_000)], as_of=D(2026, 6, 1)) is None
    close = [(D(2026, 1, 1), 1_000), (D(2026, 1, 10), 1_400), (D(2026, 1, 20), 1_900)]
    assert own_rate(close, as_of=D(2026, 6, 1)) is None  # 19 days
    monthly = [(D(2026, 1, 1) + datetime.timedelta(days=30 * k), 10_000 + 1_200 * k) for k in range(7)]
    rate = own_rate(monthly, as_of=D(2026, 12, 1))
    assert rate == OwnRate(40.0, 7, 180)
    assert rate_choose(rate, fleet_median=None, default=40.0).confidence == Confidence.HIGH
    assert rate_choose(own_rate(monthly[:3], as_of=D(2026, 12, 1)), fleet_median=None, default=40.0).confidence == Confidence.MEDIUM


def test_readings_after_the_day_asked_about_are_not_used():
    readings = [(D(2026, 1, 1), 0), (D(2026, 2, 1), 3_100), (D(2026, 3, 1), 5_900), (D(2026, 9, 1), 90_000)]
    assert own_rate(readings, as_of=D(2026, 3, 1)).km_per_day == pytest.approx(100.0, abs=0.5)


def test_too_few_readings_fall_back_to_the_make_and_model_then_to_the_shop_default():
    assert rate_choose(None, fleet_median=85.0, default=40.0) == rate_choose(None, fleet_median=85.0, default=1.0).__class__(
        85.0, Source.FLEET, Confidence.LOW, 0)
    fallback = rate_choose(None, fleet_median=None, default=40.0)
    assert (fallback.km_per_day, fallback.source, fallback.confidence) == (40.0, Source.DEFAULT, Confidence.LOW)


def test_due_date_is_the_earlier_of_the_km_and_the_months():
    # 50 km/day; oil change at 100 000 km on 1 Jan; 103 000 on 2 Mar. 2 000 km to go = 40 days: 11 Apr,
    # before 1 Jul (six months).
    readings = [(D(2026, 1, 1), 100_000), (D(2026, 3, 2), 103_000)]
    due = due_predict(readings=readings, last_service=D(2026, 1, 1), today=D(2026, 3, 2), km_per_day=50.0,
                      interval_km=5_000, interval_months=6)
    assert (due.due_date, due.due_by, due.km_since_last) == (D(2026, 4, 11), "km", 3_000)
    # Driven 5 km a day, the six months come first.
    slow = due_predict(readings=readings, last_service=D(2026, 1, 1), today=D(2026, 3, 2), km_per_day=5.0,
                       interval_km=5_000, interval_months=6)
    assert (slow.due_date, slow.due_by) == (D(2026, 7, 1), "months")


def test_a_car_with_no_reading_is_counted_from_its_last_service_at_its_fallback_rate():
    due = due_predict(readings=[], last_service=D(2026, 1, 1), today=D(2026, 1, 21), km_per_day=100.0,
                      interval_km=5_000, interval_months=6)
    assert (due.due_date, due.due_by, due.km_since_last) == (D(2026, 2, 20), "km", 2_000)


def test_months_are_added_within_the_month():
    assert months_add(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert months_add(D(2026, 1, 15), 12) == D(2027, 1, 15)
