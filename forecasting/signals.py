"""A car's predictions are worked out again after each new reading and each completed job (its last
service moved): queued after commit, one task per car (forecasting.tasks)."""

from typing import Any

from concierge.celery import enqueue_on_commit
from fleet import signals as fleet_signals
from fleet.models import ReadingSource
from servicing import signals as servicing_signals
from servicing.models import ServiceStatus


def _refresh_car(vehicle_id: Any) -> None:
    from .tasks import refresh_car_predictions

    enqueue_on_commit(refresh_car_predictions, str(vehicle_id))


# A car's first reading, as it is registered or imported: it has no completed job yet, so nothing to predict.
NEW_CAR_SOURCES = {ReadingSource.ADDED, ReadingSource.IMPORT}


def reading_recorded(sender: Any, *, vehicle: Any, reading: Any, **kwargs: Any) -> None:
    # A flagged reading changes nothing the prediction uses.
    if not reading.flag and reading.source not in NEW_CAR_SOURCES:
        _refresh_car(vehicle.pk)


def status_changed(sender: Any, *, service: Any, new_status: str, **kwargs: Any) -> None:
    if str(new_status) == ServiceStatus.COMPLETED:
        _refresh_car(service.vehicle_id)


def connect() -> None:
    fleet_signals.odometer_reading_recorded.connect(reading_recorded, dispatch_uid="forecasting.reading_recorded")
    servicing_signals.service_status_changed.connect(status_changed, dispatch_uid="forecasting.status_changed")
