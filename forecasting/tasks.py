"""Celery tasks for predictions: thin, a service call each."""

from celery import shared_task

from .services import predictions_refresh
from .workflow_events import predicted_due_events_fire


@shared_task(ignore_result=True)
def refresh_predictions() -> dict[str, int]:
    """Nightly (beat): every car, then the reminders now due."""
    return {"predictions": predictions_refresh(), "fired": predicted_due_events_fire()}


@shared_task(ignore_result=True, acks_late=True)
def refresh_car_predictions(vehicle_id: str) -> dict[str, int]:
    """After a car's new reading or completed job."""
    return {"predictions": predictions_refresh(vehicle_ids=[vehicle_id]),
            "fired": predicted_due_events_fire(vehicle_ids=[vehicle_id])}
