"""Writing and sending eTIMS transmissions (the outbox). docs/etims.md.

queue_transmission runs in the caller's transaction (the invoice's): the row and its request body are
written with the invoice or not at all, and the send is queued after commit. The task then claims the
row (committed before KRA is called), sends, and records KRA's answer.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from concierge.celery import enqueue_on_commit, requeue_rows

from .client import EtimsClient, EtimsError, RejectedError, SaleReceipt, TransientError, UncertainError
from .documents import DocumentKind as SaleKind
from .documents import SaleDocument
from .models import INVC_NO_SEQUENCE, DocumentKind, Transmission, TransmissionState
from .payload import sales_payload

if TYPE_CHECKING:
    from concierge.accounts.models import User

logger = logging.getLogger(__name__)


def etims_configured() -> bool:
    return bool(settings.ETIMS_BASE_URL and settings.ETIMS_PIN and settings.ETIMS_DEVICE_SERIAL)


def qr_url(*, tin: str, branch_id: str, rcpt_sign: str) -> str:
    """KRA's receipt check: the PIN, the branch and the signature run together after `Data=`."""
    return f"{settings.ETIMS_QR_BASE_URL}{tin}{branch_id}{rcpt_sign}"


def queue_transmission(doc: SaleDocument) -> Transmission:
    """Queue an issued invoice or credit note for KRA, in the caller's transaction. Idempotent: asked
    twice (a retried request, two workers) for the same kind and number, it returns the one row.

    A credit note's invoice must have been queued before it (its KRA number goes in orgInvcNo).
    Raises ValueError for a second, different document under a number already queued.
    """
    kind = DocumentKind(str(doc.kind))
    existing = Transmission.objects.filter(kind=kind, number=doc.number).first()
    if existing is not None:
        return _same_document(existing, doc)
    org_invc_no = 0
    if doc.kind == SaleKind.CREDIT_NOTE and doc.original_number is not None:  # a credit note always has one
        original = Transmission.objects.filter(kind=DocumentKind.INVOICE, number=doc.original_number).first()
        if original is None:
            raise ValueError(f"credit note {doc.number}: invoice {doc.original_number} was never queued for eTIMS")
        org_invc_no = original.invc_no
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [INVC_NO_SEQUENCE])
        invc_no = cursor.fetchone()[0]
    configured = etims_configured()
    row = Transmission(
        kind=kind, number=doc.number, original_number=doc.original_number, invc_no=invc_no,
        org_invc_no=org_invc_no, total_amount=doc.total_amount,
        payload=sales_payload(doc, tin=settings.ETIMS_PIN, branch_id=settings.ETIMS_BRANCH_ID,
                              invc_no=invc_no, org_invc_no=org_invc_no),
        state=TransmissionState.QUEUED if configured else TransmissionState.NOT_CONFIGURED,
        last_error="" if configured else "eTIMS is not configured (ETIMS_BASE_URL, ETIMS_PIN, ETIMS_DEVICE_SERIAL)",
    )
    # Two transactions queueing the same document at once: the second waits on the unique index, then
    # inserts nothing and reads the first's row.
    with transaction.atomic():
        Transmission.objects.bulk_create([row], ignore_conflicts=True)
    stored = Transmission.objects.get(kind=kind, number=doc.number)
    if stored.pk != row.pk:
        return _same_document(stored, doc)
    if stored.state == TransmissionState.QUEUED:
        from .tasks import send_transmission

        enqueue_on_commit(send_transmission, str(stored.pk))
    return stored


def _same_document(existing: Transmission, doc: SaleDocument) -> Transmission:
    if existing.total_amount != doc.total_amount or existing.original_number != doc.original_number:
        raise ValueError(f"{doc.kind} {doc.number} was already queued for eTIMS with other contents")
    return existing


@dataclasses.dataclass(frozen=True)
class Outcome:
    state: str  # a TransmissionState, or "skipped" / "retry"
    retry_in: float | None = None


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter: base x 2^(n-1) seconds, capped; half to all of it."""
    ceiling = min(settings.ETIMS_RETRY_CAP_SECONDS, settings.ETIMS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return random.uniform(ceiling / 2, ceiling)


_cmc_keys: dict[tuple[str, str, str, str], str] = {}


# resultCd KRA answers a sale whose cmcKey (or device) it does not take: the key expired, or the
# device was initialised again elsewhere. The sale was not recorded.
KEY_REFUSED = {"901"}


def _client(*, fresh_key: bool = False) -> EtimsClient:
    """A client holding the communication key: the one selectInitOsdcInfo gave this process, else
    ETIMS_CMC_KEY when set, else a new one from selectInitOsdcInfo, kept in this process's memory only
    (never stored, never logged). `fresh_key`: ask selectInitOsdcInfo again (KRA refused the key)."""
    if not etims_configured():
        # Configured when queued, not any more (settings changed): nothing is sent; it waits.
        raise TransientError("eTIMS is not configured now (ETIMS_BASE_URL, ETIMS_PIN, ETIMS_DEVICE_SERIAL): not sent")
    base = dict(base_url=settings.ETIMS_BASE_URL, tin=settings.ETIMS_PIN, branch_id=settings.ETIMS_BRANCH_ID,
                timeout=settings.ETIMS_TIMEOUT)
    try:
        EtimsClient(**base)
    except ValueError as exc:
        raise TransientError(f"{exc}: not sent") from None
    cache_key = (settings.ETIMS_BASE_URL, settings.ETIMS_PIN, settings.ETIMS_BRANCH_ID, settings.ETIMS_DEVICE_SERIAL)
    key = "" if fresh_key else (_cmc_keys.get(cache_key) or settings.ETIMS_CMC_KEY)
    if not key:
        _cmc_keys.pop(cache_key, None)
        try:
            key = EtimsClient(**base).init_device(device_serial=settings.ETIMS_DEVICE_SERIAL).cmc_key
        except RejectedError as exc:
            # KRA does not know the device: retrying cannot help until a person fixes the settings.
            raise RejectedError(exc.result_code, f"{exc.result_message} (device initialisation refused: check "
                                                 "ETIMS_PIN, ETIMS_BRANCH_ID, ETIMS_DEVICE_SERIAL); the sale "
                                                 "was not sent") from None
        except UncertainError as exc:
            # Nothing of the sale was sent: retried; staff see why.
            raise TransientError(f"device initialisation failed, the sale was not sent: {exc}") from None
        _cmc_keys[cache_key] = key
    return EtimsClient(**base, cmc_key=key)


def _save_sale(payload: dict[str, Any]) -> SaleReceipt:
    client = _client()  # a refused initialisation is final here: it is not the sale's key refused
    try:
        return client.save_sale(payload)
    except RejectedError as exc:
        if exc.result_code not in KEY_REFUSED:
            raise
    # KRA refused the key without recording the sale: a new key, and the sale once more. Refused
    # again, it is rejected for a person to look at, never asked again in a loop.
    return _client(fresh_key=True).save_sale(payload)


def transmission_claim(*, transmission_id: uuid.UUID | str) -> Transmission | None:
    """Take a queued transmission for sending, or None if it is not due, not queued, or another worker
    holds it. The row lock (SKIP LOCKED: a second worker does not wait, it walks away) and the move to
    `sending` are committed before KRA is called."""
    now = timezone.now()
    with transaction.atomic():
        row = (Transmission.objects.select_for_update(skip_locked=True)
               .filter(pk=transmission_id, state=TransmissionState.QUEUED).first())
        if row is None or (row.next_attempt_at is not None and row.next_attempt_at > now):
            return None
        row.state, row.claimed_at, row.attempts = TransmissionState.SENDING, now, row.attempts + 1
        row.save(update_fields=["state", "claimed_at", "attempts"])
    return row


def _original_not_accepted(row: Transmission) -> str | None:
    if row.kind != DocumentKind.CREDIT_NOTE or row.original_number is None:
        return None
    original = Transmission.objects.filter(kind=DocumentKind.INVOICE, number=row.original_number).first()
    if original is not None and original.state == TransmissionState.ACCEPTED:
        return None
    # KRA takes a credit note only for a sale it has (resultCd 922 otherwise).
    return f"waiting for invoice {row.original_number} to be accepted by KRA first"


def transmission_send(*, transmission_id: uuid.UUID | str) -> Outcome:
    """Claim, send and record one transmission. Returns what happened, for the task to act on."""
    row = transmission_claim(transmission_id=transmission_id)
    if row is None:
        return Outcome("skipped")
    ours = Transmission.objects.filter(pk=row.pk, state=TransmissionState.SENDING, claimed_at=row.claimed_at)
    try:
        waiting = _original_not_accepted(row)
        if waiting:
            raise TransientError(waiting)
        receipt = _save_sale(row.payload)
    except TransientError as exc:
        delay = retry_delay(row.attempts)
        ours.update(state=TransmissionState.QUEUED, claimed_at=None, last_error=str(exc),
                    next_attempt_at=timezone.now() + timedelta(seconds=delay))
        return Outcome("retry", retry_in=delay)
    except RejectedError as exc:
        if exc.result_code == "994":
            # "Overlapped data": KRA already has this invcNo, from an attempt whose answer we lost.
            ours.update(state=TransmissionState.UNCERTAIN, claimed_at=None, result_code=exc.result_code,
                        result_message=exc.result_message,
                        last_error=f"{exc}: KRA already has this invoice number; find its receipt in the eTIMS portal")
            return Outcome(TransmissionState.UNCERTAIN)
        ours.update(state=TransmissionState.REJECTED, claimed_at=None, result_code=exc.result_code,
                    result_message=exc.result_message, last_error=str(exc))
        return Outcome(TransmissionState.REJECTED)
    except UncertainError as exc:
        ours.update(state=TransmissionState.UNCERTAIN, claimed_at=None,
                    last_error=f"{exc}; KRA may have recorded it: not resent automatically")
        return Outcome(TransmissionState.UNCERTAIN)
    except EtimsError as exc:  # pragma: no cover - the three above are all there is
        ours.update(state=TransmissionState.UNCERTAIN, claimed_at=None, last_error=str(exc))
        return Outcome(TransmissionState.UNCERTAIN)
    ours.update(
        state=TransmissionState.ACCEPTED, claimed_at=None, accepted_at=timezone.now(), last_error="",
        result_code=receipt.result_code, result_message=receipt.result_message, cur_rcpt_no=receipt.cur_rcpt_no,
        tot_rcpt_no=receipt.tot_rcpt_no, intrl_data=receipt.intrl_data, rcpt_sign=receipt.rcpt_sign,
        sdc_date_time=receipt.sdc_date_time,
        qr_url=qr_url(tin=row.payload["tin"], branch_id=row.payload["bhfId"], rcpt_sign=receipt.rcpt_sign),
    )
    return Outcome(TransmissionState.ACCEPTED)


def transmissions_sweep(*, limit: int = 500) -> dict[str, int]:
    """Beat: mark abandoned claims uncertain, queue again the queued rows that are due.

    A row `sending` longer than ETIMS_CLAIM_TIMEOUT_SECONDS belongs to a worker that died between
    claiming and recording: KRA may have it, so it becomes `uncertain` for a person, never resent.
    """
    from .tasks import send_transmission

    now = timezone.now()
    abandoned = Transmission.objects.filter(
        state=TransmissionState.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.ETIMS_CLAIM_TIMEOUT_SECONDS),
    ).update(state=TransmissionState.UNCERTAIN, claimed_at=None,
             last_error="the worker was lost while sending it (KRA may have it): not resent automatically")
    # Due: never tried and older than a sweep (its on-commit task was lost), or its retry time passed.
    # A row queued again by a sweep waits a full interval before the next, so a backlog is not multiplied.
    age = timedelta(seconds=settings.ETIMS_SWEEP_INTERVAL)
    due = list(
        Transmission.objects.filter(state=TransmissionState.QUEUED, created_at__lt=now - age)
        .exclude(next_attempt_at__gt=now)
        .exclude(requeued_at__gt=now - age)
        .order_by("created_at").values_list("pk", flat=True)[:limit]
    )
    queued = requeue_rows(send_transmission, Transmission, due, now=now)
    if abandoned or queued:
        logger.info("etims sweep: %d re-queued, %d abandoned claims marked uncertain", queued, abandoned)
    return {"requeued": queued, "abandoned": abandoned}


@transaction.atomic
def transmission_record_receipt(*, transmission: Transmission, receipt_number: str, by: User,
                                rcpt_sign: str = "", note: str = "") -> bool:
    """A person found the sale in KRA's eTIMS portal: record its receipt number (and signature, for the
    QR code) on an uncertain transmission. Of two presses only the first changes anything."""
    receipt_number, rcpt_sign = receipt_number.strip(), rcpt_sign.strip()
    if not receipt_number:
        raise ValueError("the receipt number is required")
    tin, branch_id = transmission.payload.get("tin", ""), transmission.payload.get("bhfId", "")
    now = timezone.now()
    return bool(Transmission.objects.filter(pk=transmission.pk, state=TransmissionState.UNCERTAIN).update(
        state=TransmissionState.ACCEPTED, cur_rcpt_no=receipt_number[:40], rcpt_sign=rcpt_sign[:100],
        qr_url=qr_url(tin=tin, branch_id=branch_id, rcpt_sign=rcpt_sign) if rcpt_sign else "",
        accepted_at=now, resolved_by=by, resolved_at=now,
        resolution_note=(note.strip() or "receipt recorded by hand from the eTIMS portal")[:200],
    ))


RESENDABLE = (TransmissionState.UNCERTAIN, TransmissionState.REJECTED, TransmissionState.NOT_CONFIGURED)


@transaction.atomic
def transmission_requeue(*, transmission: Transmission, by: User, note: str = "") -> bool:
    """A person decided to send it (again): an uncertain one (KRA may get it twice; it refuses the
    same invcNo with 994, which lands back in uncertain), a refused one after fixing the cause, or one
    recorded while eTIMS was not configured (the shop's PIN and branch are filled in now)."""
    if transmission.state == TransmissionState.NOT_CONFIGURED and not etims_configured():
        raise ValueError("eTIMS is still not configured: set ETIMS_BASE_URL, ETIMS_PIN and ETIMS_DEVICE_SERIAL")
    payload = {**transmission.payload}
    if transmission.state == TransmissionState.NOT_CONFIGURED:
        payload.update(tin=settings.ETIMS_PIN, bhfId=settings.ETIMS_BRANCH_ID)
    now = timezone.now()
    updated = Transmission.objects.filter(pk=transmission.pk, state=transmission.state,
                                          state__in=RESENDABLE).update(
        state=TransmissionState.QUEUED, payload=payload, attempts=0, next_attempt_at=None, claimed_at=None,
        last_error="", resolved_by=by, resolved_at=now,
        resolution_note=(note.strip() or f"sent again by hand (was {transmission.state})")[:200],
    )
    if updated:
        from .tasks import send_transmission

        enqueue_on_commit(send_transmission, str(transmission.pk))
    return bool(updated)
