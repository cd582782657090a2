"""M-Pesa Express (STK push) through an outbox, and its callbacks (docs/payments.md, "M-Pesa").

1. Staff press "Request M-Pesa payment": `mpesa_request_create` writes a `queued` row in their
   transaction; after commit a task sends it.
2. `mpesa_request_send` claims the row (queued -> sending, committed, SKIP LOCKED: one worker only),
   pushes once, and records `pending` with the CheckoutRequestID, or `refused`, or `uncertain` when
   the answer was lost. A row is never pushed twice: a worker that dies mid-send leaves it `sending`,
   and the sweep makes it `uncertain` for staff, to be settled by its callback or the status query.
3. Daraja POSTs the owner's answer to the request's own callback URL (secret + our request id):
   stored as received first (`mpesa_callback_store`, its own commit), then processed: success records
   a payment (idempotent on the receipt code and on the request), 1032 / 1037 / 1 are written in words
   for staff; a callback for a request we did not make, a CheckoutRequestID other than the one Daraja
   gave us, another amount, or a receipt code already used elsewhere is refused, kept for staff.
4. The beat sweep asks the status query about pushes whose callback never came.
"""

import logging
import re
import uuid
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing.models import Invoice
from concierge.accounts.models import User
from concierge.celery import enqueue_on_commit, enqueue_now_rollback_unsafe
from concierge.crypto.normalise import normalise_phone
from concierge.rawbody import storable_text

from ..daraja import DarajaClient, DarajaError, RejectedError, TransientError, UncertainError
from ..models import (
    CallbackKind,
    CallbackOutcome,
    EntryKind,
    Method,
    MpesaCallback,
    MpesaRequest,
    Payment,
    REFUSALS,
    RequestState,
    result_in_words,
)
from ..selectors import invoice_balance
from .errors import PaymentRefused
from .ledger import payment_record

logger = logging.getLogger(__name__)
NAIROBI = ZoneInfo("Africa/Nairobi")
OPEN_STATES = (RequestState.QUEUED, RequestState.SENDING, RequestState.PENDING)
# A queued row whose task was lost is sent by the sweep, but not this late: a prompt minutes after
# staff asked for it would surprise the owner.
STALE_QUEUED = timedelta(minutes=10)
# M-Pesa began in 2007: a transaction time before it is garbled.
EARLIEST_TRANSACTION = datetime(2007, 1, 1, tzinfo=NAIROBI)


def mpesa_configured() -> bool:
    """All of MPESA_CONSUMER_KEY / _SECRET, _SHORTCODE, _PASSKEY, _CALLBACK_BASE_URL and _CALLBACK_SECRET set."""
    return all((settings.MPESA_CONSUMER_KEY, settings.MPESA_CONSUMER_SECRET, settings.MPESA_SHORTCODE,
                settings.MPESA_PASSKEY, settings.MPESA_CALLBACK_BASE_URL, settings.MPESA_CALLBACK_SECRET))


def mpesa_phone(raw: str) -> str:
    """A Kenyan mobile number as Daraja takes it: 2547XXXXXXXX or 2541XXXXXXXX, or ValueError."""
    e164 = normalise_phone(raw or "")
    if not re.fullmatch(r"\+254[17]\d{8}", e164):
        raise ValueError("Enter a Safaricom mobile number, e.g. 0712 345 678.")
    return e164[1:]


def mask_phone(phone: str) -> str:
    """2547******78: enough for staff to tell numbers apart, not to dial one."""
    return phone[:4] + "*" * max(len(phone) - 6, 0) + phone[-2:] if len(phone) > 6 else "***"


def daraja_client() -> DarajaClient:
    return DarajaClient(base_url=settings.MPESA_BASE_URL, consumer_key=settings.MPESA_CONSUMER_KEY,
                        consumer_secret=settings.MPESA_CONSUMER_SECRET, shortcode=settings.MPESA_SHORTCODE,
                        passkey=settings.MPESA_PASSKEY, timeout=settings.MPESA_TIMEOUT)


def stk_callback_url(*, request_id: uuid.UUID | str) -> str:
    # Our request's id in the URL: a callback whose push answer we lost still names its request.
    base = settings.MPESA_CALLBACK_BASE_URL.rstrip("/")
    return f"{base}/callbacks/mpesa/stk/{settings.MPESA_CALLBACK_SECRET}/{request_id}/"


def whole_shillings(amount: Decimal) -> Decimal:
    """M-Pesa takes whole shillings: cents are rounded up, so the request settles the invoice (a
    fraction of a shilling over is the client's credit, as any overpayment)."""
    return amount.quantize(Decimal("1"), ROUND_CEILING)


@transaction.atomic
def mpesa_request_create(*, invoice: Invoice, phone: str, by: User | None,
                         idempotency_key: uuid.UUID | None = None) -> MpesaRequest:
    """Queue an STK push for the invoice's balance, in whole shillings, to `phone`. One open request
    per invoice; the same `idempotency_key` (the staff form's token) returns the row already queued."""
    if not mpesa_configured():
        raise PaymentRefused("M-Pesa is not configured (MPESA_* settings): take cash or card.")
    key = idempotency_key or uuid.uuid4()
    existing = MpesaRequest.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    try:
        number = mpesa_phone(phone)
    except ValueError as exc:
        raise PaymentRefused(str(exc)) from None
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    # Again under the invoice's lock: the same form sent twice at once waits here for the first.
    existing = MpesaRequest.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    balance = invoice_balance(invoice=locked).balance
    if balance <= 0:
        raise PaymentRefused(f"{locked} is paid: nothing to ask for.")
    if MpesaRequest.objects.filter(invoice=locked, state__in=OPEN_STATES).exists():
        raise PaymentRefused(f"An M-Pesa request for {locked} is already waiting for the owner: see below.")
    row = MpesaRequest.objects.create(
        invoice=locked, amount=whole_shillings(balance), phone=number, phone_masked=mask_phone(number),
        account_reference=locked.display_number[:12], requested_by=by if by is not None and by.pk else None,
        idempotency_key=key,
    )
    from ..tasks import send_mpesa_request

    enqueue_on_commit(send_mpesa_request, str(row.pk))
    return row


def _claim(request_id: uuid.UUID | str) -> MpesaRequest | None:
    with transaction.atomic():
        row = (MpesaRequest.objects.select_for_update(skip_locked=True)
               .filter(pk=request_id, state=RequestState.QUEUED).first())
        if row is None:
            return None
        row.state, row.sent_at = RequestState.SENDING, timezone.now()
        row.save(update_fields=["state", "sent_at"])
    return row


def mpesa_request_send(*, request_id: uuid.UUID | str) -> str:
    """Push one queued request, once. Returns the state it was left in ("skipped": not ours to send)."""
    row = _claim(request_id)
    if row is None:
        return "skipped"
    ours = MpesaRequest.objects.filter(pk=row.pk, state=RequestState.SENDING)
    try:
        accepted = daraja_client().stk_push(
            amount=int(row.amount), phone=row.phone, account_reference=row.account_reference,
            description=f"Pay {row.account_reference}"[:13], callback_url=stk_callback_url(request_id=row.pk),
        )
    except TransientError as exc:
        ours.update(state=RequestState.REFUSED, settled_at=timezone.now(),
                    status_message=f"{exc}. Nothing reached the owner's phone: ask again.")
        return RequestState.REFUSED
    except RejectedError as exc:
        ours.update(state=RequestState.REFUSED, settled_at=timezone.now(), result_code=exc.code[:20],
                    status_message=f"{exc}. Nothing reached the owner's phone.")
        return RequestState.REFUSED
    except (UncertainError, DarajaError) as exc:
        ours.update(state=RequestState.UNCERTAIN,
                    status_message=f"{exc}. The prompt may have reached the phone: not sent again; "
                                   "its callback will settle it, else check the M-Pesa statement.")
        return RequestState.UNCERTAIN
    ours.update(state=RequestState.PENDING, merchant_request_id=accepted.merchant_request_id[:64],
                checkout_request_id=accepted.checkout_request_id[:64],
                status_message="Prompt sent to the owner's phone: waiting for their PIN.")
    return RequestState.PENDING


# --- callbacks ---------------------------------------------------------------------------------

def _masked_body(kind: str, body: Any) -> Any:
    if not isinstance(body, dict):
        return body
    if kind == CallbackKind.STK:
        try:
            items = body["Body"]["stkCallback"]["CallbackMetadata"]["Item"]
            for item in items:
                if isinstance(item, dict) and item.get("Name") == "PhoneNumber" and "Value" in item:
                    item["Value"] = mask_phone(str(item["Value"]))
        except (KeyError, TypeError):
            pass
        return body
    if "MSISDN" in body:
        body["MSISDN"] = mask_phone(str(body["MSISDN"]))
    return body


def mpesa_callback_store(*, kind: str, body: Any, request_id: uuid.UUID | None = None) -> MpesaCallback:
    """Write a callback as received (the phone masked), in its own transaction: committed before it
    is processed, so a processing failure loses nothing (the sweep processes what is left)."""
    with transaction.atomic():
        request = MpesaRequest.objects.filter(pk=request_id).first() if request_id else None
        return MpesaCallback.objects.create(kind=kind, body=_masked_body(kind, body), request=request)


def mpesa_callback_invalid(*, kind: str, raw: bytes | str) -> MpesaCallback:
    """Keep a body that is not JSON, or not JSON PostgreSQL can store, as text (its first 4 KB, NULs
    shown as \\u0000), processed at once as invalid."""
    callback = mpesa_callback_store(kind=kind, body={"unparsed": storable_text(raw)})
    _finish(callback, CallbackOutcome.INVALID, "not a JSON body")
    return callback


def _finish(callback: MpesaCallback, outcome: str, detail: str = "") -> str:
    MpesaCallback.objects.filter(pk=callback.pk).update(processed_at=timezone.now(), outcome=outcome,
                                                        detail=detail[:300])
    callback.outcome, callback.detail = outcome, detail[:300]
    if outcome in REFUSALS:
        # For staff: the callbacks list, filter "refused". No body, phone or code in the log line.
        logger.warning("M-Pesa callback %s refused: %s", callback.pk, outcome)
    return outcome


def _items(stk: dict[str, Any]) -> dict[str, Any]:
    """CallbackMetadata's Name/Value pairs; anything else there (a string, a list, an object as a Name)
    is left out, so a garbled body is refused for what it lacks rather than failing."""
    meta = stk.get("CallbackMetadata")
    items = meta.get("Item") if isinstance(meta, dict) else None
    if not isinstance(items, list):
        return {}
    return {item["Name"]: item.get("Value") for item in items
            if isinstance(item, dict) and isinstance(item.get("Name"), str)}


def _transaction_time(value: Any) -> datetime:
    """Daraja's YYYYMMDDHHMMSS (Nairobi), or now when it is missing, garbled or implausible: a year 1
    would be stored, then fail to load (before the epoch of psycopg's dates in UTC)."""
    now = timezone.now()
    try:
        at = datetime.strptime(str(value), "%Y%m%d%H%M%S").replace(tzinfo=NAIROBI)
    except ValueError:
        return now
    return at if EARLIEST_TRANSACTION <= at <= now + timedelta(days=1) else now


def _record_stk_payment(request: MpesaRequest, *, receipt: str, paid_at: datetime | None) -> Payment:
    # Keyed on the request: the callback and the status query settle it once between them.
    payment = payment_record(invoice=request.invoice, amount=request.amount, method=Method.MPESA,
                             reference=receipt, received_at=paid_at, idempotency_key=request.idempotency_key,
                             note="M-Pesa prompt (STK push)")
    MpesaRequest.objects.filter(pk=request.pk).update(
        state=RequestState.PAID, payment=payment, settled_at=timezone.now(), result_code="0",
        status_message=result_in_words("0"), **({"receipt_number": receipt} if receipt else {}),
    )
    return payment


@transaction.atomic
def mpesa_stk_callback_process(*, callback: MpesaCallback) -> str:
    """Apply a stored STK callback; returns the outcome written on it. Idempotent."""
    callback = MpesaCallback.objects.select_for_update().get(pk=callback.pk)
    if callback.processed_at is not None:
        return callback.outcome
    try:
        stk = callback.body["Body"]["stkCallback"]
        checkout = str(stk["CheckoutRequestID"])
        code = str(stk["ResultCode"])
    except (KeyError, TypeError):
        return _finish(callback, CallbackOutcome.INVALID, "not an stkCallback body")
    if callback.request_id is None:
        return _finish(callback, CallbackOutcome.REFUSED_UNKNOWN, "no request of ours at this callback URL")
    request = MpesaRequest.objects.select_for_update().select_related("invoice").get(pk=callback.request_id)
    if request.checkout_request_id and request.checkout_request_id != checkout:
        return _finish(callback, CallbackOutcome.REFUSED_UNKNOWN,
                       "CheckoutRequestID differs from the one M-Pesa gave for this request")
    if not request.checkout_request_id:
        if MpesaRequest.objects.filter(checkout_request_id=checkout).exists():
            return _finish(callback, CallbackOutcome.REFUSED_UNKNOWN, "CheckoutRequestID of another request")
        # The push's answer was lost (uncertain): its callback names it.
        MpesaRequest.objects.filter(pk=request.pk).update(checkout_request_id=checkout[:64])
        request.checkout_request_id = checkout
    if code != "0":
        if request.state == RequestState.PAID:
            return _finish(callback, CallbackOutcome.DUPLICATE, "already paid")
        MpesaRequest.objects.filter(pk=request.pk).update(
            state=RequestState.FAILED, result_code=code[:20], settled_at=timezone.now(),
            status_message=result_in_words(code, str(stk.get("ResultDesc") or ""))[:300])
        return _finish(callback, CallbackOutcome.NOT_PAID, result_in_words(code))
    items = _items(stk)
    receipt = str(items.get("MpesaReceiptNumber") or "").strip().upper()
    try:
        amount = Decimal(str(items.get("Amount")))
        if not amount.is_finite():  # NaN, and sNaN would raise on the comparison below
            raise ArithmeticError
    except ArithmeticError:
        return _finish(callback, CallbackOutcome.INVALID, "no amount")
    if not re.fullmatch(r"[A-Z0-9]{10}", receipt):
        return _finish(callback, CallbackOutcome.INVALID, "no receipt code")
    if amount != request.amount:
        return _finish(callback, CallbackOutcome.REFUSED_AMOUNT,
                       f"KES {amount} in the callback, KES {request.amount} requested")
    used = Payment.objects.filter(method=Method.MPESA, kind=EntryKind.PAYMENT, reference=receipt).first()
    if used is not None and used.idempotency_key != request.idempotency_key:
        return _finish(callback, CallbackOutcome.REFUSED_REPLAY, f"receipt already recorded on {used.invoice}")
    if request.state == RequestState.PAID:
        if not request.receipt_number:
            MpesaRequest.objects.filter(pk=request.pk).update(receipt_number=receipt)
        return _finish(callback, CallbackOutcome.DUPLICATE, "already recorded")
    _record_stk_payment(request, receipt=receipt, paid_at=_transaction_time(items.get("TransactionDate")))
    return _finish(callback, CallbackOutcome.RECORDED, receipt)


def mpesa_stk_callback_receive(*, body: Any, request_id: uuid.UUID | None) -> MpesaCallback:
    """Store, then process. A processing failure leaves the stored row for the sweep."""
    callback = mpesa_callback_store(kind=CallbackKind.STK, body=body, request_id=request_id)
    try:
        callback.outcome = mpesa_stk_callback_process(callback=callback)
    except Exception:
        logger.exception("M-Pesa callback %s kept unprocessed for the sweep", callback.pk)
    return callback


# --- status query, sweep --------------------------------------------------------------------------

@transaction.atomic
def _apply_query(request_id: uuid.UUID, code: str, desc: str) -> str:
    request = MpesaRequest.objects.select_for_update().select_related("invoice").get(pk=request_id)
    if request.state not in (RequestState.PENDING, RequestState.UNCERTAIN):
        return request.state
    if code == "0":
        _record_stk_payment(request, receipt="", paid_at=None)
        MpesaRequest.objects.filter(pk=request.pk).update(
            status_message="Paid (M-Pesa's status query; its callback never came, so no receipt code yet).")
        return RequestState.PAID
    MpesaRequest.objects.filter(pk=request.pk).update(
        state=RequestState.FAILED, result_code=code[:20], settled_at=timezone.now(),
        status_message=result_in_words(code, desc)[:300])
    return RequestState.FAILED


def mpesa_request_query(*, request_id: uuid.UUID | str) -> str:
    """Ask Daraja what became of a push whose callback has not come; settle it if it says."""
    row = MpesaRequest.objects.get(pk=request_id)
    if row.state not in (RequestState.PENDING, RequestState.UNCERTAIN) or not row.checkout_request_id:
        return row.state
    MpesaRequest.objects.filter(pk=row.pk).update(last_queried_at=timezone.now())
    try:
        result = daraja_client().stk_query(checkout_request_id=row.checkout_request_id)
    except DarajaError as exc:
        logger.info("M-Pesa status query for request %s failed (%s); asked again later", row.pk, type(exc).__name__)
        return row.state
    if result.pending:
        return row.state
    return _apply_query(row.pk, result.result_code, result.result_desc)


def mpesa_sweep(*, limit: int = 200) -> dict[str, int]:
    """Beat: pushes whose worker was lost become uncertain; queued rows whose task was lost are sent
    (or given up when stale); pushes with no callback after MPESA_QUERY_AFTER_SECONDS are queried;
    callbacks left unprocessed are processed."""
    from ..tasks import query_mpesa_request, send_mpesa_request
    from .paybill import mpesa_c2b_confirmation_process

    now = timezone.now()
    wait = timedelta(seconds=settings.MPESA_QUERY_AFTER_SECONDS)
    lost = MpesaRequest.objects.filter(state=RequestState.SENDING, sent_at__lt=now - wait).update(
        state=RequestState.UNCERTAIN,
        status_message="The worker was lost while sending the prompt: it may have reached the phone. Not sent "
                       "again; its callback will settle it, else check the M-Pesa statement.")
    stale = MpesaRequest.objects.filter(state=RequestState.QUEUED, created_at__lt=now - STALE_QUEUED).update(
        state=RequestState.REFUSED, settled_at=now,
        status_message="Not sent in time (the worker queue was down): nothing reached the phone; ask again.")
    queued = 0
    for pk in MpesaRequest.objects.filter(state=RequestState.QUEUED, created_at__lt=now - timedelta(
            seconds=settings.MPESA_SWEEP_INTERVAL)).values_list("pk", flat=True)[:limit]:
        queued += enqueue_now_rollback_unsafe(send_mpesa_request, str(pk))
    due = (MpesaRequest.objects.filter(state=RequestState.PENDING, sent_at__lt=now - wait)
           .exclude(last_queried_at__gt=now - wait).values_list("pk", flat=True)[:limit])
    queried = 0
    for pk in due:
        queried += enqueue_now_rollback_unsafe(query_mpesa_request, str(pk))
    reprocessed = 0
    for callback in MpesaCallback.objects.filter(processed_at__isnull=True,
                                                 received_at__lt=now - timedelta(seconds=60))[:limit]:
        try:
            if callback.kind == CallbackKind.STK:
                mpesa_stk_callback_process(callback=callback)
            elif callback.kind == CallbackKind.C2B_CONFIRMATION:
                mpesa_c2b_confirmation_process(callback=callback)
            reprocessed += 1
        except Exception:
            logger.exception("M-Pesa callback %s still fails to process", callback.pk)
    return {"uncertain": lost, "stale": stale, "requeued": queued, "queried": queried, "reprocessed": reprocessed}
