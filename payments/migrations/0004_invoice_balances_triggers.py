# payments_invoice_balances (0003), kept by the database: triggers on billing_invoices and
# payments_ledger add what each statement wrote to its invoices' rows, in the writing transaction,
# so every reader of a balance (the invoice page, the portal, the receivables report, the reminder)
# sees the ledger as it is (docs/payments.md, "Running balances"). Filled here from what is already
# issued and paid.
#
# Statement-level triggers with transition tables, not row-level: seed_scale inserts a month of
# invoices or payments (15 000 rows at scale 10) per statement, and a statement trigger adds them up
# per invoice in one UPDATE instead of one per row; a service's single insert costs the same either way.
#
# Issued documents and ledger rows are never updated after their writing transaction nor deleted
# (billing's and the ledger's triggers refuse it), but within it the issuing service writes a
# document's totals after its lines (an UPDATE of billing_invoices): its difference is applied. A
# delete is handled the same way, by subtracting, should that rule ever change. TRUNCATE of
# billing_invoices empties this table through its foreign key (TRUNCATE ... CASCADE is the only way
# past the ledger's); TRUNCATE of the ledger alone sets every invoice back to unpaid.
#
# The functions ran as the writer until 0005, which makes them run as the owner and leaves the
# application role only reading this table (concierge/db/roles.py); no code of ours writes it.

from django.db import migrations

FUNCTIONS = """
-- Documents' totals, signed (`sign` +1 adds the rows, -1 takes them away): an invoice's total to its
-- own row, a credit note's total away from its credited invoice's.
CREATE FUNCTION payments_invoice_balances_add_due(rows_json jsonb, sign int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE payments_invoice_balances b SET due = b.due + sign * d.delta
    FROM (SELECT CASE WHEN r.kind = 'credit_note' THEN r.credited_invoice_id ELSE r.id END AS invoice_id,
                 sum(CASE WHEN r.kind = 'credit_note' THEN -r.total ELSE r.total END) AS delta
            FROM jsonb_to_recordset(rows_json) AS r(id uuid, kind text, credited_invoice_id uuid, total numeric)
           GROUP BY 1) d
   WHERE b.invoice_id = d.invoice_id AND d.delta <> 0;
END $$;

CREATE FUNCTION payments_invoice_balances_on_invoices() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO payments_invoice_balances (invoice_id, client_id, issue_date, due, received, refunded)
    SELECT id, client_id, issue_date, 0, 0, 0 FROM new_rows WHERE kind = 'invoice' ORDER BY id;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM payments_invoice_balances_add_due(
      (SELECT jsonb_agg(x) FROM (SELECT id, kind, credited_invoice_id, total FROM old_rows) x), -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM payments_invoice_balances_add_due(
      (SELECT jsonb_agg(x) FROM (SELECT id, kind, credited_invoice_id, total FROM new_rows) x), 1);
  END IF;
  IF TG_OP = 'UPDATE' THEN
    UPDATE payments_invoice_balances b SET client_id = n.client_id, issue_date = n.issue_date
      FROM new_rows n
     WHERE b.invoice_id = n.id AND (b.client_id, b.issue_date) IS DISTINCT FROM (n.client_id, n.issue_date);
  END IF;
  IF TG_OP = 'DELETE' THEN
    DELETE FROM payments_invoice_balances WHERE invoice_id IN (SELECT id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION payments_invoice_balances_on_ledger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE payments_invoice_balances b
     SET received = b.received + p.received, refunded = b.refunded + p.refunded
    FROM (SELECT invoice_id,
                 coalesce(sum(amount) FILTER (WHERE kind = 'payment'), 0) AS received,
                 coalesce(sum(amount) FILTER (WHERE kind = 'refund'), 0) AS refunded
            FROM new_rows GROUP BY invoice_id) p
   WHERE b.invoice_id = p.invoice_id;
  RETURN NULL;
END $$;

CREATE FUNCTION payments_invoice_balances_ledger_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE payments_invoice_balances SET received = 0, refunded = 0 WHERE received <> 0 OR refunded <> 0;
  RETURN NULL;
END $$;

CREATE TRIGGER payments_invoice_balances_insert AFTER INSERT ON billing_invoices
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payments_invoice_balances_on_invoices();
CREATE TRIGGER payments_invoice_balances_update AFTER UPDATE ON billing_invoices
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION payments_invoice_balances_on_invoices();
CREATE TRIGGER payments_invoice_balances_delete AFTER DELETE ON billing_invoices
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION payments_invoice_balances_on_invoices();
CREATE TRIGGER payments_invoice_balances_insert AFTER INSERT ON payments_ledger
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION payments_invoice_balances_on_ledger();
CREATE TRIGGER payments_invoice_balances_truncate AFTER TRUNCATE ON payments_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION payments_invoice_balances_ledger_truncated();

-- What is already issued and paid (the triggers above hold writes to both tables back until this
-- migration commits, so nothing is missed in between).
INSERT INTO payments_invoice_balances (invoice_id, client_id, issue_date, due, received, refunded)
SELECT i.id, i.client_id, i.issue_date,
       i.total - coalesce((SELECT sum(c.total) FROM billing_invoices c
                            WHERE c.credited_invoice_id = i.id AND c.kind = 'credit_note'), 0),
       coalesce((SELECT sum(p.amount) FROM payments_ledger p WHERE p.invoice_id = i.id AND p.kind = 'payment'), 0),
       coalesce((SELECT sum(p.amount) FROM payments_ledger p WHERE p.invoice_id = i.id AND p.kind = 'refund'), 0)
  FROM billing_invoices i WHERE i.kind = 'invoice';
ANALYZE payments_invoice_balances;
"""

DROP = """
DROP TRIGGER payments_invoice_balances_insert ON billing_invoices;
DROP TRIGGER payments_invoice_balances_update ON billing_invoices;
DROP TRIGGER payments_invoice_balances_delete ON billing_invoices;
DROP TRIGGER payments_invoice_balances_insert ON payments_ledger;
DROP TRIGGER payments_invoice_balances_truncate ON payments_ledger;
DROP FUNCTION payments_invoice_balances_on_invoices();
DROP FUNCTION payments_invoice_balances_on_ledger();
DROP FUNCTION payments_invoice_balances_ledger_truncated();
DROP FUNCTION payments_invoice_balances_add_due(jsonb, int);
DELETE FROM payments_invoice_balances;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0001_price_list_estimates_invoices'),
        ('payments', '0003_invoice_balances'),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, DROP),
    ]
