"""What the workflow engine can send, registered from notifications.apps: the send_notification and
notify_staff actions and the {{ status_link }} placeholder (concierge/workflows/registry.py)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import translation

from concierge.workflows.registry import ActionContext, Outcome, registry

from .links import PLACEHOLDERS, LinkKind, link_maker_registered
from .models import MessageCategory, NotificationType
from .preview import message_previews
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


# A message's text per language: `template` / `subject` are English (required: every shop can send it),
# `template_sw` / `subject_sw` Swahili (optional). A client whose language has no text gets English.
LANGUAGE_KEYS = {"sw": ("template_sw", "subject_sw")}
DEFAULT_LANGUAGE = "en"


def texts_for(action: dict, language: str) -> tuple[str, str, str]:
    """(template, subject, the language they are in) for a client preferring `language`."""
    template_key, subject_key = LANGUAGE_KEYS.get(language, ("", ""))
    if template_key and action.get(template_key):
        # No Swahili subject: the English one, so an email still has one.
        return action[template_key], action.get(subject_key) or action.get("subject", ""), language
    return action["template"], action.get("subject", ""), DEFAULT_LANGUAGE


def send_notification(action: dict, context: ActionContext) -> Outcome:
    preferred = getattr(context.client, "preferred_language", DEFAULT_LANGUAGE)
    template, subject_template, language = texts_for(action, preferred)
    # Dates and labels in the placeholders follow the text's language ("5 Des 2026" in Swahili).
    with translation.override(language):
        message = context.render(template)
        subject = context.render(subject_template)
    message = _in_app_without_link(action["channel"], message)
    if not context.dry_run:
        notification_create(
            channel=action["channel"], message=message, subject=subject, client=context.client,
            vehicle=context.vehicle, service=context.service, marketing=action.get("marketing", False),
            link=_link_in(message), language=language, category=action.get("category", MessageCategory.SERVICE),
        )
    in_language = "" if language == DEFAULT_LANGUAGE else f" ({language})"
    return Outcome(f"{action['channel']} to the client{in_language}: {message}")


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
        "template_sw": {"type": "string", "minLength": 1, "maxLength": 1000,
                        "description": "the Swahili text, for clients whose language is Swahili (else they get template)"},
        "subject_sw": {"type": "string", "maxLength": 200, "description": "the Swahili email subject"},
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
    registry.action_register("send_notification", handler=send_notification, schema=SEND_NOTIFICATION_SCHEMA,
                             templated=("template", "subject", "template_sw", "subject_sw"), preview=message_previews)
    # Staff messages stay in English: staff have no language of their own in this app.
    registry.action_register("notify_staff", handler=notify_staff, schema=NOTIFY_STAFF_SCHEMA, templated=("template", "subject"))
    registry.placeholders_register("job", names={"status_link"}, values=_status_link_values)
