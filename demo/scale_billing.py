"""Invoices for the scaled shop (issue 16: `seed_scale` invoices every completed job), in bulk SQL.

Each completed job gets an invoice numbered in completion order, with two lines at the standard
rate, prices including VAT as billing's are: labour (two fifths of the job's cost, in whole
shillings) and parts (the rest, bought at 65 % of their price before VAT). The invoice's totals are
written at insert with the lines' own arithmetic (billing.models.PricedLine: VAT = amount x rate /
(100 + rate) rounded to the cent, per line), so they are the sums of its lines and its total is the
job's cost, as billing's services keep it. The invoice counter ends at the last number issued.

Inserted in the seeding transaction: the lines' trigger accepts lines only in the transaction that
inserted their invoice (billing.models.InvoiceLine), and the audit triggers record every row.
"""

import datetime
from typing import Any

from django.conf import settings

from billing.models import TAX_RATES, DocumentKind, LineKind, TaxCategory

# Each completed job's two line amounts (VAT included) and their VAT, as PricedLine computes them.
_AMOUNTS = """
WITH jobs AS (
    SELECT s.id, s.service_type, s.completed_date, s.cost, v.client_id, v.license_plate,
           c.first_name || ' ' || c.last_name AS customer, floor(s.cost * 2 / 5) AS labour
    FROM services s JOIN vehicles v ON v.id = s.vehicle_id JOIN clients c ON c.id = v.client_id
    WHERE s.status = 'completed' AND s.completed_date >= %(start)s AND s.completed_date < %(end)s
), priced AS (
    SELECT *, cost - labour AS parts,
           round(labour * %(rate)s / (%(rate)s + 100), 2) AS labour_vat,
           round((cost - labour) * %(rate)s / (%(rate)s + 100), 2) AS parts_vat
    FROM jobs
)
"""

_INVOICES = _AMOUNTS + """
INSERT INTO billing_invoices (id, kind, number, service_id, client_id, issue_date, shop_name, shop_kra_pin,
                              customer_name, customer_kra_pin, vehicle_registration, reason, currency,
                              net_total, tax_total, total)
SELECT md5(%(seed)s || ':invoice:' || id::text)::uuid, %(invoice)s,
       %(offset)s + row_number() OVER (ORDER BY completed_date, id), id, client_id, completed_date,
       %(shop)s, %(pin)s, customer, '', coalesce(license_plate, ''), '', 'KES',
       cost - labour_vat - parts_vat, labour_vat + parts_vat, cost
FROM priced
"""

_LINES = """
INSERT INTO billing_invoice_lines (id, invoice_id, position, kind, description, part_number, quantity,
                                   unit_price, unit_cost, discount, tax_category, tax_rate)
SELECT md5(%(seed)s || ':line:' || i.id::text || ':' || l.position)::uuid, i.id, l.position, l.kind,
       s.service_type || CASE l.kind WHEN %(labour)s THEN ' labour' ELSE ' parts' END,
       CASE l.kind WHEN %(part)s THEN 'KIT-' || upper(left(md5(s.service_type), 6)) ELSE '' END,
       1,
       CASE l.kind WHEN %(labour)s THEN floor(s.cost * 2 / 5) ELSE s.cost - floor(s.cost * 2 / 5) END,
       CASE l.kind WHEN %(part)s THEN round((s.cost - floor(s.cost * 2 / 5)) * 100 / (%(rate)s + 100) * 0.65, 2) END,
       0, %(category)s, %(rate)s
FROM billing_invoices i JOIN services s ON s.id = i.service_id
CROSS JOIN (VALUES (1, %(labour)s), (2, %(part)s)) AS l(position, kind)
WHERE i.kind = %(invoice)s AND i.issue_date >= %(start)s AND i.issue_date < %(end)s
"""


def invoice_completed_jobs(cursor: Any, *, seed: int, replace: bool) -> int:
    """Invoice every completed job of the freshly loaded shop; returns the invoices written."""
    if replace:
        # The invoices went with the services (TRUNCATE ... CASCADE); their numbering starts again.
        cursor.execute("TRUNCATE billing_document_counters")
    params = {
        "seed": str(seed), "invoice": DocumentKind.INVOICE.value, "shop": settings.SHOP_NAME,
        "pin": settings.SHOP_KRA_PIN, "rate": TAX_RATES[TaxCategory.VAT16],
        "labour": LineKind.LABOUR.value, "part": LineKind.PART.value, "category": TaxCategory.VAT16.value,
    }
    # A month per statement: the audit trigger fires AFTER each ROW at the statement's end, and its
    # cost grows faster than the rows (demo/scale_copy.py, copy_rows): 5 years at scale 10 is 60
    # statements of ~15 000 invoices, not one of 900 000.
    cursor.execute("SELECT min(completed_date), max(completed_date) FROM services WHERE status = 'completed'")
    first, last = cursor.fetchone()
    invoices = 0
    month = first.replace(day=1) if first else None
    while month is not None and month <= last:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        window = {**params, "start": month, "end": following, "offset": invoices}
        cursor.execute(_INVOICES, window)
        invoices += cursor.rowcount
        cursor.execute(_LINES, window)
        month = following
    if invoices:
        # The counter's trigger allows +1 steps only; inserting the row at the last number is no step.
        cursor.execute(
            "INSERT INTO billing_document_counters (series, last_number) VALUES (%s, %s)",
            [DocumentKind.INVOICE.value, invoices],
        )
    return invoices
