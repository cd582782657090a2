"""Opting out by reply, and in person: services for the owners' incoming texts and their consent.

Africa's Talking posts each text sent to the shop's number (form-encoded `from`, `to`, `text`,
`date`, `id`, `linkId`) to the incoming-messages callback. It is stored first, on its own commit,
keeping only its keyword (never the rest of the text) and the number as a keyed hash and masked;
processing then changes the number's consent, records the change, and queues one confirmation.

The rules (docs/notifications.md, "Opt-out, consent and quiet hours"):
- STOP, ONDOKA or TOKA as the first word (any case, spaces, words after it, a full stop): the number
  gets no more reminder or marketing texts. START or ANZA: it gets them again.
- The confirmation is in the keyword's language (STOP/START: English; ONDOKA/TOKA/ANZA: Swahili),
  through the outbox (category confirmation: never held back), once per incoming message: the
  provider's id is unique and the message is processed under its row lock, once.
- Any other text is kept as "no keyword" (its words are not stored) and answered with nothing.
"""

from __future__ import annotations

import logging
import string
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from concierge.crypto.keys import keyed_hash
from concierge.crypto.normalise import normalise_phone
from concierge.rawbody import NUL, storable

from .backends import PROVIDER_PHONE_MAX, mask_number
from .models import (
    ConsentChange, ConsentMethod, InboundMessage, InboundOutcome, MessageCategory, Notification, NotificationType,
    PhoneConsent,
)
from .services import notification_create

if TYPE_CHECKING:
    from clients.models import Client
    from concierge.accounts.models import User

logger = logging.getLogger(__name__)

# Keyword -> (opts out?, language of the confirmation).
KEYWORDS: dict[str, tuple[bool, str]] = {
    "STOP": (True, "en"), "ONDOKA": (True, "sw"), "TOKA": (True, "sw"),
    "START": (False, "en"), "ANZA": (False, "sw"),
}
# Written for the owner, GSM-7 only (one part each at the shop's usual name length).
CONFIRMATIONS: dict[tuple[bool, str], str] = {
    (True, "en"): "{shop}: you will get no more reminders or offers by SMS. Messages about a car you leave "
                  "with us still come. Reply START to get them again.",
    (True, "sw"): "{shop}: hutapokea tena vikumbusho wala matangazo kwa SMS. Ujumbe kuhusu gari uliloacha "
                  "kwetu utaendelea kufika. Tuma ANZA kuyapata tena.",
    (False, "en"): "{shop}: you will get reminders and offers by SMS again. Reply STOP to stop them.",
    (False, "sw"): "{shop}: utapokea tena vikumbusho na matangazo kwa SMS. Tuma ONDOKA kuyasitisha.",
}
ID_MAX = 100


def keyword_of(text: str) -> str:
    """The keyword a text starts with ("Stop please" -> "STOP", " ondoka." -> "ONDOKA"), or ""."""
    words = text.split()
    if not words:
        return ""
    first = words[0].strip(string.punctuation).upper()
    return first if first in KEYWORDS else ""


def phone_hash_of(raw: str) -> str:
    # The hash clients.phone_hash holds (KeyedHashField with normalise_phone): any spelling matches.
    return keyed_hash(normalise_phone(raw))


def _masked(raw: str) -> str:
    return mask_number(normalise_phone(raw)) if raw else ""


def inbound_message_store(*, fields: dict[str, str]) -> tuple[InboundMessage, bool]:
    """Write an incoming text as received, keyword only (its own transaction, committed before it is
    processed). Returns the row and whether it is new: the provider's retry of a message already
    stored returns the first row."""
    provider_id, phone = fields.get("id", "").strip(), fields.get("from", "").strip()
    usable_phone = bool(phone) and len(phone) <= PROVIDER_PHONE_MAX and NUL not in phone
    values = {
        "phone_hash": phone_hash_of(phone) if usable_phone else "",
        "phone_masked": _masked(phone) if usable_phone else "",
        # Kept for staff as they came, NULs shown (PostgreSQL stores none).
        "to": storable(fields.get("to", ""))[:20],
        "link_id": storable(fields.get("linkId", ""))[:100],
        "provider_date": storable(fields.get("date", ""))[:40],
        # A NUL read as a space: "STOP\0..." still opts the number out (the text itself is not kept).
        "keyword": keyword_of(fields.get("text", "").replace(NUL, " ")),
    }
    problem = None
    if not provider_id:
        problem = "no message id"
    elif len(provider_id) > ID_MAX:
        problem = "message id too long"
    elif NUL in provider_id:
        problem = "NUL character in the message id"
    elif not phone:
        problem = "no sender number"
    elif not usable_phone:
        problem = "sender number too long or with a NUL character"
    with transaction.atomic():
        if problem:
            # Kept for inspection, never applied: without an id a retry could not be told apart.
            return InboundMessage.objects.create(
                provider_message_id="", outcome=InboundOutcome.INVALID, detail=problem,
                processed_at=timezone.now(), **values,
            ), True
        return InboundMessage.objects.get_or_create(provider_message_id=provider_id, defaults=values)


def _clients_on(phone_hash: str) -> list[Client]:
    # The clients model through the notification's foreign key: notifications imports no domain app
    # (.importlinter). Several clients may share a number (a family): the confirmation goes once,
    # filed under the most recently added of them.
    client_model = Notification._meta.get_field("client").related_model
    found = client_model._default_manager.filter(phone_hash=phone_hash).order_by("-created_at")[:1]
    return cast("list[Client]", list(found))


def consent_set(*, phone_hash: str, phone_masked: str, opted_out: bool, method: str, by: User | None = None,
                keyword: str = "", inbound: InboundMessage | None = None, note: str = "") -> bool:
    """Record that a number opted out (or in); returns whether that changed its consent. A change writes
    a ConsentChange row (who, when, how) beside the audit trail; saying the same again changes nothing."""
    now = timezone.now()
    with transaction.atomic():
        consent = PhoneConsent.objects.select_for_update().filter(phone_hash=phone_hash).first()
        if consent is None and not opted_out:
            return False  # a number that never opted out takes every category already
        if consent is None:
            # Two first opt-outs of one number at once: the unique hash lets one insert win; the other
            # finds that row, already opted out, and changes nothing.
            consent, created = PhoneConsent.objects.get_or_create(phone_hash=phone_hash, defaults={
                "phone_masked": phone_masked, "opted_out": True, "changed_at": now, "method": method,
                "keyword": keyword, "changed_by": by,
            })
            if not created:
                return False
        elif consent.opted_out == opted_out:
            return False
        else:
            consent.opted_out, consent.changed_at, consent.method = opted_out, now, method
            consent.keyword, consent.changed_by = keyword, by
            consent.phone_masked = phone_masked or consent.phone_masked
            consent.save()
        ConsentChange.objects.create(
            phone_hash=phone_hash, phone_masked=consent.phone_masked, opted_out=opted_out, method=method,
            keyword=keyword, changed_by=by, inbound=inbound, note=note[:200],
        )
    return True


def consent_set_for_client(*, client: Client, opted_out: bool, by: User, note: str = "") -> bool:
    """Staff record an opt-out or opt-in the owner gave in person (the client's number, so everyone on it)."""
    if not client.phone_hash:
        raise ValueError("this client has no phone number on file")
    return consent_set(phone_hash=client.phone_hash, phone_masked=_masked(client.phone or ""), opted_out=opted_out,
                       method=ConsentMethod.STAFF, by=by, note=note)


def _finish(message: InboundMessage, outcome: str, detail: str = "", confirmation_id: object = None) -> str:
    InboundMessage.objects.filter(pk=message.pk).update(
        processed_at=timezone.now(), outcome=outcome, detail=detail[:200], confirmation_id=confirmation_id,
    )
    message.outcome = outcome
    return outcome


@transaction.atomic
def inbound_message_process(*, message: InboundMessage) -> str:
    """Apply a stored incoming text: change the number's consent and queue the confirmation, once.
    Returns the outcome recorded on the row."""
    locked = InboundMessage.objects.select_for_update().filter(pk=message.pk, processed_at__isnull=True).first()
    if locked is None:  # processed already (a duplicate callback, the sweeper): nothing again
        message.refresh_from_db(fields=["outcome"])
        return message.outcome
    if not locked.keyword:
        return _finish(locked, InboundOutcome.NO_KEYWORD)
    opted_out, language = KEYWORDS[locked.keyword]
    changed = consent_set(phone_hash=locked.phone_hash, phone_masked=locked.phone_masked, opted_out=opted_out,
                          method=ConsentMethod.REPLY, keyword=locked.keyword, inbound=locked)
    outcome = (InboundOutcome.OPTED_OUT if opted_out else InboundOutcome.OPTED_IN) if changed else InboundOutcome.UNCHANGED
    clients = _clients_on(locked.phone_hash)
    if not clients:
        # Nobody on file with this number: nothing of ours goes to it, and it is not kept to reply to.
        return _finish(locked, outcome, "no client with this number: no confirmation sent")
    confirmation = notification_create(
        channel=NotificationType.SMS, client=clients[0], category=MessageCategory.CONFIRMATION,
        message=CONFIRMATIONS[(opted_out, language)].format(shop=settings.SHOP_NAME), language=language,
    )
    return _finish(locked, outcome, f"confirmation in {language}", confirmation.pk)


def inbound_message_receive(*, fields: dict[str, str]) -> InboundMessage:
    """Store, then process. A failure while processing leaves the text stored and unprocessed for the
    sweeper (inbound_messages_process_pending); the provider's request still succeeds."""
    message, _ = inbound_message_store(fields=fields)
    if message.processed_at is None:
        try:
            inbound_message_process(message=message)
        except Exception:
            logger.exception("incoming text %s stored but not processed; the sweeper will retry", message.pk)
    return message


def inbound_messages_process_pending(*, limit: int = 500) -> int:
    """The sweeper: process incoming texts left unprocessed. Returns how many it processed."""
    done = 0
    for message in InboundMessage.objects.filter(processed_at__isnull=True).order_by("received_at")[:limit]:
        try:
            inbound_message_process(message=message)
        except Exception:
            logger.exception("incoming text %s still not processed", message.pk)
            continue
        done += 1
    return done
