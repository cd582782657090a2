import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from forecasting.backtest import backtest
from forecasting.estimate import Confidence


class Command(BaseCommand):
    help = (
        "Backtest the predicted service dates on the shop's own history: for each completed interval service "
        "after an earlier one of its type, predict it from the readings known then; print the mean absolute "
        "error in days against the naive baseline (the same interval for every car), by confidence."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        scores = backtest(today=timezone.localdate())
        if "all" not in scores:
            self.stdout.write("No service followed an earlier one of its type yet: nothing to evaluate.")
            return
        self.stdout.write(f"{'confidence':<12}{'services':>10}{'MAE days':>11}{'baseline':>11}{'better by':>11}")
        for name in ("all", Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW):
            score = scores.get(name)
            if score is None:
                continue
            better = (1 - score.mae / score.baseline_mae) * 100 if score.baseline_mae else 0.0
            self.stdout.write(
                f"{name:<12}{score.services:>10,}{score.mae:>11.1f}{score.baseline_mae:>11.1f}{better:>10.0f}%"
            )
        self.stdout.write(f"({time.monotonic() - started:.1f} s)")
