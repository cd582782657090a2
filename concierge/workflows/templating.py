"""Message templates: Django's template language, restricted to placeholders and a few filters.

A template may use only {{ placeholder }} and {{ placeholder|filter }}, with the placeholders the apps
registered for the event's subject (registry.py) and the filters below: no tags
(no include, load, if…), no attribute lookups. The context holds plain strings only, so even a
mistake in this check could not reach a model, a method or a setting.
"""

from collections.abc import Iterable
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import TextNode, VariableNode

from .registry import registry

ALLOWED_FILTERS = {"upper", "lower", "title", "capfirst", "default"}

# Autoescape off: these are SMS and plain-text bodies, not HTML.
_engine = Engine(autoescape=False, debug=False, libraries={}, builtins=[])


class TemplateRefused(ValueError):
    """The message a template was refused with, for staff."""


def placeholders_for(event_name: str) -> frozenset[str]:
    """The placeholders registered for the event's subject and the subjects it belongs to."""
    return registry.placeholders_for(event_name)


def compile_template(source: str, *, allowed: Iterable[str]) -> Template:
    try:
        template = _engine.from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateRefused(f"is not a valid template ({str(exc).splitlines()[0].rstrip(': ')})") from None
    for node in template.nodelist:
        if isinstance(node, TextNode):
            continue
        if not isinstance(node, VariableNode):
            raise TemplateRefused("may use {{ placeholders }} only, no {% tags %}")
        _check_variable(node.filter_expression.var, allowed)
        for func, args in node.filter_expression.filters:
            name = getattr(func, "_filter_name", None) or func.__name__
            if name not in ALLOWED_FILTERS:
                raise TemplateRefused(f"uses the filter |{name}; allowed: {', '.join(sorted(ALLOWED_FILTERS))}")
            for is_lookup, arg in args:
                if is_lookup:
                    _check_variable(arg, allowed)
    return template


def _check_variable(var, allowed):
    lookups = getattr(var, "lookups", None)
    if lookups is None:
        return  # a literal
    name = ".".join(lookups)
    if len(lookups) != 1 or lookups[0] not in allowed:
        raise TemplateRefused(
            f"uses the unknown placeholder {{{{ {name} }}}}; available here: {', '.join(sorted(allowed))}"
        )


def render(source: str, context: dict[str, Any], *, allowed: Iterable[str]) -> str:
    return compile_template(source, allowed=allowed).render(Context(context, autoescape=False)).strip()


def context_for(*, client: Any = None, vehicle: Any = None, service: Any = None, dry_run: bool = False) -> dict[str, Any]:
    """The placeholder values for an event's subjects, as their apps registered them: strings, and
    for a value that costs something to make (status_link) a function of no arguments that the
    template engine calls only if the template uses it."""
    return registry.context_for({"client": client, "car": vehicle, "job": service}, dry_run=dry_run)
