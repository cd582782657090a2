"""The JSON body of a delivery, made from the recorded event: ids and plain fields, no contact details.

What a receiver needs to react is what happened and to which job, car, client or invoice, by id; it can
fetch the rest through the API with its own key and scopes. So the body holds the event's id, type and
time, the ids of its subjects and the event's own payload (statuses, numbers, dates, amounts), with any
field that names or reaches a person dropped, in case an app adds one to its payload later.
"""

import datetime
import json
import re
from typing import Any

from django.utils import timezone

from concierge.workflows.models import Event

# Keys that may hold personal data or contact details, by their name.
_PERSONAL_KEY = re.compile(r"phone|email|e_mail|mail|name|address|kra_pin|msisdn|token|secret", re.IGNORECASE)
# Values that look like an email address or a phone number (7+ digits, maybe a +, spaces or dashes).
_EMAIL_VALUE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE_VALUE = re.compile(r"\+?\d[\d\s-]{6,}\d")
_SAFE_KEYS = {"invoice_number", "credited_invoice_number"}  # "INV-000123": a document number, not a person


def _plain(key: str, value: Any) -> bool:
    if key not in _SAFE_KEYS and _PERSONAL_KEY.search(key):
        return False
    if isinstance(value, str):
        return not (_EMAIL_VALUE.search(value) or _PHONE_VALUE.fullmatch(value.strip()))
    if isinstance(value, list):
        return all(isinstance(item, (str, int, float, bool)) and _plain(key, item) for item in value)
    return isinstance(value, (int, float, bool)) or value is None


def event_body(event: Event) -> str:
    """The body, serialised once: what is signed and sent, byte for byte, on every attempt."""
    occurred = event.created_at or timezone.now()
    data: dict[str, Any] = {
        "service_id": str(event.service_id) if event.service_id else None,
        "vehicle_id": str(event.vehicle_id) if event.vehicle_id else None,
        "client_id": str(event.client_id) if event.client_id else None,
    }
    for key, value in (event.payload or {}).items():
        if key not in data and _plain(key, value):
            data[key] = value
    body = {
        "id": str(event.pk),
        "type": event.name,
        "occurred_at": occurred.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        "api_version": "v1",
        "data": data,
    }
    return json.dumps(body, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
