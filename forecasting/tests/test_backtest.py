"""The prediction is measured, not claimed: on the demo generator's history (fixed seed), the backtest
beats the naive baseline, overall and for the predictions resting on the cars' own readings."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.builder import build_demo_shop
from forecasting.backtest import backtest

pytestmark = pytest.mark.django_db


def test_backtest_on_generated_history_beats_the_same_interval_for_every_car():
    build_demo_shop(clients=60, seed=19)
    scores = backtest(today=timezone.localdate())
    overall = scores["all"]
    assert overall.services > 100
    assert overall.mae < 0.7 * overall.baseline_mae
    assert scores["high"].mae < scores["high"].baseline_mae


def test_evaluate_predictions_prints_the_error_against_the_baseline_by_confidence():
    build_demo_shop(clients=20, seed=19)
    out = io.StringIO()
    call_command("evaluate_predictions", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["confidence", "services", "MAE", "days", "baseline", "better", "by"]
    assert lines[1].startswith("all")


def test_evaluate_predictions_on_an_empty_shop_says_there_is_nothing_to_evaluate():
    out = io.StringIO()
    call_command("evaluate_predictions", stdout=out)
    assert "nothing to evaluate" in out.getvalue()


@pytest.mark.owner_role  # seed_scale loads as the owner role (TRUNCATE, VACUUM)
def test_backtest_on_the_scale_generator_beats_the_baseline_too():
    from fleet.models import OdometerReading, Vehicle

    call_command("seed_scale", scale=0.01, seed=2026, no_progress=True)
    assert OdometerReading.objects.values("vehicle").distinct().count() == Vehicle.objects.count()
    assert OdometerReading.objects.exclude(flag="").count() < 0.05 * OdometerReading.objects.count()
    overall = backtest(today=timezone.localdate())["all"]
    assert overall.services > 200 and overall.mae < 0.7 * overall.baseline_mae
