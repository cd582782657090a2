"""Runs the workflows matching an event. Called by the `run_event_workflows` task, and by the admin's
dry run with `dry_run=True`, which renders every message and writes nothing.

What an action does, and when a condition holds, is the business of the app that registered it
(registry.py): the engine looks them up by name and hands them the event's subjects.
"""

import dataclasses
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Event, Workflow
from .registry import ActionContext, registry
from .templating import context_for, placeholders_for, render

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Step:
    """What one action did (or, in a dry run, would do): shown in the preview and the logs."""

    workflow: str
    action: str
    detail: str
    skipped: str = ""


def conditions_hold(conditions: dict | None, *, context: ActionContext) -> bool:
    if not conditions:
        return True
    for name, value in conditions.items():
        spec = registry.conditions.get(name)
        if spec is None:
            raise ValueError(f"unknown condition {name!r}")  # the schema forbids this; a guard for old rows
        if not spec.holds(value, context):
            return False
    return True


def _run_action(action: dict, *, context: ActionContext) -> Step:
    kind = action["type"]
    spec = registry.actions.get(kind)
    if spec is None:
        raise ValueError(f"unknown action type {kind!r}")  # the schema forbids this; a guard for old rows
    outcome = spec.handler(action, context)
    return Step(context.workflow.name, kind, outcome.detail, skipped=outcome.skipped)


def _context(*, workflow: Workflow, trigger_event: str, client: Any, vehicle: Any, service: Any, dry_run: bool,
             payload: dict | None = None) -> ActionContext:
    allowed = placeholders_for(trigger_event)
    values: dict[str, Any] | None = None

    def render_here(source: str) -> str:
        nonlocal values
        if values is None:  # made once per action, and only when it renders something
            values = context_for(client=client, vehicle=vehicle, service=service, dry_run=dry_run)
            values |= registry.payload_values(trigger_event, payload, dry_run=dry_run)
        return render(source, values, allowed=allowed)

    return ActionContext(
        workflow=workflow, trigger_event=trigger_event, client=client, vehicle=vehicle, service=service,
        dry_run=dry_run, render=render_here,
    )


def workflow_run(
    *, workflow: Workflow, trigger_event: str, client: Any = None, vehicle: Any = None, service: Any = None,
    dry_run: bool = False, payload: dict | None = None,
) -> list[Step]:
    steps = []
    for action in workflow.actions:
        # Per action, as the values may have changed with the one before (a set_status).
        context = _context(workflow=workflow, trigger_event=trigger_event, client=client, vehicle=vehicle,
                           service=service, dry_run=dry_run, payload=payload)
        if not conditions_hold(action.get("conditions"), context=context):
            steps.append(Step(workflow.name, action["type"], "", skipped="conditions do not hold"))
            continue
        steps.append(_run_action(action, context=context))
    return steps


def workflows_run_for_event(*, event_id: Any) -> list[Step]:
    """Run every active workflow for one event, once: the event row is locked and stamped processed
    in the same transaction that writes the workflows' notifications."""
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("client", "vehicle", "service", "service__vehicle")
            .filter(pk=event_id, processed_at__isnull=True)
            .first()
        )
        if event is None:
            return []  # already handled, or another worker holds it
        steps = []
        for workflow in Workflow.objects.filter(trigger_event=event.name, active=True):
            try:
                # A savepoint per workflow: one broken workflow does not undo the others.
                with transaction.atomic():
                    steps += workflow_run(
                        workflow=workflow, trigger_event=event.name, client=event.client,
                        vehicle=event.vehicle, service=event.service, payload=event.payload,
                    )
            except Exception as exc:
                logger.exception("workflow %s failed on event %s", workflow.pk, event.pk)
                event.payload = {**event.payload, "errors": [*event.payload.get("errors", []), f"{workflow.name}: {type(exc).__name__}"]}
        event.processed_at = timezone.now()
        event.save(update_fields=["processed_at", "payload"])
    return steps
