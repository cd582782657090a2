"""What the workflow engine can send, registered from notifications.apps: the send_notification and
notify_staff actions and the {{ status_link }} placeholder (concierge/workflows/registry.py)."""

from typing import Any

from django.contrib.auth import get_user_model

from concierge.workflows.registry import ActionContext, Outcome, registry

from .links import PLACEHOLDERS, LinkKind, link_maker_registered
from .models import MessageCategory, NotificationType
from .services import notification_create

STATUS_LINK_PLACEHOLDER = PLACEHOLDERS[LinkKind.STATUS_LINK]
DRY_RUN_STATUS_LINK = "[status link, made when the message is sent]"


def _link_in(message: str) -> str:
    return LinkKind.STATUS_LINK if STATUS_LINK_PLACEHOLDER in message else ""


def _in_app_without_link(channel: str, message: str) -> str:
    # In-app messages are read in the portal (or the admin) by someone signed in, each beside a link
    # to its job, and are never "sent" by a worker that could make a link: no token for them.
    if channel != NotificationType.IN_APP or STATUS_LINK_PLACEHOLDER not in message:
        return message
    return " ".join(message.replace(STATUS_LINK_PLACEHOLDER, "").split())


def send_notification(action: dict, context: ActionContext) -> Outcome:
    message = context.render(action["template"])
    subject = context.render(action.get("subject", ""))
    message = _in_app_without_link(action["channel"], message)
    if not context.dry_run:
        notification_create(
            channel=action["channel"], message=message, subject=subject, client=context.client,
            vehicle=context.vehicle, service=context.service, marketing=action.get("marketing", False),
            link=_link_in(message), category=action.get("category", MessageCategory.SERVICE),
        )
    return Outcome(f"{action['channel']} to the client: {message}")


def notify_staff(action: dict, context: ActionContext) -> Outcome:
    message = context.render(action["template"])
    subject = context.render(action.get("subject", ""))
    channel = action.get("channel", NotificationType.EMAIL)
    message = _in_app_without_link(channel, message)
    staff = get_user_model().objects.filter(groups__name=action["group"], is_active=True).distinct()
    if not context.dry_run:
        for user in staff:
            notification_create(channel=channel, message=message, subject=subject, user=user,
                                service=context.service, vehicle=context.vehicle, link=_link_in(message))
    return Outcome(f"{channel} to {len(staff)} member(s) of {action['group']}: {message}")


def status_link(service: Any) -> str:
    """What {{ status_link }} renders to: the placeholder the worker replaces with a fresh link when it
    sends the message (by the maker the portal registered; none registered: no link). The link
    itself is never part of the stored text."""
    return STATUS_LINK_PLACEHOLDER if link_maker_registered(LinkKind.STATUS_LINK) else ""


def _status_link_values(service: Any, dry_run: bool) -> dict[str, Any]:
    # A function: the template engine calls it only if the template uses it.
    return {"status_link": (lambda: DRY_RUN_STATUS_LINK) if dry_run else (lambda: status_link(service))}


SEND_NOTIFICATION_SCHEMA = {
    "description": "A message to the client the event is about.",
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "channel", "template"],
    "properties": {
        "type": {"const": "send_notification"},
        "channel": {"enum": list(NotificationType.values)},
        "template": {"type": "string", "minLength": 1, "maxLength": 1000},
        "subject": {"type": "string", "maxLength": 200, "description": "email subject (a template too)"},
        "marketing": {"type": "boolean", "description": "true: sent only to clients who gave consent_gdpr"},
        # Service messages go to a number that opted out and at night; reminders and marketing do not
        # (docs/notifications.md, "Opt-out, consent and quiet hours"). Left out: service.
        "category": {"enum": [MessageCategory.SERVICE.value, MessageCategory.REMINDER.value,
                              MessageCategory.MARKETING.value],
                     "description": "service (the job needs it), reminder or marketing"},
    },
}

NOTIFY_STAFF_SCHEMA = {
    "description": "A message to every active member of a staff group (e.g. Manager).",
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "group", "template"],
    "properties": {
        "type": {"const": "notify_staff"},
        "group": {"type": "string", "minLength": 1},
        "channel": {"enum": [NotificationType.EMAIL.value, NotificationType.IN_APP.value]},
        "template": {"type": "string", "minLength": 1, "maxLength": 1000},
        "subject": {"type": "string", "maxLength": 200},
    },
}


def register() -> None:
    templated = ("template", "subject")
    registry.action_register("send_notification", handler=send_notification, schema=SEND_NOTIFICATION_SCHEMA, templated=templated)
    registry.action_register("notify_staff", handler=notify_staff, schema=NOTIFY_STAFF_SCHEMA, templated=templated)
    registry.placeholders_register("job", names={"status_link"}, values=_status_link_values)
