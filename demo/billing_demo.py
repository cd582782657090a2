"""The demo shop's money side (issue 16): a price list on the catalogue, every job priced from it,
the owners' answers (some work declined, with a follow-up date, a few of those already due), and an
invoice for every completed job, numbered in completion order, its total the job's cost.

Written after build_demo_shop, in one transaction, with bulk inserts (no model signals: loading history must
not issue today's events). Totals and costs are summed by PostgreSQL from the lines' generated
columns, as billing's services do; the invoice counter ends at the last number issued.
"""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from billing.models import (
    TAX_RATES, CustomerTaxPin, Decision, DecisionChannel, DocumentKind, EstimateLine, Invoice, InvoiceLine,
    LineKind, PriceListItem, PRICED_FIELDS, TaxCategory,
)
from clients.models import Client
from servicing.models import Service, ServiceStatus, ServiceType

LABOUR_RATE = Decimal("1500.00")  # KES an hour, VAT included (as every price: billing.models)
# Per service type: standard labour hours, and parts (description, part number, price incl. VAT,
# cost before VAT, category).
CATALOGUE = {
    "Oil Change": (Decimal("0.5"), [("Engine oil 5W-30, 4 L", "EO-5W30-4", "4200.00", "2900.00", TaxCategory.VAT16),
                                    ("Oil filter", "OF-1001", "850.00", "520.00", TaxCategory.VAT16)]),
    "Full Service": (Decimal("3.0"), [("Service kit (oil, filters, plugs)", "SK-200", "9800.00", "6900.00", TaxCategory.VAT16),
                                      ("Brake fluid DOT4, 1 L", "BF-DOT4", "1290.00", "800.00", TaxCategory.VAT16)]),
    "Brake Repair": (Decimal("2.0"), [("Brake pads, front pair", "BP-F22", "5200.00", "3400.00", TaxCategory.VAT16),
                                      ("Brake discs, front pair", "BD-F22", "9400.00", "6600.00", TaxCategory.VAT16)]),
    "Wheel Alignment": (Decimal("1.0"), []),
    "Tyre Replacement": (Decimal("1.0"), [("Tyre 195/65 R15", "TY-19565", "8900.00", "6500.00", TaxCategory.VAT16)]),
    "Suspension Repair": (Decimal("4.0"), [("Shock absorbers, front pair", "SA-F10", "16500.00", "11800.00", TaxCategory.VAT16)]),
    "Battery Replacement": (Decimal("0.5"), [("Battery 12 V 60 Ah", "BT-60", "11500.00", "8600.00", TaxCategory.VAT16)]),
    "AC Service": (Decimal("1.5"), [("AC refrigerant R134a", "AC-R134", "3200.00", "1900.00", TaxCategory.VAT16)]),
    "Car Wash & Detailing": (Decimal("2.0"), []),
    "Engine Diagnostics": (Decimal("1.0"), []),
}
DEFAULT_ENTRY = (Decimal("1.5"), [("Workshop consumables", "WC-01", "600.00", "350.00", TaxCategory.VAT16)])
# Work an owner is offered beside the job and may turn down (declined work to follow up).
UPSELLS = [
    ("Wiper blades, pair", "WB-22", "1800.00", "1100.00", TaxCategory.VAT16),
    ("Cabin air filter", "CAF-10", "1500.00", "800.00", TaxCategory.VAT16),
    ("Coolant flush", "CL-5", "3500.00", "2100.00", TaxCategory.VAT16),
    ("Headlight restoration", "", "2500.00", None, TaxCategory.VAT16),
]
DECLINE_RATE = 0.3
CHANNELS = [DecisionChannel.PHONE, DecisionChannel.IN_PERSON, DecisionChannel.REPLY]


def _price_list(type_names: list[str]) -> dict[str, list[PriceListItem]]:
    types = {t.name: t for t in ServiceType.objects.filter(name__in=type_names)}
    items: dict[str, list[PriceListItem]] = {}
    rows: list[PriceListItem] = []
    for name in type_names:
        service_type = types.get(name) or ServiceType.objects.create(name=name)
        hours, parts = CATALOGUE.get(name, DEFAULT_ENTRY)
        entries = [PriceListItem(service_type=service_type, kind=LineKind.LABOUR, description=f"{name} labour",
                                 standard_hours=hours, hourly_rate=LABOUR_RATE, tax_category=TaxCategory.VAT16)]
        entries += [PriceListItem(service_type=service_type, kind=LineKind.PART, description=d, part_number=n,
                                  unit_price=Decimal(p), unit_cost=Decimal(c), tax_category=cat)
                    for d, n, p, c, cat in parts]
        items[name] = entries
        rows += entries
    PriceListItem.objects.bulk_create(rows)
    return items


def _line(service: Service, position: int, *, item: PriceListItem | None = None, typed: tuple | None = None,
          quantity: Decimal = Decimal("1")) -> EstimateLine:
    if item is not None:
        labour = item.kind == LineKind.LABOUR
        # The price list's constraint gives labour its hours and rate, a part its price.
        hours, rate, price = item.standard_hours or quantity, item.hourly_rate or Decimal(0), item.unit_price or Decimal(0)
        return EstimateLine(
            service=service, price_list_item=item, position=position, kind=item.kind, description=item.description,
            part_number=item.part_number, quantity=hours if labour else quantity,
            unit_price=rate if labour else price, unit_cost=item.unit_cost,
            tax_category=item.tax_category, tax_rate=TAX_RATES[TaxCategory(item.tax_category)],
        )
    assert typed is not None  # a line is priced from the list or typed
    description, number, price, cost, category = typed
    return EstimateLine(
        service=service, position=position, kind=LineKind.PART, description=description, part_number=number,
        quantity=quantity, unit_price=Decimal(price), unit_cost=Decimal(cost) if cost else None,
        tax_category=category, tax_rate=TAX_RATES[TaxCategory(category)],
    )


def _answer(line: EstimateLine, decision: str, when: datetime.datetime, rng: random.Random) -> None:
    line.decision, line.decided_at, line.decided_via = decision, when, rng.choice(CHANNELS)


def _counter_to(series: str, last: int) -> None:
    """Move a series' counter to `last`: created there if new, else one step at a time (its trigger
    allows +1 steps only; a demo issues a few hundred)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_number FROM billing_document_counters WHERE series = %s", [series])
        row = cursor.fetchone()
        if row is None:
            cursor.execute("INSERT INTO billing_document_counters (series, last_number) VALUES (%s, %s)", [series, last])
            return
        for _ in range(last - row[0]):
            cursor.execute("UPDATE billing_document_counters SET last_number = last_number + 1 WHERE series = %s", [series])


def _next_number(series: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_number FROM billing_document_counters WHERE series = %s", [series])
        row = cursor.fetchone()
    return (row[0] if row else 0) + 1


@transaction.atomic
def build_billing(*, seed: int = 2026, today: datetime.date | None = None) -> dict[str, int]:
    """Price, answer and invoice the demo shop's jobs (demo/builder.py has inserted them), in one
    transaction: an invoice's lines are accepted only in the transaction that inserted it."""
    rng = random.Random(seed * 16 + 1)  # its own sequence: the rest of the demo shop stays as it was
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    services = list(Service.objects.select_related("vehicle__client").order_by("scheduled_date", "created_at", "pk"))
    clients = list(Client.objects.order_by("created_at", "pk"))
    items = _price_list(sorted({s.service_type for s in services}))
    business = [c for c in clients if rng.random() < 0.1]
    for client in business:
        CustomerTaxPin.objects.create(client=client, kra_pin=f"P{rng.randrange(10**9):09d}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}")
    pins = dict(CustomerTaxPin.objects.filter(client__in=business).values_list("client_id", "kra_pin"))

    lines: list[EstimateLine] = []
    approved_by_job: dict[object, list[EstimateLine]] = {}
    for service in services:
        if service.status == ServiceStatus.CANCELLED:
            continue
        priced = [_line(service, 1, item=items[service.service_type][0])]
        for item in items[service.service_type][1:]:
            if rng.random() < 0.8:
                priced.append(_line(service, len(priced) + 1, item=item))
        answered_on = service.scheduled_date or today
        when = datetime.datetime.combine(answered_on, datetime.time(9, rng.randrange(60)), tz)
        awaiting = service.status == ServiceStatus.PENDING and rng.random() < 0.5
        for line in priced:
            if not awaiting:
                _answer(line, Decision.APPROVED, when, rng)
        if not awaiting and rng.random() < DECLINE_RATE:
            declined = _line(service, len(priced) + 1, typed=rng.choice(UPSELLS))
            _answer(declined, Decision.DECLINED, when, rng)
            declined.follow_up_date = answered_on + datetime.timedelta(days=rng.choice([14, 30, 60, 90]))
            priced.append(declined)
        lines += priced
        approved_by_job[service.pk] = [line for line in priced if line.decision == Decision.APPROVED]
    EstimateLine.objects.bulk_create(lines)

    completed = sorted(
        (s for s in services if s.status == ServiceStatus.COMPLETED and approved_by_job.get(s.pk)),
        key=lambda s: (s.completed_date, str(s.pk)),
    )
    first = _next_number(DocumentKind.INVOICE)
    invoices, invoice_lines = [], []
    for number, service in enumerate(completed, start=first):
        client = service.vehicle.client
        invoice = Invoice(
            kind=DocumentKind.INVOICE, number=number, service=service, client=client,
            issue_date=service.completed_date or today, shop_name=settings.SHOP_NAME, shop_kra_pin=settings.SHOP_KRA_PIN,
            customer_name=client.full_name, customer_kra_pin=pins.get(client.pk, ""),
            vehicle_registration=service.vehicle.license_plate or "",
            net_total=Decimal("0.00"), tax_total=Decimal("0.00"), total=Decimal("0.00"),
        )
        invoices.append(invoice)
        invoice_lines += [InvoiceLine(invoice=invoice, estimate_line=line, **{f: getattr(line, f) for f in PRICED_FIELDS})
                          for line in approved_by_job[service.pk]]
    Invoice.objects.bulk_create(invoices)
    InvoiceLine.objects.bulk_create(invoice_lines)
    ids = [invoice.pk for invoice in invoices]
    with connection.cursor() as cursor:
        # Totals from the lines PostgreSQL priced (allowed in the issuing transaction only), then each
        # job's cost is its invoice's total, as billing.services.invoice_issue keeps it.
        cursor.execute(
            "UPDATE billing_invoices i SET net_total = t.net, tax_total = t.tax, total = t.total "
            "FROM (SELECT invoice_id, SUM(net_amount) AS net, SUM(tax_amount) AS tax, SUM(total_amount) AS total "
            "      FROM billing_invoice_lines WHERE invoice_id = ANY(%s) GROUP BY invoice_id) t "
            "WHERE i.id = t.invoice_id", [ids],
        )
        cursor.execute(
            "UPDATE services s SET cost = i.total FROM billing_invoices i "
            "WHERE i.service_id = s.id AND i.id = ANY(%s) AND s.cost <> i.total", [ids],
        )
    if invoices:
        _counter_to(DocumentKind.INVOICE, first + len(invoices) - 1)
    return {
        "price list items": sum(len(v) for v in items.values()), "estimate lines": len(lines),
        "declined lines": sum(1 for line in lines if line.decision == Decision.DECLINED), "invoices": len(invoices),
    }
