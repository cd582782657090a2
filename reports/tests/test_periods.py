import datetime

import pytest

from reports.periods import Period, preset_period

D = datetime.date


def test_a_month_is_compared_with_the_whole_month_before():
    assert Period(D(2026, 3, 1), D(2026, 3, 31)).previous() == Period(D(2026, 2, 1), D(2026, 2, 28))


def test_a_quarter_is_compared_with_the_quarter_before():
    assert Period(D(2026, 1, 1), D(2026, 3, 31)).previous() == Period(D(2025, 10, 1), D(2025, 12, 31))


def test_other_ranges_are_compared_with_as_many_days_before():
    assert Period(D(2026, 3, 10), D(2026, 3, 19)).previous() == Period(D(2026, 2, 28), D(2026, 3, 9))


def test_presets_are_relative_to_today():
    today = D(2026, 1, 15)
    assert preset_period("this_month", today=today) == Period(D(2026, 1, 1), D(2026, 1, 31))
    assert preset_period("last_month", today=today) == Period(D(2025, 12, 1), D(2025, 12, 31))
    assert preset_period("last_quarter", today=today) == Period(D(2025, 10, 1), D(2025, 12, 31))
    assert preset_period("last_30_days", today=today) == Period(D(2025, 12, 17), D(2026, 1, 15))


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period(D(2026, 3, 2), D(2026, 3, 1))
