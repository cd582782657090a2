"""Writing and delivering notifications.

A notification is written in the caller's transaction: `pending` when it can go out, `failed` with
the reason at once when a contact or consent rule forbids it (never silently dropped: "not sent:
skipped, …" for a number that opted out), `sent` at once for in-app messages (the portal shows them).
A reminder or marketing SMS written in the quiet hours stays `pending` with next_attempt_at at their
end (quiet_hours.py): held, and queued by the sweeper then. Delivery runs in a worker: claim, send, record.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import random
import smtplib
import socket
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from concierge.celery import enqueue_on_commit, requeue_rows
from concierge.http_deadline import Deadline

from .backends import (
    DeliveryError, PermanentDeliveryError, TransientDeliveryError, UncertainDeliveryError, get_sms_backend,
)
from .delivery_reports import delivery_reports_match
from .links import message_for_sending
from .models import OPTIONAL_CATEGORIES, MessageCategory, Notification, NotificationStatus, NotificationType
from .quiet_hours import held_until
from .selectors import phone_opted_out

if TYPE_CHECKING:
    from clients.models import Client
    from concierge.accounts.models import User
    from fleet.models import Vehicle
    from servicing.models import Service

logger = logging.getLogger(__name__)


def _opted_out_problem(*, channel: str, client: Client | None, category: str) -> str | None:
    # Consent is per phone number (a family shares one): it stops texts, not emails.
    if channel != NotificationType.SMS or client is None or category == MessageCategory.CONFIRMATION:
        return None
    covered = category in OPTIONAL_CATEGORIES or settings.OPT_OUT_COVERS_SERVICE_MESSAGES
    if covered and phone_opted_out(phone_hash=client.phone_hash):
        return f"skipped, the phone number opted out of {category} texts"
    return None


def _recipient_problem(*, channel: str, client: Client | None, user: User | None, marketing: bool,
                       category: str = MessageCategory.SERVICE) -> str | None:
    """Why this message may not go to this person, or None."""
    person = client or user
    if person is None:
        return "no recipient"
    if marketing and (client is None or not client.consent_gdpr):
        return "marketing message without the client's consent (consent_gdpr is off)"
    if channel == NotificationType.SMS and not _phone(client=client, user=user):
        return "no phone number on file"
    opted_out = _opted_out_problem(channel=channel, client=client, category=category)
    if opted_out:
        return opted_out
    if channel == NotificationType.EMAIL and not person.email:
        return "no email address on file"
    return None


def _phone(*, client: Client | None, user: User | None) -> str | None:
    # Staff have no phone column; escalations to staff go by email or in-app.
    return client.phone if client is not None else None


def notification_create(*, channel: str, message: str, client: Client | None = None, user: User | None = None,
                        service: Service | None = None, vehicle: Vehicle | None = None,
                        subject: str = "", marketing: bool = False, link: str = "",
                        language: str = "en", category: str = MessageCategory.SERVICE) -> Notification:
    """Write a notification (and queue it after commit). `link`: a LinkKind whose placeholder the
    message holds, made with a fresh token when it is sent (notifications/links.py). `language`: the
    language `message` is written in (shown with it in the portal). `category`: service, reminder or
    marketing (MessageCategory); `marketing=True` is the marketing category."""
    channel = NotificationType(channel)
    category = MessageCategory.MARKETING if marketing else MessageCategory(category)
    marketing = category == MessageCategory.MARKETING
    if service is not None and vehicle is None:
        vehicle = service.vehicle
    notification = Notification(
        channel=channel, message=message, client=client, user=user, service=service, vehicle=vehicle,
        subject=subject, marketing=marketing, sent_at=None, status=NotificationStatus.PENDING,
        link=link, language=language, category=category,
    )
    problem = _recipient_problem(channel=channel, client=client, user=user, marketing=marketing, category=category)
    held = None
    if problem:
        notification.status, notification.error = NotificationStatus.FAILED, f"not sent: {problem}"
    elif channel == NotificationType.IN_APP:
        notification.status, notification.sent_at = NotificationStatus.SENT, timezone.now()
    else:
        held = held_until(channel=channel, category=category, at=timezone.now())
        # Held for the morning: not queued now; the sweeper queues it once next_attempt_at has passed.
        notification.next_attempt_at = held
    notification.save(force_insert=True)
    if notification.status == NotificationStatus.PENDING and held is None:
        from .tasks import deliver_notification

        enqueue_on_commit(deliver_notification, str(notification.pk))
    return notification


UNCERTAIN = "delivery uncertain"


def uncertain_reason(why: str) -> str:
    """The error text of an uncertain row: says so first, then why, then what we did about it."""
    return f"{UNCERTAIN}: {why}; not resent automatically (a person may resend it)"


@dataclasses.dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "failed", "uncertain", "retry", "skipped", "held"
    retry_in: float | None = None


def retry_delay(attempts: int) -> float:
    """Exponential backoff with full jitter, capped: base·2^(n-1) seconds at most, never above the cap."""
    ceiling = min(settings.NOTIFICATION_RETRY_CAP_SECONDS, settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    return random.uniform(ceiling / 2, ceiling)


def notification_claim(*, notification_id: uuid.UUID | str) -> datetime.datetime | None:
    """Take a pending notification for delivery, or return None if someone else has it or it is done.

    A conditional UPDATE, committed before anything is sent: a second task (redelivery, the sweeper)
    finds nothing to claim, so a message goes out at most once.
    """
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, status=NotificationStatus.PENDING, claimed_at__isnull=True)
        .exclude(next_attempt_at__gt=now)
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    return now if claimed else None


def _send(notification: Notification) -> str:
    client, user = notification.client, notification.user
    problem = _recipient_problem(
        channel=notification.channel, client=client, user=user, marketing=notification.marketing,
        category=notification.category,
    )
    person = client or user
    if problem or person is None:  # no person is itself a problem ("no recipient")
        raise PermanentDeliveryError(f"not sent: {problem}")
    if notification.channel == NotificationType.SMS:
        return get_sms_backend().send(to=_phone(client=client, user=user), message=message_for_sending(notification))
    if notification.channel == NotificationType.EMAIL:
        return _send_email(notification, to=person.email)
    return ""  # in_app: stored is delivered


def _smtp_socket(connection: Any) -> socket.socket | None:
    # The SMTP session being opened (Django keeps it apart until signed in) or the open one.
    smtp = getattr(connection, "connection", None) or getattr(connection, "_partial_connection", None)
    return getattr(smtp, "sock", None)


def _refused_on_open(exc: smtplib.SMTPException | OSError) -> DeliveryError:
    """Why the mail server could not be used, for the row and for the operator: nothing was sent."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # The server's own text may echo the user name: only its code, and which settings to check.
        why = (f"the mail server refused the sign-in ({exc.smtp_code}): check EMAIL_HOST_USER / "
               "EMAIL_HOST_PASSWORD; nothing was sent")
        logger.error("email: %s", why)
        return TransientDeliveryError(why)
    if isinstance(exc, smtplib.SMTPConnectError):
        why = f"the mail server refused the connection ({exc.smtp_code}): nothing was sent"
        logger.error("email: %s (EMAIL_HOST / EMAIL_PORT)", why)
        return TransientDeliveryError(why)
    return TransientDeliveryError(f"mail server not reached ({type(exc).__name__}): nothing was sent")


def _refused_or_lost(exc: smtplib.SMTPException | OSError, *, timed_out: bool) -> DeliveryError:
    if timed_out:
        # The socket was shut down under a reply: a cut-off "250" reads as a code of its own.
        return UncertainDeliveryError("mail server: timed out while sending")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return PermanentDeliveryError("the mail server refused the address")
    if isinstance(exc, smtplib.SMTPResponseException):
        # The server answered with a refusal (sender, data): 4xx means try later, 5xx never.
        kind = TransientDeliveryError if 400 <= exc.smtp_code < 500 else PermanentDeliveryError
        return kind(f"mail server refused the message: {exc.smtp_code}")
    return UncertainDeliveryError(f"mail server: {type(exc).__name__} while sending")


def _send_email(notification: Notification, *, to: str) -> str:
    """Like the SMS backend, the connection is opened on its own first: a failure there sent nothing.
    After that, a refusal code from the server is a refusal; a lost connection or a timeout is not
    (the server may have queued the message before the answer was lost). EMAIL_TIMEOUT bounds each
    read and, from the greeting on, the whole conversation: a server trickling its answers is cut off."""
    body = message_for_sending(notification)  # before connecting: it may fail, having sent nothing
    connection = get_connection()
    with Deadline(settings.EMAIL_TIMEOUT, lambda: _smtp_socket(connection)) as deadline:
        try:
            connection.open()
        except (smtplib.SMTPException, OSError) as exc:
            connection.close()
            if deadline.expired:
                raise TransientDeliveryError("mail server not reached (timed out): nothing was sent") from None
            raise _refused_on_open(exc) from None
        if deadline.expired:  # a greeting slower than the whole deadline: its socket was out of reach
            connection.close()
            raise TransientDeliveryError("mail server not reached (timed out): nothing was sent")
        email = EmailMessage(
            subject=notification.subject or f"{settings.SHOP_NAME}", body=body, to=[to],
            headers={"X-Notification-Id": str(notification.pk)}, connection=connection,
        )
        try:
            email.send()
        except (smtplib.SMTPException, OSError) as exc:
            raise _refused_or_lost(exc, timed_out=deadline.expired) from None
        finally:
            connection.close()
    return ""


def notification_deliver(*, notification_id: uuid.UUID | str) -> Outcome:
    """Claim, send and record one notification. Returns what happened, for the task to act on."""
    claimed_at = notification_claim(notification_id=notification_id)
    if claimed_at is None:
        return Outcome("skipped")
    notification = Notification.objects.select_related("client", "user").filter(pk=notification_id).first()
    if notification is None:
        return Outcome("skipped")  # deleted with its client or job since it was claimed
    ours = Notification.objects.filter(pk=notification_id, claimed_at=claimed_at)
    held = held_until(channel=notification.channel, category=notification.category, at=claimed_at)
    if held is not None:
        # Written before the quiet hours began (or retried into them): back to waiting for the morning,
        # the claim released and not counted as an attempt.
        ours.update(claimed_at=None, next_attempt_at=held, attempts=F("attempts") - 1)
        return Outcome("held")
    try:
        message_id = _send(notification)
    except TransientDeliveryError as exc:
        if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            ours.update(status=NotificationStatus.FAILED, error=f"gave up after {notification.attempts} attempts: {exc}")
            return Outcome("failed")
        # Not sooner than the provider asked (429/503 Retry-After), nor later than the cap.
        delay = min(max(retry_delay(notification.attempts), exc.retry_after or 0),
                    settings.NOTIFICATION_RETRY_CAP_SECONDS)
        # Released for the retry; next_attempt_at keeps the sweeper from running it early.
        ours.update(claimed_at=None, next_attempt_at=timezone.now() + timedelta(seconds=delay), error=str(exc))
        return Outcome("retry", retry_in=delay)
    except UncertainDeliveryError as exc:
        ours.update(status=NotificationStatus.FAILED, delivery_uncertain=True, error=uncertain_reason(str(exc)))
        return Outcome("uncertain")
    except DeliveryError as exc:
        ours.update(status=NotificationStatus.FAILED, error=str(exc))
        return Outcome("failed")
    ours.update(status=NotificationStatus.SENT, sent_at=timezone.now(), error="", provider_message_id=message_id or "")
    if message_id and notification.channel == NotificationType.SMS:
        # A delivery report may have overtaken the write above: it was kept as unknown; apply it now.
        delivery_reports_match(provider_message_id=message_id)
    return Outcome("sent")


def notifications_requeue_stale(*, older_than_seconds: float | None = None, limit: int = 1000) -> dict[str, int]:
    """The sweeper: queue again pending notifications nobody is working on, and close abandoned claims.

    A claim older than NOTIFICATION_CLAIM_TIMEOUT_SECONDS means its worker died between claiming and
    recording: the message may or may not have gone out, so it is marked failed and uncertain for
    staff to decide on, rather than sent a second time.
    """
    from .tasks import deliver_notification

    now = timezone.now()
    age = timedelta(seconds=settings.NOTIFICATION_SWEEP_AGE_SECONDS if older_than_seconds is None else older_than_seconds)
    abandoned = Notification.objects.filter(
        status=NotificationStatus.PENDING,
        claimed_at__lt=now - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS),
    ).update(
        status=NotificationStatus.FAILED, delivery_uncertain=True,
        error=uncertain_reason("the worker was lost while sending it (it may have gone out)"),
    )
    stale = list(
        Notification.objects.filter(status=NotificationStatus.PENDING, claimed_at__isnull=True, created_at__lt=now - age)
        .exclude(next_attempt_at__gt=now - age)
        .exclude(requeued_at__gt=now - age)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    queued = requeue_rows(deliver_notification, Notification, stale, now=now)
    if abandoned or queued:
        logger.info("notification sweep: %d re-queued, %d abandoned claims failed", queued, abandoned)
    return {"requeued": queued, "abandoned": abandoned}


def _send_again(*, pk: uuid.UUID, uncertain: bool) -> bool:
    """One conditional UPDATE back to pending, queued after commit: of two presses (or two staff at
    once) only the first finds the row in the state it expects; the second changes and queues nothing."""
    from .tasks import deliver_notification

    updated = Notification.objects.filter(
        pk=pk, status=NotificationStatus.FAILED, delivery_uncertain=uncertain,
    ).update(
        status=NotificationStatus.PENDING, delivery_uncertain=False, claimed_at=None, next_attempt_at=None,
        attempts=0, error="", sent_at=None,
        # A new send gets a new provider id and its own reports.
        provider_message_id="", delivery_state="", delivery_status="", delivery_reason="", delivery_reported_at=None,
    )
    if updated:
        enqueue_on_commit(deliver_notification, str(pk))
    return bool(updated)


@transaction.atomic
def notification_retry(*, notification: Notification) -> bool:
    """Staff asked to send a failed notification again. Only one that provably did not go out: an
    uncertain one needs notification_resend_uncertain, a deliberate decision of its own."""
    return _send_again(pk=notification.pk, uncertain=False)


@transaction.atomic
def notification_resend_uncertain(*, notification: Notification) -> bool:
    """A person decided to resend a message whose delivery is uncertain (the client may get it twice).
    Once: the row leaves the uncertain state in the same UPDATE, so a second press does nothing."""
    return _send_again(pk=notification.pk, uncertain=True)
