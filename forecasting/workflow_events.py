"""The service_predicted_due event (registered from forecasting.apps), its placeholders and the default
reminder, and the daily check that fires it.

Fired N days (PREDICTION_REMINDER_DAYS) before a car's predicted date for a service type, once per car,
type and cycle: the cycle is the last service it is counted from, so a date that moves with new
readings does not remind twice, and the next service starts a new cycle.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone

from concierge.workflows.events import event_emit
from concierge.workflows.models import Event
from concierge.workflows.registry import registry

from .models import ServicePrediction

SERVICE_PREDICTED_DUE = "service_predicted_due"

DEFAULT_WORKFLOW = {
    "name": "Reminder when a car's next service is predicted due",
    "trigger_event": SERVICE_PREDICTED_DUE,
    "actions": [{
        # A reminder the owner did not ask for with a job asks for business: the marketing category, so it
        # goes only to clients who gave consent, never to a number that replied STOP, and never at night
        # (docs/notifications.md, "Opt-out, consent and quiet hours").
        "type": "send_notification", "channel": "SMS", "category": "marketing",
        "template": "Hi {{ first_name }}, by how your {{ car }} ({{ plate }}) is driven, its {{ predicted_service }} "
                    "is due around {{ predicted_date }}. Reply or call us to book. {{ shop_name }}",
        "template_sw": "Habari {{ first_name }}, kwa jinsi gari lako {{ plate }} linavyotumika, {{ predicted_service }} "
                       "itahitajika karibu {{ predicted_date }}. Jibu ujumbe huu au utupigie upange siku. {{ shop_name }}",
    }],
}


def dedupe_key(prediction: ServicePrediction) -> str:
    return f"{SERVICE_PREDICTED_DUE}:{prediction.vehicle_id}:{prediction.service_type_id}:{prediction.last_service_date.isoformat()}"


def predicted_due_events_fire(*, today: datetime.date | None = None, vehicle_ids: Sequence[Any] | None = None) -> int:
    """Emit service_predicted_due for every prediction falling due within the reminder window (today
    up to N days on) not yet reminded in its cycle; returns how many fired. Repeats are no-ops."""
    today = today or timezone.localdate()
    end = today + datetime.timedelta(days=settings.PREDICTION_REMINDER_DAYS)
    due = (ServicePrediction.objects.filter(due_date__gte=today, due_date__lte=end)
           .select_related("vehicle__client", "service_type").order_by("id"))
    if vehicle_ids is not None:
        due = due.filter(vehicle_id__in=list(vehicle_ids))
    fired = 0
    for chunk_start in range(0, 1 << 62, 2_000):
        chunk = list(due[chunk_start:chunk_start + 2_000])
        if not chunk:
            break
        keys = {dedupe_key(p): p for p in chunk}
        already = set(Event.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True))
        for key, prediction in keys.items():
            if key in already:
                continue
            with transaction.atomic():
                if event_emit(name=SERVICE_PREDICTED_DUE, vehicle=prediction.vehicle, dedupe_key=key, payload={
                    "service_type": prediction.service_type.name, "due_date": prediction.due_date.isoformat(),
                }):
                    fired += 1
    return fired


def _soonest(vehicle: Any) -> tuple[str, str]:
    """The car's next predicted service(s), those within the reminder window of the soonest, and its date."""
    rows = list(ServicePrediction.objects.filter(vehicle=vehicle).select_related("service_type").order_by("due_date")[:10])
    if not rows:
        return "", ""
    window = rows[0].due_date + datetime.timedelta(days=settings.PREDICTION_REMINDER_DAYS)
    names = [p.service_type.name for p in rows if p.due_date <= window]
    return " and ".join(names), formats.date_format(rows[0].due_date, "j M Y")


def _prediction_values(vehicle: Any, dry_run: bool) -> dict[str, Any]:
    cache: dict[str, tuple[str, str]] = {}

    def soonest() -> tuple[str, str]:
        if "v" not in cache:
            cache["v"] = _soonest(vehicle)
        return cache["v"]

    return {"predicted_service": lambda: soonest()[0], "predicted_date": lambda: soonest()[1]}


def register() -> None:
    registry.event_register(SERVICE_PREDICTED_DUE, label="A car's next service is predicted due soon", subject="car")
    registry.placeholders_register("car", names={"predicted_service", "predicted_date"}, values=_prediction_values)
    registry.default_workflow_register(DEFAULT_WORKFLOW)
