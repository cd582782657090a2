"""Replaying the shop's history through the prediction: for each completed interval service that
followed an earlier one of the same type on the same car, predict its date from what was known on the
day of the earlier one (readings up to that day), and compare with the day it really came. The naive
baseline gives every car the same interval: the type's months, or its km at the shop's default km per
day, whichever first.

Fleet medians come from today's readings (other cars' later driving included): a small look-ahead
that only the cars with too few readings of their own use, and the split by confidence shows apart.
"""

import dataclasses
import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import connection

from servicing.models import ServiceStatus

from .estimate import Reading, due_predict, own_rate, rate_choose
from .services import fleet_medians_compute, interval_types


@dataclasses.dataclass
class Score:
    services: int = 0
    error_days: int = 0
    baseline_error_days: int = 0

    @property
    def mae(self) -> float:
        return self.error_days / self.services if self.services else 0.0

    @property
    def baseline_mae(self) -> float:
        return self.baseline_error_days / self.services if self.services else 0.0

    def add(self, error: int, baseline_error: int) -> None:
        self.services += 1
        self.error_days += error
        self.baseline_error_days += baseline_error


def backtest(*, today: datetime.date) -> dict[str, Score]:
    """Scores overall ("all") and by the confidence the prediction would have had."""
    types = interval_types()
    default = float(settings.PREDICTION_DEFAULT_KM_PER_DAY)
    _, medians = fleet_medians_compute(today=today)
    scores: dict[str, Score] = defaultdict(Score)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, lower(make), lower(model) FROM vehicles")
        models = {pk: (make, model) for pk, make, model in cursor.fetchall()}
        cursor.execute(
            "SELECT vehicle_id, read_on, mileage FROM odometer_readings WHERE flag = '' ORDER BY vehicle_id, read_on, id"
        )
        readings: dict[Any, list[Reading]] = defaultdict(list)
        for vehicle_id, read_on, mileage in cursor.fetchall():
            readings[vehicle_id].append((read_on, mileage))
        cursor.execute(
            "SELECT vehicle_id, service_type, coalesce(completed_date, scheduled_date) AS day FROM services "
            "WHERE status = %s AND service_type = ANY(%s) AND coalesce(completed_date, scheduled_date) <= %s "
            "ORDER BY vehicle_id, service_type, day",
            [ServiceStatus.COMPLETED.value, list(types), today],
        )
        previous: tuple[Any, str, datetime.date] | None = None
        for vehicle_id, type_name, day in cursor.fetchall():
            if previous is not None and previous[:2] == (vehicle_id, type_name) and day > previous[2]:
                last = previous[2]
                known = [r for r in readings.get(vehicle_id, []) if r[0] <= last]
                rate = rate_choose(own_rate(known, as_of=last), fleet_median=medians.get(models.get(vehicle_id, ("", ""))),
                                   default=default)
                _, interval_km, interval_months = types[type_name]
                kwargs = {"last_service": last, "today": last, "interval_km": interval_km, "interval_months": interval_months}
                predicted = due_predict(readings=known, km_per_day=rate.km_per_day, **kwargs)
                naive = due_predict(readings=[], km_per_day=default, **kwargs)
                if predicted is not None and naive is not None:
                    error = abs((predicted.due_date - day).days)
                    baseline_error = abs((naive.due_date - day).days)
                    scores["all"].add(error, baseline_error)
                    scores[rate.confidence].add(error, baseline_error)
            previous = (vehicle_id, type_name, day)
    return dict(scores)
