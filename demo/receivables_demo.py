"""The demo shop's receivables (issue 17): invoices paid, part-paid and unpaid (some of them overdue),
an overpayment refunded, money taken today by each method, and the cars handed back.

Payments go through the ledger's own service (payments.services.payment_record, refund_record), as
the front desk's would: its checks, its idempotency and its audit rows apply. Collections of cars,
history like the jobs themselves, are bulk inserted with the day they happened (the service stamps
now); the database still refuses one for a job not completed. Run by seed_demo after build_billing,
before the default workflows are installed, so that loading history sends no receipts or reminders.
"""

import datetime
import random
import uuid
from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from billing.models import DocumentKind, Invoice
from payments.models import Method
from payments.services import payment_record, refund_record
from servicing.models import Service, ServiceCollection, ServiceStatus

# Of the invoices issued more than IN_THE_YARD_DAYS ago, the share left unpaid and part-paid; recent
# ones are more often still open (the owner pays when collecting).
OLD_UNPAID, OLD_PART_PAID = 0.06, 0.06
RECENT_UNPAID, RECENT_PART_PAID = 0.3, 0.2
# Cars of unpaid or part-paid jobs completed within this many days are still in the yard.
IN_THE_YARD_DAYS = 7
METHODS = [Method.MPESA] * 6 + [Method.CASH] * 3 + [Method.CARD]
RECEIPT_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _receipt(rng: random.Random, used: set[str]) -> str:
    """An M-Pesa receipt code as Safaricom writes them: ten capitals and digits, unique."""
    while True:
        code = "S" + "".join(rng.choice(RECEIPT_ALPHABET) for _ in range(9))
        if code not in used:
            used.add(code)
            return code


def _shop_time(day: datetime.date, rng: random.Random, now: datetime.datetime) -> datetime.datetime:
    """A moment in shop hours on `day` (Nairobi), never after now (today's money came in before now)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randrange(8, 18), rng.randrange(60))))
    if moment <= now:
        return moment
    midnight = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return max(midnight, now - datetime.timedelta(minutes=rng.randrange(1, 30)))


def _make_sure(plan: dict[object, str], invoices: list[Invoice], state: str,
               age_fits: Callable[[int], bool], today: datetime.date) -> None:
    """At least one invoice whose age fits is in `state`: the newest fitting one, unless one already is."""
    fitting = [i for i in invoices if age_fits((today - i.issue_date).days) and i.total > 1]
    if fitting and not any(plan[i.pk] == state for i in fitting):
        plan[fitting[-1].pk] = state


@transaction.atomic
def build_receivables(*, seed: int = 2026, today: datetime.date | None = None) -> dict[str, int]:
    """Pay the demo shop's invoices (demo/billing_demo.py has issued them) and hand back its cars."""
    rng = random.Random(seed * 16 + 2)  # its own sequence: the rest of the demo shop stays as it was
    today = today or timezone.localdate()
    now = timezone.now()
    receipts: set[str] = set()
    counts = {"payments": 0, "part-paid invoices": 0, "unpaid invoices": 0, "refunds": 0, "cars collected": 0}

    def pay(invoice: Invoice, amount: Decimal, day: datetime.date, method: str | None = None) -> None:
        method = method or rng.choice(METHODS)
        day = min(day, today)
        payment_record(
            invoice=invoice, amount=amount, method=method, received_at=_shop_time(day, rng, now),
            reference=_receipt(rng, receipts) if method == Method.MPESA else "",
            # The same key for the same demo payment: a repeated load could not record it twice.
            idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo:{seed}:{invoice.number}:{counts['payments']}"),
        )
        counts["payments"] += 1

    invoices = list(Invoice.objects.filter(kind=DocumentKind.INVOICE).order_by("issue_date", "number"))
    plan: dict[object, str] = {}
    for invoice in invoices:
        recent = (today - invoice.issue_date).days <= IN_THE_YARD_DAYS
        roll = rng.random()
        unpaid = RECENT_UNPAID if recent else OLD_UNPAID
        part_paid = unpaid + (RECENT_PART_PAID if recent else OLD_PART_PAID)
        plan[invoice.pk] = "unpaid" if roll < unpaid else "part" if roll < part_paid else "paid"
    # However the dice fell for today's date, the demo shows each case: a car in the yard not paid for,
    # an invoice overdue (three weeks, past INVOICE_OVERDUE_DAYS's default) and one part-paid.
    _make_sure(plan, invoices, "unpaid", lambda age: age <= IN_THE_YARD_DAYS, today)
    _make_sure(plan, invoices, "unpaid", lambda age: 21 <= age <= 40, today)
    _make_sure(plan, invoices, "part", lambda age: age > IN_THE_YARD_DAYS, today)

    open_jobs: set[object] = set()
    for invoice in invoices:
        age = (today - invoice.issue_date).days
        if plan[invoice.pk] == "unpaid":
            counts["unpaid invoices"] += 1
            open_jobs.add(invoice.service_id)
        elif plan[invoice.pk] == "part":
            # A deposit when the work was approved: a third to two thirds, in whole shillings.
            share = Decimal(rng.randrange(33, 67)) / 100
            pay(invoice, (invoice.total * share).quantize(Decimal("1"), rounding=ROUND_DOWN) or Decimal("1"),
                invoice.issue_date)
            counts["part-paid invoices"] += 1
            open_jobs.add(invoice.service_id)
        else:
            pay(invoice, invoice.total, invoice.issue_date + datetime.timedelta(days=rng.choice([0, 0, 0, 1, 3])
                                                                                  if age > 3 else 0))

    # Today at the till: an old balance paid down by M-Pesa, an overpayment refunded in cash, and one
    # kept as the client's credit (a Paybill payment typed with a zero too many, say).
    overdue = [i for i in invoices if i.service_id in open_jobs and (today - i.issue_date).days > 30]
    for invoice in overdue[:2]:
        pay(invoice, min(Decimal("500.00"), (invoice.total / 2).quantize(Decimal("0.01"))), today, Method.MPESA)
    paid_in_full = [i for i in invoices if i.service_id not in open_jobs]
    if len(paid_in_full) >= 2:
        refunded, credited = paid_in_full[-1], paid_in_full[-2]
        pay(refunded, Decimal("200.00"), today, Method.CASH)  # the change not given back at once
        refund_record(invoice=refunded, amount=Decimal("200.00"), method=Method.CASH, note="Change returned")
        counts["refunds"] += 1
        pay(credited, Decimal("300.00"), today, Method.MPESA)

    # The cars: handed back the day the job was completed, or soon after; those whose bill is open and
    # that were completed in the last week are still in the yard, and half of today's paid ones too.
    collections = []
    for service in Service.objects.filter(status=ServiceStatus.COMPLETED).order_by("completed_date", "pk"):
        completed = service.completed_date or today
        age = (today - completed).days
        if service.pk in open_jobs and age <= IN_THE_YARD_DAYS:
            continue
        if age == 0 and rng.random() < 0.5:
            continue
        day = min(completed + datetime.timedelta(days=rng.choice([0, 0, 0, 1, 2])), today)
        collections.append(ServiceCollection(service=service, collected_at=_shop_time(day, rng, now)))
    ServiceCollection.objects.bulk_create(collections)
    counts["cars collected"] = len(collections)
    return counts
