"""Message templates: Django's template language, restricted to placeholders and a few filters.

A template may use only {{ placeholder }} and {{ placeholder|filter }} from the lists below: no tags
(no include, load, if…), no attribute lookups. The context holds plain strings only, so even a
mistake in this check could not reach a model, a method or a setting.
"""

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import TextNode, VariableNode
from django.utils import formats

from notifications.links import PLACEHOLDERS, LinkKind

from . import events

CLIENT_PLACEHOLDERS = {"first_name", "shop_name"}
VEHICLE_PLACEHOLDERS = CLIENT_PLACEHOLDERS | {"plate", "car", "mileage"}
SERVICE_PLACEHOLDERS = VEHICLE_PLACEHOLDERS | {
    "service_type", "status", "cost", "scheduled_date", "completed_date", "status_link",
}
ALLOWED_FILTERS = {"upper", "lower", "title", "capfirst", "default"}

# Autoescape off: these are SMS and plain-text bodies, not HTML.
_engine = Engine(autoescape=False, debug=False, libraries={}, builtins=[])


class TemplateRefused(ValueError):
    """The message a template was refused with, for staff."""


def placeholders_for(event_name):
    if event_name in events.SERVICE_EVENTS:
        return SERVICE_PLACEHOLDERS
    if event_name in (events.VEHICLE_ADDED, events.VEHICLE_MILEAGE_UPDATED):
        return VEHICLE_PLACEHOLDERS
    return CLIENT_PLACEHOLDERS


def compile_template(source, *, allowed):
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


def render(source, context, *, allowed):
    return compile_template(source, allowed=allowed).render(Context(context, autoescape=False)).strip()


STATUS_LINK_PLACEHOLDER = PLACEHOLDERS[LinkKind.STATUS_LINK]


def portal_status_link(service):
    """What {{ status_link }} renders to: the placeholder the worker replaces with a fresh link when it
    sends the message (PORTAL_STATUS_LINK names the function making it; empty setting: no link).
    The link itself is never part of the stored text."""
    if not settings.PORTAL_STATUS_LINK or service is None:
        return ""
    return STATUS_LINK_PLACEHOLDER


DRY_RUN_STATUS_LINK = "[status link, made when the message is sent]"


def context_for(*, client=None, vehicle=None, service=None, dry_run=False):
    """The placeholder values for an event's subject: strings, and for status_link a function of no
    arguments that the template engine calls only if the template uses it."""
    context = {"shop_name": settings.SHOP_NAME, "first_name": client.first_name if client else ""}
    if vehicle is not None:
        context |= {
            "plate": vehicle.license_plate or vehicle.vin,
            "car": f"{vehicle.make} {vehicle.model}",
            "mileage": f"{vehicle.mileage:,} km",
        }
    if service is not None:
        context |= {
            "service_type": service.service_type,
            "status": service.get_status_display().lower(),
            "cost": f"{settings.CURRENCY} {service.cost:,.2f}",
            "scheduled_date": formats.date_format(service.scheduled_date, "j M Y") if service.scheduled_date else "",
            "completed_date": formats.date_format(service.completed_date, "j M Y") if service.completed_date else "",
            "status_link": (lambda: DRY_RUN_STATUS_LINK) if dry_run else (lambda: portal_status_link(service)),
        }
    return context
