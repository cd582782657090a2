"""Services for the provider's delivery reports: store each as received, then apply it to its message.

Africa's Talking posts one report per state change of a text it took (form-encoded `id`, `status`,
`phoneNumber`, `networkCode`, `failureReason`, `retryCount`). Storing comes first and commits on its
own, so a report is never lost to a failure while applying it; the notification sweeper applies what
was left (tasks.sweep_notifications).

The rules (docs/notifications.md, "Delivery reports"):
- Sent, Submitted and Buffered: the network has it, pending. Success: delivered. Failed, Rejected:
  not delivered, with the provider's failureReason.
- A final state is never overwritten: not by an intermediate report arriving late, and not by
  another final one (the first final word stands; the report is kept, marked "nothing to change").
- Applying a report twice changes nothing the second time (the conditional UPDATE finds the row
  already in that state).
- A report for an id we do not know is kept, marked unknown; when a message is later recorded with
  that id (the report overtook the worker's write of the id), it is applied then.
"""

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from concierge.crypto.keys import keyed_hash
from concierge.crypto.normalise import normalise_phone
from concierge.rawbody import NUL, storable

from .backends import PROVIDER_PHONE_MAX, mask_number
from .models import DeliveryReport, DeliveryState, Notification, NotificationType, ReportOutcome

logger = logging.getLogger(__name__)

INTERMEDIATE = {"Sent", "Submitted", "Buffered"}
FINAL = {"Success": DeliveryState.DELIVERED, "Failed": DeliveryState.FAILED, "Rejected": DeliveryState.FAILED}
KNOWN_STATUSES = INTERMEDIATE | set(FINAL)
# The longest value a report's field may have to be applied: the columns' lengths.
ID_MAX, REASON_MAX = 100, 100


def delivery_state_of(status: str) -> str:
    """The delivery state a provider status means."""
    return FINAL.get(status, DeliveryState.PENDING)


# The states a report may move a message from: no report yet, or pending at the network. A final
# state (delivered, not delivered) is never overwritten.
NOT_FINAL = ("", DeliveryState.PENDING)


def delivery_state_may_follow(*, current: str, new: str) -> bool:
    """Whether a report saying `new` may replace the state `current`."""
    return current in NOT_FINAL and new in (DeliveryState.PENDING, *FINAL.values())


def _phone_hash(raw: str) -> str:
    # The hash clients.phone_hash holds (KeyedHashField with normalise_phone).
    return keyed_hash(normalise_phone(raw))


def _unstorable(fields: dict[str, str]) -> str | None:
    """Why a report as received cannot be applied, for what PostgreSQL could not even store: a NUL
    (shown as \\u0000 in what is kept), or a phone number no network has."""
    if any(NUL in key or NUL in value for key, value in fields.items()):
        return "NUL character in a field"
    if len(fields.get("phoneNumber", "")) > PROVIDER_PHONE_MAX:
        return "phone number too long"
    return None


def delivery_report_store(*, fields: dict[str, str]) -> DeliveryReport:
    """Write a report as received (its own transaction: it commits before anything is applied). One
    that could not be stored as it came is kept with NULs shown and a long number cut, already
    refused: it is never applied, now or by the sweeper."""
    problem = _unstorable(fields)
    phone = storable(fields.get("phoneNumber", ""))[:PROVIDER_PHONE_MAX]
    kept = {storable(key): storable(value) for key, value in fields.items()}
    if "phoneNumber" in fields:
        kept["phoneNumber"] = mask_number(phone)
    with transaction.atomic():
        return DeliveryReport.objects.create(
            provider_message_id=kept.get("id", "")[:ID_MAX],
            status=kept.get("status", "")[:20],
            failure_reason=kept.get("failureReason", "")[:REASON_MAX],
            phone_hash=_phone_hash(phone) if phone and not problem else "",
            phone_masked=mask_number(phone)[:20] if phone else "",
            fields=kept,
            **({"processed_at": timezone.now(), "outcome": ReportOutcome.INVALID, "detail": problem} if problem else {}),
        )


def _invalid(report: DeliveryReport) -> str | None:
    fields = report.fields
    if not fields.get("id"):
        return "no message id"
    if len(fields["id"]) > ID_MAX:
        return "message id too long"
    if fields.get("status") not in KNOWN_STATUSES:
        return "unknown status"
    if len(fields.get("failureReason", "")) > REASON_MAX:
        return "failure reason too long"
    return None


def _finish(report: DeliveryReport, outcome: str, detail: str = "", notification_id: Any = None) -> str:
    DeliveryReport.objects.filter(pk=report.pk).update(
        processed_at=timezone.now(), outcome=outcome, detail=detail[:200], notification_id=notification_id,
    )
    report.outcome = outcome
    return outcome


@transaction.atomic
def delivery_report_process(*, report: DeliveryReport) -> str:
    """Apply a stored report to its notification; returns the outcome recorded on the report."""
    if report.outcome == ReportOutcome.INVALID:  # refused as it was stored
        return report.outcome
    problem = _invalid(report)
    if problem:
        return _finish(report, ReportOutcome.INVALID, problem)
    matches = list(
        Notification.objects.filter(provider_message_id=report.provider_message_id, channel=NotificationType.SMS)
        .select_related("client").only("id", "created_at", "delivery_state", "client__phone_hash")[:2]
    )
    if not matches:
        logger.info("delivery report %s for an unknown message id, kept", report.pk)
        return _finish(report, ReportOutcome.UNKNOWN_ID, "no message with this id (yet)")
    if len(matches) > 1:
        return _finish(report, ReportOutcome.UNKNOWN_ID, "more than one message with this id")
    (notification,) = matches
    # Compare keyed hashes: the client's number is encrypted at rest. A client without a number on
    # file (removed since) cannot contradict the report.
    client_hash = notification.client.phone_hash if notification.client is not None else None
    if client_hash and report.phone_hash and report.phone_hash != client_hash:
        logger.warning("delivery report %s names another phone than message %s: not applied",
                       report.pk, notification.pk)
        return _finish(report, ReportOutcome.PHONE_MISMATCH, "phone number differs from the client's",
                       notification.pk)
    state = delivery_state_of(report.status)
    reason = report.failure_reason if state == DeliveryState.FAILED else ""
    # One conditional UPDATE: of two reports applied at once, or one applied twice, the row moves
    # only from a state the rules let it leave, and only when something changes.
    changed = Notification.objects.filter(
        pk=notification.pk, created_at=notification.created_at, delivery_state__in=NOT_FINAL,
    ).exclude(delivery_state=state, delivery_status=report.status).update(
        delivery_state=state, delivery_status=report.status, delivery_reason=reason,
        delivery_reported_at=timezone.now(),
    )
    if not changed:
        return _finish(report, ReportOutcome.UNCHANGED, "already in this or a final state", notification.pk)
    return _finish(report, ReportOutcome.APPLIED, "", notification.pk)


def delivery_report_receive(*, fields: dict[str, str]) -> DeliveryReport:
    """Store, then apply. A failure while applying leaves the report stored and unprocessed for the
    sweeper (delivery_reports_process_pending); the provider's request still succeeds."""
    report = delivery_report_store(fields=fields)
    try:
        delivery_report_process(report=report)
    except Exception:
        logger.exception("delivery report %s stored but not applied; the sweeper will retry", report.pk)
    return report


def delivery_reports_match(*, provider_message_id: str) -> int:
    """Apply reports that arrived before their message was recorded with this id (the worker writes
    the id after the provider's answer; its first report can overtake that write). Returns how many."""
    if not provider_message_id:
        return 0
    waiting = DeliveryReport.objects.filter(
        provider_message_id=provider_message_id, outcome=ReportOutcome.UNKNOWN_ID,
    ).order_by("received_at")
    return sum(delivery_report_process(report=report) == ReportOutcome.APPLIED for report in waiting)


def delivery_reports_process_pending(*, limit: int = 500) -> int:
    """The sweeper: apply reports left unprocessed (their processing failed). Returns how many."""
    pending = DeliveryReport.objects.filter(processed_at__isnull=True).order_by("received_at")[:limit]
    done = 0
    for report in pending:
        try:
            delivery_report_process(report=report)
        except Exception:
            # Left for the next sweep; the rest of this one (and the notification sweep) goes on.
            logger.exception("delivery report %s still not applied", report.pk)
            continue
        done += 1
    return done
