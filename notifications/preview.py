"""The workflow editor's preview of a send_notification action: each language's text rendered with a
sample job, and for an SMS what the network will make of it (segments.py): encoding, characters,
parts and cost at SMS_PRICE_PER_PART, with a warning naming the characters that force UCS-2 and
their GSM-7 spelling offered as a replacement. Registered with the engine (workflow_actions.py), so
the admin (concierge/workflows) shows it without importing this app."""

from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import formats, translation

from concierge.workflows.registry import MessagePreview, registry
from concierge.workflows.templating import TemplateRefused, placeholders_for, render

from .models import NotificationType
from .segments import UCS2, gsm7_spelling, sms_segments

# The language each text key is in, in the order the editor lists them (workflow_actions.LANGUAGE_KEYS).
TEXT_KEYS = (("template", "en"), ("template_sw", "sw"))
SAMPLE_DATE = datetime.date(2026, 12, 5)
# As long as a real status link (clients/portal/tokens.py: 22 characters of token), so the count is true.
SAMPLE_TOKEN = "x" * 22


def sample_context(language: str) -> dict[str, Any]:
    """Realistic values for the placeholders the apps register; one nobody gave a sample for shows as
    [its name], so a new placeholder still previews."""
    with translation.override(language):
        day = formats.date_format(SAMPLE_DATE, "j M Y")
        status = translation.gettext("in progress")
    known = {
        "first_name": "Wanjiku", "shop_name": settings.SHOP_NAME, "plate": "KDA 123B", "car": "Toyota Fielder",
        "mileage": "85,000 km", "service_type": "Full Service", "status": status,
        "cost": f"{settings.CURRENCY} 12,500.00", "scheduled_date": day, "completed_date": day,
        "status_link": f"{settings.PORTAL_BASE_URL.rstrip('/')}/s/{SAMPLE_TOKEN}",
    }
    names = {name for spec in registry.placeholders for name in spec.names}
    samples = {name: value for event in registry.events.values() for name, value in event.payload_placeholders.items()}
    return {**samples, **{name: known.get(name, f"[{name}]") for name in names}}


def _money(amount: Decimal) -> str:
    return f"{settings.CURRENCY} {amount:,.2f}"


def _named(char: str) -> str:
    name = unicodedata.name(char, f"U+{ord(char):04X}").lower()
    shown = {" ": "space"}.get(char, char) if char.isprintable() and not char.isspace() else ""
    return f"{shown} ({name})" if shown else name


def _sms_facts(text: str) -> tuple[tuple[tuple[str, str], ...], str]:
    count = sms_segments(text)
    facts = (
        ("Encoding", count.encoding),
        ("Characters", str(count.characters)),
        ("Parts", str(count.parts)),
        ("Cost", f"{_money(count.cost(settings.SMS_PRICE_PER_PART))} ({_money(settings.SMS_PRICE_PER_PART)} a part)"),
    )
    warning = ""
    if count.encoding == UCS2:
        warning = (f"Sent as UCS-2 (70 characters a part, not 160) because of: "
                   f"{', '.join(_named(char) for char in count.ucs2_characters)}.")
    return facts, warning


def message_previews(action: dict, trigger_event: str) -> list[MessagePreview]:
    try:
        allowed = placeholders_for(trigger_event)
    except ValueError:  # not an event: the form says so beside the field
        return []
    channel = action.get("channel", "")
    previews = []
    for key, language in TEXT_KEYS:
        source = action.get(key)
        if not isinstance(source, str) or not source:
            continue
        label = f"{NotificationType(channel).label if channel in NotificationType.values else channel} " \
                f"in {dict(settings.LANGUAGES)[language]}"
        try:
            with translation.override(language):
                text = render(source, sample_context(language), allowed=allowed)
        except TemplateRefused as exc:
            previews.append(MessagePreview(key=key, label=label, text="", warning=f"Not previewed: the text {exc}."))
            continue
        if channel != NotificationType.SMS:
            previews.append(MessagePreview(key=key, label=label, text=text))
            continue
        facts, warning = _sms_facts(text)
        replacement = gsm7_spelling(source) if warning else ""
        if warning and sms_segments(gsm7_spelling(text)).encoding == UCS2:
            left = sms_segments(gsm7_spelling(text)).ucs2_characters
            warning += f" No GSM-7 spelling for: {', '.join(_named(char) for char in left)}."
        previews.append(MessagePreview(
            key=key, label=label, text=text, facts=facts, warning=warning,
            replacement=replacement if replacement != source else "",
        ))
    return previews
