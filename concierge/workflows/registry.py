"""What the workflow engine can do, as the domain apps tell it: filled in each app's AppConfig.ready().

The engine, the templates, validation, the admin's dry run and the default workflows read only this
registry; concierge.workflows imports no domain app (a test walks its imports). Each domain app
registers its own part from a `workflow_*` module:

- clients (clients/workflow_events.py): the client subject, client_created, first_name and shop_name;
- fleet (fleet/workflow_events.py): the car subject (a car's owner), vehicle_added and
  vehicle_mileage_updated, the vehicle_make condition, plate / car / mileage;
- servicing (servicing/workflow_actions.py): the job subject (a job's car; jobs for the dry run), the
  service_* events, set_status and schedule_follow_up, the service_type and cost_above conditions,
  the job placeholders and the default workflows;
- notifications (notifications/workflow_actions.py): send_notification, notify_staff, status_link.

Subjects are fixed here because the Event row has one foreign key for each: a job belongs to a car,
a car to a client, so an event about a job may use the car's and the client's placeholders too.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from .models import Workflow

# subject → the Event foreign key that holds it, and the subject it belongs to.
SUBJECT_FIELDS = {"job": "service", "car": "vehicle", "client": "client"}
SUBJECT_PARENTS: dict[str, str | None] = {"job": "car", "car": "client", "client": None}

SKELETON_PATH = Path(__file__).with_name("actions.schema.json")


@dataclasses.dataclass
class ActionContext:
    """What an action handler or a condition sees: the event's subjects and a way to render templates."""

    workflow: Workflow
    trigger_event: str
    client: Any = None
    vehicle: Any = None
    service: Any = None
    dry_run: bool = False
    render: Callable[[str], str] = str


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What an action did (or would do); `skipped` says why it did nothing."""

    detail: str
    skipped: str = ""


@dataclasses.dataclass(frozen=True)
class EventSpec:
    name: str
    label: str  # what staff see when choosing a workflow's trigger
    subject: str
    # Placeholders filled from the event's own payload (what happened, not who it happened to: a
    # payment's amount and receipt code), {name: sample value for a dry run}.
    payload_placeholders: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class SubjectSpec:
    name: str
    label: str  # in messages: "needs a job", "No job has this id."
    parent_of: Callable[[Any], Any] | None = None  # the instance → its parent subject's instance
    # For the admin's dry run: an id → the instance (or None), and recent ones as (id, text).
    find: Callable[[Any], Any] | None = None
    recent: Callable[[], list[tuple[Any, str]]] | None = None
    # The instance → its client, when that is not its parent's (a job's client is whoever owned the car
    # when it was booked; the car's client now may have bought it since). None: the parent's.
    client_of: Callable[[Any], Any] | None = None


@dataclasses.dataclass(frozen=True)
class MessagePreview:
    """One text of an action as the workflow editor shows it: rendered with sample values, with what
    its app says about it (for an SMS: encoding, characters, parts, cost)."""

    key: str  # the action's key holding the template (template, template_sw, ...)
    label: str  # "SMS in Kiswahili"
    text: str  # rendered with sample values
    facts: tuple[tuple[str, str], ...] = ()  # (name, value) pairs, shown in order
    warning: str = ""
    # The key's template with a spelling that avoids the warning, offered as a one-click replacement.
    replacement: str = ""


@dataclasses.dataclass(frozen=True)
class ActionSpec:
    type: str
    handler: Callable[[dict, ActionContext], Outcome]
    schema: dict  # the JSON Schema of one such action (its "type" const included)
    subjects: frozenset[str] | None = None  # the event subjects it may run on; None: any
    templated: tuple[str, ...] = ()  # keys holding message templates, checked against placeholders
    # (the action, the trigger event) → its texts for the editor's preview; None: nothing to preview.
    preview: Callable[[dict, str], list[MessagePreview]] | None = None


@dataclasses.dataclass(frozen=True)
class ConditionSpec:
    name: str
    schema: dict
    holds: Callable[[Any, ActionContext], bool]


@dataclasses.dataclass(frozen=True)
class PlaceholderSpec:
    subject: str
    names: frozenset[str]
    # (the subject's instance, dry_run) → {name: string, or a function of no arguments}
    values: Callable[[Any, bool], dict[str, Any]]


class WorkflowRegistry:
    def __init__(self) -> None:
        self.events: dict[str, EventSpec] = {}
        self.subjects: dict[str, SubjectSpec] = {}
        self.actions: dict[str, ActionSpec] = {}
        self.conditions: dict[str, ConditionSpec] = {}
        self.placeholders: list[PlaceholderSpec] = []
        self.default_workflows: list[dict] = []
        self._schema: dict | None = None
        self.version = 0  # bumped by each registration that changes the schema

    # --- registration (AppConfig.ready) ---

    def event_register(self, name: str, *, label: str, subject: str,
                       payload_placeholders: Mapping[str, str] | None = None) -> None:
        self._check_subject(subject, f"event {name!r}")
        self._check_new(name, self.events, "event")
        self.events[name] = EventSpec(name, label, subject, dict(payload_placeholders or {}))

    def subject_register(
        self, name: str, *, label: str, parent_of: Callable[[Any], Any] | None = None,
        find: Callable[[Any], Any] | None = None, recent: Callable[[], list[tuple[Any, str]]] | None = None,
        client_of: Callable[[Any], Any] | None = None,
    ) -> None:
        self._check_subject(name, "subject")
        self._check_new(name, self.subjects, "subject")
        if (parent_of is None) != (SUBJECT_PARENTS[name] is None):
            raise ImproperlyConfigured(f"subject {name!r}: parent_of is required exactly when it has a parent")
        self.subjects[name] = SubjectSpec(name, label, parent_of, find, recent, client_of)

    def action_register(
        self, type: str, *, handler: Callable[[dict, ActionContext], Outcome], schema: dict,
        subjects: Iterable[str] | None = None, templated: Iterable[str] = (),
        preview: Callable[[dict, str], list[MessagePreview]] | None = None,
    ) -> None:
        self._check_new(type, self.actions, "action")
        if subjects is not None:
            subjects = frozenset(subjects)
            for subject in subjects:
                self._check_subject(subject, f"action {type!r}")
        if schema.get("properties", {}).get("type") != {"const": type}:
            raise ImproperlyConfigured(f"action {type!r}: its schema must say properties.type = {{'const': {type!r}}}")
        self.actions[type] = ActionSpec(type, handler, schema, subjects, tuple(templated), preview)
        self._schema = None
        self.version += 1

    def condition_register(self, name: str, *, schema: dict, holds: Callable[[Any, ActionContext], bool]) -> None:
        self._check_new(name, self.conditions, "condition")
        self.conditions[name] = ConditionSpec(name, schema, holds)
        self._schema = None
        self.version += 1

    def placeholders_register(
        self, subject: str, *, names: Iterable[str], values: Callable[[Any, bool], dict[str, Any]],
    ) -> None:
        self._check_subject(subject, "placeholders")
        names = frozenset(names)
        taken = names & {n for spec in self.placeholders for n in spec.names}
        if taken:
            raise ImproperlyConfigured(f"placeholder {', '.join(sorted(taken))} is already registered")
        self.placeholders.append(PlaceholderSpec(subject, names, values))

    def default_workflow_register(self, spec: Mapping[str, Any]) -> None:
        """A workflow the shop starts with (install_default_workflows): name, trigger_event, actions[, active]."""
        if any(existing["name"] == spec["name"] for existing in self.default_workflows):
            raise ImproperlyConfigured(f"default workflow {spec['name']!r} is already registered")
        self.default_workflows.append(dict(spec))

    @staticmethod
    def _check_subject(subject: str, what: str) -> None:
        if subject not in SUBJECT_FIELDS:
            raise ImproperlyConfigured(f"{what}: unknown subject {subject!r}; one of {', '.join(SUBJECT_FIELDS)}")

    @staticmethod
    def _check_new(name: str, registered: Mapping[str, Any], what: str) -> None:
        if name in registered:
            raise ImproperlyConfigured(f"{what} {name!r} is already registered")

    # --- reading ---

    def event(self, name: str) -> EventSpec:
        try:
            return self.events[name]
        except KeyError:
            raise ValueError(f"unknown event {name!r}") from None

    def subjects_of(self, subject: str) -> list[str]:
        """The subject and every one it belongs to: job → [job, car, client]."""
        chain: list[str] = []
        current: str | None = subject
        while current is not None:
            chain.append(current)
            current = SUBJECT_PARENTS[current]
        return chain

    def parents_fill(self, objects: dict[str, Any]) -> dict[str, Any]:
        """{subject: instance or None} with each missing parent taken from its child (a job's car and owner).

        The client is asked of the nearest subject that names it itself (`client_of`: a job's client is
        whoever owned the car when it was booked), else taken from the car."""
        objects = {name: objects.get(name) for name in SUBJECT_FIELDS}
        chain = self.subjects_of("job")
        root = chain[-1]
        for name in chain[:-1]:  # the nearest subject that names its client itself says who it is
            spec = self.subjects.get(name)
            if objects[name] is not None and objects[root] is None and spec is not None and spec.client_of:
                client = spec.client_of(objects[name])
                if client is None:  # nobody's (its client was deleted): never the parent's client instead
                    return {**self._parents_from_children(objects, chain[:-1]), root: None}
                objects[root] = client
                break
        return self._parents_from_children(objects, chain)

    def _parents_from_children(self, objects: dict[str, Any], chain: list[str]) -> dict[str, Any]:
        for name, parent in zip(chain, chain[1:]):  # job → car, car → client
            if objects[name] is not None and objects[parent] is None:
                spec = self.subjects.get(name)
                # (parent_of is set: subject_register requires it of a subject with a parent.)
                if spec is None or spec.parent_of is None:
                    raise ImproperlyConfigured(f"no app registered the {name!r} subject")
                objects[parent] = spec.parent_of(objects[name])
        return objects

    def placeholders_for(self, event_name: str) -> frozenset[str]:
        """What a template of a workflow on this event may use."""
        event = self.event(event_name)
        subjects = self.subjects_of(event.subject)
        return frozenset(n for spec in self.placeholders if spec.subject in subjects for n in spec.names) | frozenset(
            event.payload_placeholders)

    def payload_values(self, event_name: str, payload: Mapping[str, Any] | None, *, dry_run: bool = False) -> dict[str, str]:
        """The event's payload placeholders: from its payload, or their samples in a dry run."""
        names = self.event(event_name).payload_placeholders
        if dry_run and payload is None:
            return dict(names)
        return {name: str((payload or {}).get(name, "")) for name in names}

    def context_for(self, objects: Mapping[str, Any], *, dry_run: bool = False) -> dict[str, Any]:
        """The placeholder values for the subjects given ({subject: instance}; None: not about one)."""
        context: dict[str, Any] = {}
        for spec in self.placeholders:
            instance = objects.get(spec.subject)
            if instance is not None:
                context |= spec.values(instance, dry_run)
        return context

    def action_allowed(self, action_type: str, event_name: str) -> bool:
        spec = self.actions[action_type]
        return spec.subjects is None or self.event(event_name).subject in spec.subjects

    def actions_schema(self) -> dict:
        """The published JSON Schema of a workflow's actions: the skeleton in actions.schema.json,
        with every registered action and condition filled in."""
        if self._schema is None:
            schema = json.loads(SKELETON_PATH.read_text())
            items = schema["items"]
            items["properties"]["type"] = {"enum": list(self.actions)}
            items["allOf"] = [
                {"if": {"properties": {"type": {"const": name}}}, "then": {"$ref": f"#/$defs/{name}"}}
                for name in self.actions
            ]
            schema["$defs"]["conditions"]["properties"] = {
                name: copy.deepcopy(spec.schema) for name, spec in self.conditions.items()
            }
            for name, spec in self.actions.items():
                action_schema = copy.deepcopy(spec.schema)
                action_schema["properties"]["conditions"] = {"$ref": "#/$defs/conditions"}
                schema["$defs"][name] = action_schema
            self._schema = schema
        return self._schema


registry = WorkflowRegistry()
