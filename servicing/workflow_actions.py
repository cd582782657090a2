"""What the workflow engine can do with jobs, registered from servicing.apps: the job subject, the
job events, the set_status and schedule_follow_up actions, the job conditions and placeholders, and
the shop's default workflows (concierge/workflows/registry.py)."""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import formats, timezone

from concierge.workflows.registry import ActionContext, Outcome, registry

from . import workflow_events
from .lifecycle import InvalidTransition
from .models import Service, ServiceStatus
from .selectors import service_client
from .services import service_change_status, service_create
from .validators import SCHEDULE_AHEAD_DAYS
from .workflow_defaults import DEFAULT_WORKFLOWS


def set_status(action: dict, context: ActionContext) -> Outcome:
    detail = f"set the job to {action['status']}"
    if context.dry_run:
        return Outcome(detail)
    try:
        changed = service_change_status(service=context.service, status=action["status"])
    except InvalidTransition as exc:
        return Outcome(detail, skipped=str(exc))
    if not changed:
        return Outcome(detail, skipped=f"The job is already {ServiceStatus(action['status']).label.lower()}.")
    return Outcome(detail)


def schedule_follow_up(action: dict, context: ActionContext) -> Outcome:
    service = context.service
    base = service.completed_date or timezone.localdate()
    when = base + datetime.timedelta(days=action["after_days"])
    if not context.dry_run:
        # A booking like any other, through the service that books: its own service_created follows.
        service_create(service=Service(
            vehicle=service.vehicle, service_type=action["service_type"], status=ServiceStatus.PENDING,
            scheduled_date=when, description=action.get("description") or f"Follow-up to {service.service_type}",
        ))
    return Outcome(f"book {action['service_type']} on {when:%d %b %Y}")


def _service_type_is(service_type: str, context: ActionContext) -> bool:
    return context.service is not None and context.service.service_type.casefold() == service_type.casefold()


def _cost_above(amount: float, context: ActionContext) -> bool:
    return context.service is not None and context.service.cost > Decimal(str(amount))


def _service_values(service: Service, dry_run: bool) -> dict[str, Any]:
    return {
        "service_type": service.service_type,
        "status": service.get_status_display().lower(),
        "cost": f"{settings.CURRENCY} {service.cost:,.2f}",
        "scheduled_date": formats.date_format(service.scheduled_date, "j M Y") if service.scheduled_date else "",
        "completed_date": formats.date_format(service.completed_date, "j M Y") if service.completed_date else "",
    }


def _find(pk: Any) -> Service | None:
    return Service.objects.select_related("vehicle__client").filter(pk=pk).first()


def _recent() -> list[tuple[Any, str]]:
    jobs = Service.objects.select_related("vehicle").order_by("-created_at")[:15]
    return [
        (job.pk, f"{job} — {job.get_status_display()}"
                 + (f", {formats.date_format(job.scheduled_date)}" if job.scheduled_date else ""))
        for job in jobs
    ]


SET_STATUS_SCHEMA = {
    "description": "Move the job to a status, if its lifecycle allows.",
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "status"],
    "properties": {
        "type": {"const": "set_status"},
        "status": {"enum": list(ServiceStatus.values)},
    },
}

SCHEDULE_FOLLOW_UP_SCHEMA = {
    "description": "Book a new pending job on the same car, N days after this one (completed date, else today).",
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "service_type", "after_days"],
    "properties": {
        "type": {"const": "schedule_follow_up"},
        "service_type": {"type": "string", "minLength": 1, "maxLength": 100},
        "after_days": {
            "type": "integer", "minimum": 1, "maximum": SCHEDULE_AHEAD_DAYS,
            "description": f"at most {SCHEDULE_AHEAD_DAYS}: a job is booked at most two years ahead (servicing.validators)",
        },
        "description": {"type": "string", "maxLength": 1000},
    },
}


def register() -> None:
    # A job's messages go to its own client (the car's owner when it was booked), not the car's client
    # now: a reminder about a sold car's old job must not reach its buyer.
    registry.subject_register("job", label="job", parent_of=lambda service: service.vehicle, find=_find, recent=_recent,
                              client_of=lambda service: service_client(service=service))
    for name, label in workflow_events.SERVICE_EVENTS.items():
        registry.event_register(name, label=label, subject="job")
    registry.action_register("set_status", handler=set_status, schema=SET_STATUS_SCHEMA, subjects={"job"})
    registry.action_register("schedule_follow_up", handler=schedule_follow_up, schema=SCHEDULE_FOLLOW_UP_SCHEMA, subjects={"job"})
    registry.condition_register(
        "service_type", holds=_service_type_is,
        schema={"type": "string", "minLength": 1, "description": "the job's type is this (case-insensitive)"},
    )
    registry.condition_register(
        "cost_above", holds=_cost_above,
        schema={"type": "number", "minimum": 0, "description": "the job's cost in KES is above this"},
    )
    registry.placeholders_register(
        "job", names={"service_type", "status", "cost", "scheduled_date", "completed_date"}, values=_service_values,
    )
    for spec in DEFAULT_WORKFLOWS:
        registry.default_workflow_register(spec)
