"""Checks a workflow before it is saved: actions against the published JSON Schema (the skeleton in
actions.schema.json with the registered actions and conditions), then every message template against
the trigger's placeholders."""

from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from .registry import registry
from .templating import TemplateRefused, compile_template, placeholders_for


def actions_schema() -> dict:
    return registry.actions_schema()


def _validator() -> Draft202012Validator:
    return _validator_for(registry.version)


@lru_cache(maxsize=1)
def _validator_for(version: int) -> Draft202012Validator:
    # Built again only when an app has registered something since (the registry's version).
    schema = actions_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


class WorkflowInvalid(ValueError):
    """What is wrong with a workflow, in words that name the key."""


def _where(path):
    parts = list(path)
    if not parts:
        return "actions"
    text = f"action {parts[0] + 1}" if isinstance(parts[0], int) else str(parts[0])
    for part in parts[1:]:
        text += f" → {part}"
    return text


def _explain(error):
    where = _where(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unexpected = sorted(set(error.instance) - set(allowed))
        return f"{where}: unknown key {', '.join(repr(k) for k in unexpected)}; allowed keys: {', '.join(allowed)}"
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        return f"{where}: missing key {', '.join(repr(k) for k in missing)}"
    if error.validator in ("enum", "const"):
        choices = error.validator_value if error.validator == "enum" else [error.validator_value]
        return f"{where}: {error.instance!r} is not one of {', '.join(map(str, choices))}"
    if error.validator == "type":
        return f"{where}: must be {'an' if error.validator_value in ('object', 'array', 'integer') else 'a'} {error.validator_value}"
    return f"{where}: {error.message}"


def validate_actions(actions: Any, *, trigger_event: str) -> None:
    """Raise WorkflowInvalid naming the first wrong key or template; return None when all is well."""
    if trigger_event not in registry.events:
        raise WorkflowInvalid(f"trigger_event {trigger_event!r} is not an event; choose one of {', '.join(registry.events)}")
    error = best_match(_validator().iter_errors(actions))
    if error is not None:
        raise WorkflowInvalid(_explain(error))
    allowed = placeholders_for(trigger_event)
    for index, action in enumerate(actions, start=1):
        spec = registry.actions[action["type"]]
        if not registry.action_allowed(spec.type, trigger_event):
            needs = " or ".join(f"a {registry.subjects[s].label if s in registry.subjects else s}" for s in sorted(spec.subjects or ()))
            raise WorkflowInvalid(f"action {index} → type: {spec.type} needs {needs}, and {trigger_event} is not about one")
        for key in spec.templated:
            if key in action:
                try:
                    compile_template(action[key], allowed=allowed)
                except TemplateRefused as exc:
                    raise WorkflowInvalid(f"action {index} → {key}: {exc}") from None
