"""Invoices for the scaled shop (issue 16: `seed_scale` invoices every completed job), in bulk SQL.

Each completed job with a price gets an invoice numbered in completion order, with two lines at the
standard rate: labour (two fifths of the price before VAT) and parts (the rest, bought at 65 %).
A job's cost is its price including VAT (demo/scale.py: a multiple of KES 50 before VAT, times 1.16),
so the net is cost / 1.16 exactly, every line's VAT is exact to the cent, and the invoice total is
the job's cost, as billing's services keep it. The invoice counter ends at the last number issued.

Inserted in the seeding transaction: the lines' trigger accepts lines only in the transaction that
inserted their invoice (billing.models.InvoiceLine), and the audit triggers record every row.
"""

from django.conf import settings

from billing.models import DocumentKind, LineKind, TaxCategory, TAX_RATES

_INVOICES = """
INSERT INTO billing_invoices (id, kind, number, service_id, client_id, issue_date, shop_name, shop_kra_pin,
                              customer_name, customer_kra_pin, vehicle_registration, reason, currency,
                              net_total, tax_total, total)
SELECT md5(%(seed)s || ':invoice:' || s.id::text)::uuid, %(invoice)s,
       row_number() OVER (ORDER BY s.completed_date, s.id), s.id, v.client_id, s.completed_date,
       %(shop)s, %(pin)s, c.first_name || ' ' || c.last_name, '', coalesce(v.license_plate, ''), '', 'KES',
       s.cost * 100 / (100 + %(rate)s), s.cost - s.cost * 100 / (100 + %(rate)s), s.cost
FROM services s JOIN vehicles v ON v.id = s.vehicle_id JOIN clients c ON c.id = v.client_id
WHERE s.status = 'completed' AND s.cost > 0
"""

# Labour: 2/5 of the net, rounded down to the shilling; parts the rest. Both at the standard rate, so
# each line's VAT (and the sum) is the invoice's.
_LINES = """
INSERT INTO billing_invoice_lines (id, invoice_id, position, kind, description, part_number, quantity,
                                   unit_price, unit_cost, discount, tax_category, tax_rate)
SELECT md5(%(seed)s || ':line:' || i.id::text || ':' || l.position)::uuid, i.id, l.position, l.kind,
       CASE l.kind WHEN %(labour)s THEN s.service_type || ' labour' ELSE s.service_type || ' parts' END,
       CASE l.kind WHEN %(part)s THEN 'KIT-' || upper(left(md5(s.service_type), 6)) ELSE '' END,
       1,
       CASE l.kind WHEN %(labour)s THEN floor(i.net_total * 2 / 5) ELSE i.net_total - floor(i.net_total * 2 / 5) END,
       CASE l.kind WHEN %(part)s THEN round((i.net_total - floor(i.net_total * 2 / 5)) * 0.65, 2) END,
       0, %(category)s, %(rate)s
FROM billing_invoices i JOIN services s ON s.id = i.service_id
CROSS JOIN (VALUES (1, %(labour)s), (2, %(part)s)) AS l(position, kind)
WHERE i.kind = %(invoice)s
"""


def invoice_completed_jobs(cursor, *, seed: int, replace: bool) -> int:
    """Invoice every completed job of the freshly loaded shop; returns the invoices written."""
    if replace:
        # The invoices went with the services (TRUNCATE ... CASCADE); their numbering starts again.
        cursor.execute("TRUNCATE billing_document_counters")
    params = {
        "seed": str(seed), "invoice": DocumentKind.INVOICE.value, "shop": settings.SHOP_NAME,
        "pin": settings.SHOP_KRA_PIN, "rate": TAX_RATES[TaxCategory.VAT16],
        "labour": LineKind.LABOUR.value, "part": LineKind.PART.value, "category": TaxCategory.VAT16.value,
    }
    cursor.execute(_INVOICES, params)
    invoices = cursor.rowcount
    cursor.execute(_LINES, params)
    # The counter's trigger allows +1 steps only; inserting the row at the last number is no step.
    cursor.execute(
        "INSERT INTO billing_document_counters (series, last_number) VALUES (%s, %s)",
        [DocumentKind.INVOICE.value, invoices],
    )
    return invoices
