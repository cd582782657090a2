"""Writes to a job's estimate: its lines (from the price list or typed) and the owner's answer to each.

Every write locks the job row first (as servicing's status change does), so a line cannot be added,
changed or answered while the job is being completed and invoiced, and the invoice is issued from the
lines as they stood at completion. A completed or cancelled job's estimate is closed.
"""

import datetime
from collections.abc import Collection
from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from concierge.accounts.models import User
from servicing.models import Service, ServiceStatus

from .. import signals
from ..models import TAX_RATES, Decision, DecisionChannel, EstimateLine, LineKind, PriceListItem, TaxCategory
from .errors import BillingRefused, StaleDecision

# Declined work with no follow-up date given is due for a reminder this many days after the answer.
DECLINED_FOLLOW_UP_DAYS = 30
# The fields staff may change on an unanswered line (the rest are set by the services).
EDITABLE_FIELDS = frozenset({
    "position", "kind", "description", "part_number", "quantity", "unit_price", "unit_cost", "discount", "tax_category",
})


def _lock_open_job(service: Service) -> Service:
    locked = Service.objects.select_for_update().get(pk=service.pk)
    if locked.status in (ServiceStatus.COMPLETED, ServiceStatus.CANCELLED):
        raise BillingRefused(
            f"This job is {ServiceStatus(locked.status).label.lower()}: its estimate is closed"
            + (" (correct its invoice with a credit note)." if locked.status == ServiceStatus.COMPLETED else ".")
        )
    return locked


# The most a job can cost (servicing's cost column, NUMERIC(10,2)): the invoice total becomes the cost.
MAX_JOB_TOTAL = Decimal("99999999.99")


def _validate(line: EstimateLine) -> None:
    # The rate follows the category as priced today; a line keeps it afterwards.
    line.tax_rate = TAX_RATES[TaxCategory(line.tax_category)]
    line.full_clean(exclude={"service", "price_list_item", "decided_by", "recovered_in"})
    # A bound, not a sum: one line worth more than a job may cost is a typing slip, refused beside
    # the field rather than by the database's numeric overflow.
    if line.quantity * line.unit_price > MAX_JOB_TOTAL:
        raise ValidationError({"quantity": f"This line comes to more than KES {MAX_JOB_TOTAL:,}: check the quantity and price."})


@transaction.atomic
def estimate_line_add(
    *, service: Service, by: User | None = None, price_list_item: PriceListItem | None = None,
    kind: str | None = None, description: str | None = None, part_number: str | None = None,
    quantity: Decimal | None = None, unit_price: Decimal | None = None, unit_cost: Decimal | None = None,
    discount: Decimal = Decimal("0.00"), tax_category: str | None = None,
) -> EstimateLine:
    """Add a line to an open job's estimate, awaiting the owner's answer.

    From the price list, the item's values are the defaults (labour: its standard hours at its rate;
    a part: one unit at its price) and any value passed overrides them; a typed line passes them all.
    Raises ValidationError (by field) for bad values and BillingRefused for a closed job.
    """
    locked = _lock_open_job(service)
    if price_list_item is not None:
        item = price_list_item
        kind = kind or item.kind
        description = description or item.description
        part_number = item.part_number if part_number is None else part_number
        if quantity is None:
            quantity = item.standard_hours if item.kind == LineKind.LABOUR else Decimal("1")
        if unit_price is None:
            unit_price = item.hourly_rate if item.kind == LineKind.LABOUR else item.unit_price
        unit_cost = item.unit_cost if unit_cost is None else unit_cost
        tax_category = tax_category or item.tax_category
    last = EstimateLine.objects.filter(service=locked).aggregate(last=Max("position"))["last"]
    line = EstimateLine(
        service=locked, price_list_item=price_list_item, kind=kind or "", description=description or "",
        # A missing quantity or price is refused by _validate, beside its field.
        part_number=part_number or "", quantity=cast(Decimal, quantity), unit_price=cast(Decimal, unit_price),
        unit_cost=unit_cost,
        discount=discount, tax_category=tax_category or TaxCategory.VAT16,
        position=(last or 0) + 1,
    )
    _validate(line)
    line.save(force_insert=True)
    return line


@transaction.atomic
def estimate_line_update(*, line: EstimateLine, fields: Collection[str], by: User | None = None) -> None:
    """Write the changed `fields` of a line the owner has not answered yet. An answered line is the
    record of what the owner agreed to: it is not repriced (add a new line, or record a new answer)."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable through estimate_line_update: {sorted(unknown)}")
    _lock_open_job(line.service)
    current = EstimateLine.objects.select_for_update().get(pk=line.pk)
    if current.decision != Decision.PENDING:
        raise BillingRefused(
            f"“{current.description}” was {Decision(current.decision).label.lower()} by the owner: "
            "it is no longer repriced. Add a new line instead."
        )
    if not fields:
        return
    _validate(line)
    line.save(update_fields=[*fields, "tax_rate"])


@transaction.atomic
def estimate_line_remove(*, line: EstimateLine, by: User | None = None) -> None:
    """Remove a line the owner has not answered yet (answered lines are kept as the record)."""
    _lock_open_job(line.service)
    current = EstimateLine.objects.select_for_update().filter(pk=line.pk).first()
    if current is None:
        return
    if current.decision != Decision.PENDING:
        raise BillingRefused(f"“{current.description}” has the owner's answer on it: it is kept.")
    current.delete()


@transaction.atomic
def estimate_line_decide(
    *, line: EstimateLine, decision: str, via: str, by: User | None,
    follow_up_date: datetime.date | None = None, expected: str | None = None,
) -> bool:
    """Record the owner's answer to one line: approved or declined, who recorded it, when and how.

    `expected` is the answer the person recording saw (stale-edit detection): if someone else recorded
    another one meanwhile, StaleDecision is raised and nothing is written. Recording the answer a line
    already has is no change (nothing written, nothing sent). A declined line becomes declined work,
    due for a reminder on `follow_up_date` (default DECLINED_FOLLOW_UP_DAYS from today, Nairobi).
    Sends estimate_line_decided in this transaction. Returns whether the line changed.
    """
    decision = Decision(decision)
    if decision == Decision.PENDING:
        raise ValueError("an answer is approved or declined")
    via = DecisionChannel(via)
    _lock_open_job(line.service)
    current = EstimateLine.objects.select_for_update().get(pk=line.pk)
    old = Decision(current.decision)
    if expected is not None and old != expected:
        raise StaleDecision(
            f"“{current.description}” was marked {old.label.lower()} by someone else meanwhile: check it and answer again."
        )
    today = timezone.localdate()
    if decision == Decision.DECLINED:
        follow_up_date = follow_up_date or today + datetime.timedelta(days=DECLINED_FOLLOW_UP_DAYS)
        if follow_up_date < today:
            raise ValidationError({"follow_up_date": "The follow-up date cannot be in the past."})
    elif follow_up_date is not None:
        raise ValidationError({"follow_up_date": "Only declined work has a follow-up date."})
    if old == decision and current.follow_up_date == follow_up_date:
        line.decision, line.follow_up_date = current.decision, current.follow_up_date
        return False
    current.decision, current.decided_via, current.decided_at = decision, via, timezone.now()
    current.decided_by = by if by is not None and by.pk else None
    current.follow_up_date = follow_up_date
    current.save(update_fields=["decision", "decided_via", "decided_at", "decided_by", "follow_up_date"])
    for name in ("decision", "decided_via", "decided_at", "decided_by_id", "follow_up_date"):
        setattr(line, name, getattr(current, name))
    signals.estimate_line_decided.send(
        sender=EstimateLine, line=line, old_decision=old, new_decision=decision, by=by,
    )
    return True


@transaction.atomic
def declined_work_recover(*, line: EstimateLine, service: Service, by: User | None = None) -> None:
    """Declined work the owner later had done, on `service` (a later job on the same car): it leaves
    the call list and counts as recovered in the reports."""
    current = EstimateLine.objects.select_for_update().select_related("service").get(pk=line.pk)
    if current.decision != Decision.DECLINED:
        raise BillingRefused("Only declined work can be recovered.")
    if service.vehicle_id != current.service.vehicle_id:
        raise BillingRefused("Declined work is recovered by a job on the same car.")
    if current.service_id == service.pk:
        raise BillingRefused("Declined work is recovered by a later job, not the one it was declined on.")
    if current.recovered_in_id is not None and current.recovered_in_id != service.pk:
        raise BillingRefused("This declined work is already counted as done on another job.")
    current.recovered_in = service
    current.save(update_fields=["recovered_in"])
    line.recovered_in = service


def same_work(declined: EstimateLine, line: EstimateLine) -> bool:
    """Whether `line` is the work `declined` was: the same price-list item, the same part number, or
    (typed lines) the same description, read without case or spacing differences."""
    if declined.kind != line.kind:
        return False
    if declined.price_list_item_id is not None and declined.price_list_item_id == line.price_list_item_id:
        return True
    if declined.part_number and declined.part_number.strip().casefold() == line.part_number.strip().casefold():
        return True
    return " ".join(declined.description.split()).casefold() == " ".join(line.description.split()).casefold()


def declined_work_recovered_by(*, service: Service, lines: Collection[EstimateLine], by: User | None = None) -> int:
    """At a job's invoice: mark as recovered the car's earlier declined work that `lines` (the job's
    approved lines) did. In the invoice's transaction, so the reports and the call list move with it.
    Returns how many declined lines were recovered."""
    open_declined = EstimateLine.objects.filter(
        service__vehicle_id=service.vehicle_id, decision=Decision.DECLINED, recovered_in__isnull=True,
    ).exclude(service=service).select_for_update(of=("self",)).order_by("decided_at", "pk")
    recovered = 0
    for declined in open_declined:
        if any(same_work(declined, line) for line in lines):
            declined_work_recover(line=declined, service=service, by=by)
            recovered += 1
    return recovered


@transaction.atomic
def declined_work_add_to_job(*, line: EstimateLine, service: Service, by: User | None = None) -> EstimateLine | None:
    """The job page's "Add to this job": the car's earlier declined work becomes a line of `service`'s
    estimate, awaiting the owner's answer, at today's price-list price (a typed line keeps its price).
    Pressed twice (or already on the estimate), nothing is added and None is returned."""
    declined = EstimateLine.objects.select_related("price_list_item").get(pk=line.pk)
    if declined.decision != Decision.DECLINED or declined.recovered_in_id is not None:
        raise BillingRefused("Only declined work not yet done can be added to a job.")
    if declined.service_id == service.pk or declined.service.vehicle_id != service.vehicle_id:
        raise BillingRefused("Declined work can be added only to a later job on the same car.")
    locked = _lock_open_job(service)
    on_estimate = EstimateLine.objects.filter(service=locked).exclude(decision=Decision.DECLINED)
    if any(same_work(declined, existing) for existing in on_estimate):
        return None
    item = declined.price_list_item if declined.price_list_item and declined.price_list_item.active else None
    if item is not None:
        return estimate_line_add(service=locked, by=by, price_list_item=item, quantity=declined.quantity)
    return estimate_line_add(
        service=locked, by=by, kind=declined.kind, description=declined.description,
        part_number=declined.part_number, quantity=declined.quantity, unit_price=declined.unit_price,
        unit_cost=declined.unit_cost, tax_category=declined.tax_category,
    )
