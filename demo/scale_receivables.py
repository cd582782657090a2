"""Payments and collected cars for the scaled shop (issue 17), in bulk SQL after its invoices.

Each invoice is paid in full, part-paid (half, in whole shillings) or left unpaid, by a hash of its id:
recent invoices are more often open (30 % unpaid and 20 % part-paid in their first week, 10 % and 6 %
to 90 days, then 3 % and 3 %), so every age column of the receivables report has rows. The method is
M-Pesa (60 %, with a unique receipt code), cash (25 %) or card; the money comes in on the issue date
in shop hours (never after now). A completed job's car is collected on its completion day, except
those completed in the last week whose invoice is not paid in full, and half of today's: the yard.

Inserted through the tables' own triggers (the ledger's checks, the collection's, the audit trail), a
month per statement, as scale_billing.py does: the AFTER ROW triggers' cost grows faster than the rows.
"""

import datetime
from typing import Any

from django.conf import settings

from billing.models import DocumentKind
from payments.models import EntryKind, Method

# Days during which a completed job's car, its invoice not paid in full, is still in the yard.
IN_THE_YARD_DAYS = 7

_HASH = "('x' || substr(md5(%(seed)s || ':{what}:' || {id}::text), 1, 7))::bit(28)::int"

_PAYMENTS = f"""
WITH invoices AS (
    SELECT i.id, i.client_id, i.total, i.issue_date, %(today)s::date - i.issue_date AS age,
           {_HASH.format(what="pay", id="i.id")} AS h
    FROM billing_invoices i
    WHERE i.kind = %(invoice)s AND i.total > 0 AND i.issue_date >= %(start)s AND i.issue_date < %(end)s
), planned AS (
    SELECT *, h %% 100 AS roll, (h / 100) %% 100 AS method_roll, (h / 10000) %% 480 AS minute,
           CASE WHEN age <= 7 THEN 30 WHEN age <= 90 THEN 10 ELSE 3 END AS unpaid,
           CASE WHEN age <= 7 THEN 50 WHEN age <= 90 THEN 16 ELSE 6 END AS open
    FROM invoices
)
INSERT INTO payments_ledger (id, invoice_id, client_id, kind, method, amount, reference, received_at, note)
SELECT md5(%(seed)s || ':payment:' || id::text)::uuid, id, client_id, %(payment)s,
       CASE WHEN method_roll < 60 THEN %(mpesa)s WHEN method_roll < 85 THEN %(cash)s ELSE %(card)s END,
       CASE WHEN roll < open THEN greatest(floor(total / 2), 1) ELSE total END,
       CASE WHEN method_roll < 60
            THEN 'S' || lpad(upper(to_hex(%(offset)s + row_number() OVER (ORDER BY issue_date, id))), 9, '0')
            ELSE '' END,
       least(((issue_date + time '10:00' + minute * interval '1 minute') AT TIME ZONE %(tz)s) AT TIME ZONE 'UTC',
             now() AT TIME ZONE 'UTC'),
       ''
FROM planned
WHERE roll >= unpaid
"""

_COLLECTIONS = f"""
INSERT INTO service_collections (id, service_id, collected_at, note)
SELECT md5(%(seed)s || ':collection:' || s.id::text)::uuid, s.id,
       least(((s.completed_date + time '11:00' + ({_HASH.format(what="collect", id="s.id")} %% 420) * interval '1 minute')
              AT TIME ZONE %(tz)s) AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'),
       ''
FROM services s
WHERE s.status = 'completed' AND s.completed_date >= %(start)s AND s.completed_date < %(end)s
  AND NOT (s.completed_date = %(today)s AND {_HASH.format(what="yard", id="s.id")} %% 2 = 0)
  AND NOT (%(today)s::date - s.completed_date <= %(yard_days)s AND EXISTS (
      SELECT 1 FROM billing_invoices i
      WHERE i.service_id = s.id AND i.kind = %(invoice)s
        AND i.total > coalesce((SELECT sum(p.amount) FROM payments_ledger p WHERE p.invoice_id = i.id), 0)))
"""


def pay_and_collect(cursor: Any, *, seed: int, today: datetime.date) -> dict[str, int]:
    """Pay the freshly invoiced shop's invoices and hand back its cars; returns the rows written."""
    params: dict[str, Any] = {
        "seed": str(seed), "today": today, "tz": settings.TIME_ZONE, "invoice": DocumentKind.INVOICE.value,
        "payment": EntryKind.PAYMENT.value, "mpesa": Method.MPESA.value, "cash": Method.CASH.value,
        "card": Method.CARD.value, "yard_days": IN_THE_YARD_DAYS,
    }
    cursor.execute("SELECT min(completed_date), max(completed_date) FROM services WHERE status = 'completed'")
    first, last = cursor.fetchone()
    payments = collections = 0
    month = first.replace(day=1) if first else None
    while month is not None and month <= last:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        window = {**params, "start": month, "end": following, "offset": payments}
        cursor.execute(_PAYMENTS, window)
        payments += cursor.rowcount
        month = following
    # After every payment: a car's collection depends on whether its invoice was paid in full.
    month = first.replace(day=1) if first else None
    while month is not None and month <= last:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        cursor.execute(_COLLECTIONS, {**params, "start": month, "end": following})
        collections += cursor.rowcount
        month = following
    return {"payments_ledger": payments, "service_collections": collections}
