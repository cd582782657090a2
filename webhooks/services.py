"""Registering endpoints, queueing deliveries in the event's transaction, and delivering them.

At most once on our side, like notifications (notifications/services.py): a delivery is claimed by a
conditional UPDATE (pending → sending, committed) before anything is sent, so a second task for the
same row (a redelivered Celery message, the sweeper, a second worker) finds nothing to claim. A claim
left `sending` by a worker that died is marked `uncertain` by the sweeper, never resent by itself.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import random
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from concierge.accounts.roles import MANAGER
from concierge.audit.context import acting_as
from concierge.celery import enqueue_on_commit, requeue_rows
from concierge.workflows.models import Event
from notifications.models import NotificationType
from notifications.services import notification_create

from . import transport
from .addresses import AddressRefused, AddressUnresolved, resolve
from .models import Delivery, DeliveryState, Endpoint, EndpointState
from .payloads import event_body
from .signing import secret_new, signature

if TYPE_CHECKING:
    from concierge.accounts.models import User

logger = logging.getLogger(__name__)


def endpoint_create(*, name: str, url: str, events: list[str], by: User | None = None) -> Endpoint:
    """A new endpoint with a secret made here (the URL has been checked by the form: addresses.url_check)."""
    endpoint = Endpoint(name=name, url=url, events=sorted(set(events)), secret=secret_new(),
                        created_by=by if by is not None and by.pk else None)
    with acting_as(by):
        endpoint.save(force_insert=True)
    return endpoint


def _queue(delivery: Delivery) -> None:
    from .tasks import deliver_webhook

    if delivery.state == DeliveryState.PENDING:
        enqueue_on_commit(deliver_webhook, str(delivery.pk))


def deliveries_queue_for_event(*, event: Event) -> list[Delivery]:
    """A delivery for each endpoint subscribed to the event, written in the event's transaction; one
    whose endpoint is paused is `held` until a manager resumes it."""
    endpoints = list(Endpoint.objects.filter(events__contains=[event.name]))
    if not endpoints:
        return []
    body = event_body(event)
    deliveries = Delivery.objects.bulk_create([
        Delivery(endpoint=endpoint, event_id=event.pk, event_type=event.name, body=body,
                 state=DeliveryState.PENDING if endpoint.state == EndpointState.ACTIVE else DeliveryState.HELD)
        for endpoint in endpoints
    ])
    for delivery in deliveries:
        _queue(delivery)
    return deliveries


@dataclasses.dataclass(frozen=True)
class Outcome:
    status: str  # "delivered", "failed", "retry", "held", "skipped"
    retry_in: float | None = None


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter: between half and all of base·2^(n-1) seconds, capped."""
    ceiling = min(settings.WEBHOOKS_RETRY_CAP_SECONDS, settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    return random.uniform(ceiling / 2, ceiling)


def delivery_claim(*, delivery_id: uuid.UUID | str, now: datetime.datetime) -> bool:
    """Take a pending, due delivery for sending: one conditional UPDATE (the row is locked while it
    runs, and a second one waiting on it then sees `sending` and changes nothing). Committed on return."""
    with transaction.atomic():
        claimed = (
            Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .update(state=DeliveryState.SENDING, claimed_at=now, attempts=F("attempts") + 1, last_attempt_at=now)
        )
    return bool(claimed)


def _headers(*, delivery: Delivery, secret: str, now: datetime.datetime) -> dict[str, str]:
    timestamp = int(now.timestamp())
    return {
        "X-Concierge-Event-Id": str(delivery.event_id),
        "X-Concierge-Event-Type": delivery.event_type,
        "X-Concierge-Delivery-Id": str(delivery.pk),
        "X-Concierge-Timestamp": str(timestamp),
        "X-Concierge-Signature": signature(secret=secret, timestamp=timestamp, body=delivery.body),
    }


def delivery_deliver(*, delivery_id: uuid.UUID | str, now: datetime.datetime | None = None) -> Outcome:
    """Claim, send and record one delivery. `now`: the clock (tests pass a later one to stand a day on)."""
    now = now or timezone.now()
    if not delivery_claim(delivery_id=delivery_id, now=now):
        return Outcome("skipped")
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        return Outcome("skipped")  # deleted with its endpoint since it was claimed
    endpoint = delivery.endpoint
    ours = Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING, claimed_at=now)
    if endpoint.state != EndpointState.ACTIVE:
        # Paused since it was queued: waits for the manager's resume, the claim not counted as an attempt.
        ours.update(state=DeliveryState.HELD, claimed_at=None, attempts=F("attempts") - 1)
        return Outcome("held")
    try:
        target = resolve(endpoint.url)
    except AddressRefused as exc:
        # A name that does not resolve now may later; one that resolves to a private address is refused.
        result = transport.Result(None, f"not sent: {exc}"[:300], retry=isinstance(exc, AddressUnresolved))
    else:
        result = transport.post(target=target, body=delivery.body.encode(),
                                headers=_headers(delivery=delivery, secret=endpoint.secret, now=now),
                                timeout=settings.WEBHOOKS_TIMEOUT_SECONDS)
    if result.delivered:
        ours.update(state=DeliveryState.DELIVERED, delivered_at=timezone.now(), response_code=result.status,
                    last_error="", claimed_at=None)
        Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=None, last_success_at=now)
        return Outcome("delivered")
    if result.retry and delivery.attempts < settings.WEBHOOKS_MAX_ATTEMPTS:
        # Not sooner than the receiver asked (429/503 Retry-After), nor later than the cap.
        delay = min(max(retry_delay(delivery.attempts), result.retry_after or 0), settings.WEBHOOKS_RETRY_CAP_SECONDS)
        ours.update(state=DeliveryState.PENDING, claimed_at=None, response_code=result.status,
                    last_error=result.error, next_attempt_at=now + timedelta(seconds=delay))
        outcome = Outcome("retry", retry_in=delay)
    else:
        error = result.error if not result.retry else f"gave up after {delivery.attempts} attempts: {result.error}"
        ours.update(state=DeliveryState.FAILED, claimed_at=None, response_code=result.status, last_error=error[:300])
        outcome = Outcome("failed")
    # After the row's own update, so a pause it causes holds this delivery's retry too.
    _endpoint_failed(endpoint=endpoint, now=now)
    return outcome


def _endpoint_failed(*, endpoint: Endpoint, now: datetime.datetime) -> None:
    """An attempt failed: start the endpoint's failing period if none is running, and pause it when
    nothing has succeeded for WEBHOOKS_PAUSE_AFTER_SECONDS."""
    Endpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now)
    endpoints_pause_failing(now=now, pk=endpoint.pk)


def endpoints_pause_failing(*, now: datetime.datetime | None = None, pk: uuid.UUID | None = None) -> int:
    """Pause every active endpoint that has only failed for WEBHOOKS_PAUSE_AFTER_SECONDS, and tell the
    managers. The state change is a conditional UPDATE: of two workers failing at once, one pauses and tells."""
    now = now or timezone.now()
    since = now - timedelta(seconds=settings.WEBHOOKS_PAUSE_AFTER_SECONDS)
    failing = Endpoint.objects.filter(state=EndpointState.ACTIVE, failing_since__lte=since)
    if pk is not None:
        failing = failing.filter(pk=pk)
    paused = 0
    for endpoint in failing:
        hours = (now - (endpoint.failing_since or now)).total_seconds() / 3600
        reason = f"Paused automatically: every delivery failed for {hours:.0f} hours."
        with transaction.atomic():
            if not Endpoint.objects.filter(pk=endpoint.pk, state=EndpointState.ACTIVE).update(
                    state=EndpointState.PAUSED, paused_at=now, paused_reason=reason):
                continue
            # Waiting retries wait for the resume, like new events.
            Delivery.objects.filter(endpoint=endpoint, state=DeliveryState.PENDING).update(state=DeliveryState.HELD)
            _managers_tell(endpoint=endpoint, reason=reason)
        paused += 1
        logger.warning("webhook endpoint %s paused after %.0f hours of failed deliveries", endpoint.pk, hours)
    return paused


def _managers_tell(*, endpoint: Endpoint, reason: str) -> None:
    """In-app and, for those with an address, by email, through notifications (staff messages). The
    text names the endpoint, never its URL (which may carry the receiver's own token)."""
    subject = f"Webhook “{endpoint.name}” paused"
    message = (f"{reason} New events for it are held until a manager resumes it in the admin "
               "(Webhooks → Endpoints → Resume); fix the receiver first.")
    managers = get_user_model().objects.filter(
        Q(groups__name=MANAGER) | Q(is_superuser=True), is_active=True,
    ).distinct()
    for user in managers:
        notification_create(channel=NotificationType.IN_APP, message=message, subject=subject, user=user)
        if user.email:
            notification_create(channel=NotificationType.EMAIL, message=message, subject=subject, user=user)


def endpoint_pause(*, endpoint: Endpoint, by: User | None = None) -> bool:
    """A manager paused it: new and waiting deliveries are held until it is resumed."""
    with acting_as(by):
        updated = Endpoint.objects.filter(pk=endpoint.pk, state=EndpointState.ACTIVE).update(
            state=EndpointState.PAUSED, paused_at=timezone.now(), paused_reason="Paused by a manager.")
        if updated:
            Delivery.objects.filter(endpoint=endpoint, state=DeliveryState.PENDING).update(state=DeliveryState.HELD)
    return bool(updated)


def endpoint_resume(*, endpoint: Endpoint, by: User | None = None) -> int | None:
    """Active again, its failing period forgotten, and the held deliveries queued (oldest first).
    Returns how many were queued, or None if it was not paused."""
    from .tasks import deliver_webhook

    with acting_as(by):
        if not Endpoint.objects.filter(pk=endpoint.pk, state=EndpointState.PAUSED).update(
                state=EndpointState.ACTIVE, paused_at=None, paused_reason="", failing_since=None):
            return None
        held = list(Delivery.objects.filter(endpoint=endpoint, state=DeliveryState.HELD)
                    .order_by("created_at").values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=held).update(state=DeliveryState.PENDING, next_attempt_at=None)
        for pk in held:
            enqueue_on_commit(deliver_webhook, str(pk))
    return len(held)


def delivery_redeliver(*, delivery: Delivery, by: User | None = None) -> Delivery:
    """A manager asked to send an event again: a NEW delivery of the same body (same event id, so the
    receiver can tell it is the same event), the old row left as it was. Its insert is audited as `by`."""
    with acting_as(by):
        endpoint = Endpoint.objects.get(pk=delivery.endpoint_id)
        again = Delivery(endpoint=endpoint, event_id=delivery.event_id, event_type=delivery.event_type,
                         body=delivery.body, redelivery_of=delivery, created_by=by if by is not None and by.pk else None,
                         state=DeliveryState.PENDING if endpoint.state == EndpointState.ACTIVE else DeliveryState.HELD)
        again.save(force_insert=True)
        _queue(again)
    return again


def deliveries_sweep(*, now: datetime.datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """The beat sweeper: claims left by a dead worker become `uncertain` (the receiver may have the
    event: not resent by itself); due pending rows nobody queued (a lost broker message) are queued
    again; endpoints failing for a day are paused."""
    from .tasks import deliver_webhook

    now = now or timezone.now()
    uncertain = Delivery.objects.filter(
        state=DeliveryState.SENDING, claimed_at__lt=now - timedelta(seconds=settings.WEBHOOKS_CLAIM_TIMEOUT_SECONDS),
    ).update(state=DeliveryState.UNCERTAIN, claimed_at=None,
             last_error="delivery uncertain: the worker was lost while sending it (the receiver may have it); "
                        "not resent automatically (a manager may redeliver)")
    age = now - timedelta(seconds=settings.WEBHOOKS_SWEEP_AGE_SECONDS)
    stale = list(
        Delivery.objects.filter(state=DeliveryState.PENDING, created_at__lt=age)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=age))
        .exclude(requeued_at__gt=age)
        .order_by("created_at").values_list("pk", flat=True)[:limit]
    )
    queued = requeue_rows(deliver_webhook, Delivery, stale, now=now)
    paused = endpoints_pause_failing(now=now)
    if uncertain or queued or paused:
        logger.info("webhook sweep: %d re-queued, %d uncertain, %d endpoints paused", queued, uncertain, paused)
    return {"requeued": queued, "uncertain": uncertain, "paused": paused}


def deliveries_purge(*, now: datetime.datetime | None = None, batch: int = 10_000) -> int:
    """Delivered and failed deliveries older than WEBHOOKS_DELIVERY_LOG_DAYS, in batches. Pending, held,
    sending and uncertain ones stay whatever their age: they still need a worker or a person."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WEBHOOKS_DELIVERY_LOG_DAYS)
    finished = Delivery.objects.filter(state__in=(DeliveryState.DELIVERED, DeliveryState.FAILED), created_at__lt=cutoff)
    deleted = 0
    while ids := list(finished.values_list("pk", flat=True)[:batch]):
        # A redelivery points at the row it repeats (SET NULL): the purge may take either first.
        deleted += Delivery.objects.filter(pk__in=ids).delete()[0]
    return deleted
