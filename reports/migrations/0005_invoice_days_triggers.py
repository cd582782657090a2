# report_invoice_days (0004), kept by the database: statement-level triggers on billing_invoices and
# billing_invoice_lines add what each statement wrote to its issue dates, in the writing transaction,
# so the money page is always current (docs/reports.md, "Invoice days"). Filled here from the
# invoices already issued.
#
# Each amount is added as billing stores it, a credit note's with its sign turned (its amounts are
# stored positive), by the same rules as reports.selectors.money's definitions. Issued documents are
# never updated after their issuing transaction nor deleted (billing's triggers refuse it); within
# it, the issuing service writes the totals after the lines (an UPDATE: its difference is added). A
# delete is handled all the same, by subtracting, should that rule ever change.

from django.db import migrations

FUNCTIONS = """
-- The documents' own figures, signed: `sign` +1 adds the rows, -1 takes them away.
CREATE FUNCTION report_invoice_days_documents(rows_json jsonb, sign int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_invoice_days AS r (issue_date, invoices, invoiced, credited, vat)
  SELECT d.issue_date,
         sign * count(*) FILTER (WHERE d.kind = 'invoice'),
         sign * coalesce(sum(d.net_total) FILTER (WHERE d.kind = 'invoice'), 0),
         sign * coalesce(sum(d.net_total) FILTER (WHERE d.kind = 'credit_note'), 0),
         sign * sum(CASE WHEN d.kind = 'credit_note' THEN -d.tax_total ELSE d.tax_total END)
    FROM jsonb_to_recordset(rows_json) AS d(issue_date date, kind text, net_total numeric, tax_total numeric)
   GROUP BY d.issue_date
   ORDER BY d.issue_date  -- the day rows locked in one order: two writers never wait in a cycle
  ON CONFLICT (issue_date) DO UPDATE SET
    invoices = r.invoices + EXCLUDED.invoices, invoiced = r.invoiced + EXCLUDED.invoiced,
    credited = r.credited + EXCLUDED.credited, vat = r.vat + EXCLUDED.vat;
END $$;

-- Part lines' figures, signed, on their document's day with their document's sign.
CREATE FUNCTION report_invoice_days_parts(rows_json jsonb, sign int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_invoice_days AS r (issue_date, parts_revenue, parts_cost, uncosted_parts)
  SELECT p.issue_date,
         sign * sum(p.signed * p.net_amount),
         sign * coalesce(sum(p.signed * p.quantity * p.unit_cost) FILTER (WHERE p.unit_cost IS NOT NULL), 0),
         sign * coalesce(sum(p.signed * p.net_amount) FILTER (WHERE p.unit_cost IS NULL), 0)
    FROM jsonb_to_recordset(rows_json)
         AS p(issue_date date, signed int, quantity numeric, unit_cost numeric, net_amount numeric)
   GROUP BY p.issue_date
   ORDER BY p.issue_date
  ON CONFLICT (issue_date) DO UPDATE SET
    parts_revenue = r.parts_revenue + EXCLUDED.parts_revenue, parts_cost = r.parts_cost + EXCLUDED.parts_cost,
    uncosted_parts = r.uncosted_parts + EXCLUDED.uncosted_parts;
END $$;

CREATE FUNCTION report_invoice_days_on_invoices() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE moved jsonb;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM report_invoice_days_documents(
      (SELECT jsonb_agg(x) FROM (SELECT issue_date, kind, net_total, tax_total FROM old_rows) x), -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM report_invoice_days_documents(
      (SELECT jsonb_agg(x) FROM (SELECT issue_date, kind, net_total, tax_total FROM new_rows) x), 1);
  END IF;
  IF TG_OP = 'UPDATE' THEN
    -- A document whose day or kind changed takes its part lines with it.
    SELECT jsonb_agg(x) INTO moved FROM (
      SELECT o.issue_date, CASE WHEN o.kind = 'credit_note' THEN -1 ELSE 1 END AS signed,
             l.quantity, l.unit_cost, l.net_amount, n.issue_date AS new_date,
             CASE WHEN n.kind = 'credit_note' THEN -1 ELSE 1 END AS new_signed
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        JOIN billing_invoice_lines l ON l.invoice_id = o.id AND l.kind = 'part'
       WHERE (o.issue_date, o.kind) IS DISTINCT FROM (n.issue_date, n.kind)
    ) x;
    IF moved IS NOT NULL THEN
      PERFORM report_invoice_days_parts(moved, -1);
      PERFORM report_invoice_days_parts(
        (SELECT jsonb_agg(jsonb_set(jsonb_set(m, '{issue_date}', m->'new_date'), '{signed}', m->'new_signed'))
           FROM jsonb_array_elements(moved) AS m), 1);
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION report_invoice_days_on_lines() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE sign int := CASE WHEN TG_OP = 'DELETE' THEN -1 ELSE 1 END;
        changed jsonb;
BEGIN
  IF TG_OP = 'DELETE' THEN
    SELECT jsonb_agg(x) INTO changed FROM (
      SELECT i.issue_date, CASE WHEN i.kind = 'credit_note' THEN -1 ELSE 1 END AS signed,
             l.quantity, l.unit_cost, l.net_amount
        FROM old_rows l JOIN billing_invoices i ON i.id = l.invoice_id WHERE l.kind = 'part') x;
  ELSE
    SELECT jsonb_agg(x) INTO changed FROM (
      SELECT i.issue_date, CASE WHEN i.kind = 'credit_note' THEN -1 ELSE 1 END AS signed,
             l.quantity, l.unit_cost, l.net_amount
        FROM new_rows l JOIN billing_invoices i ON i.id = l.invoice_id WHERE l.kind = 'part') x;
  END IF;
  IF changed IS NOT NULL THEN
    PERFORM report_invoice_days_parts(changed, sign);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION report_invoice_days_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'billing_invoices' THEN
    DELETE FROM report_invoice_days;
  ELSE
    UPDATE report_invoice_days SET parts_revenue = 0, parts_cost = 0, uncosted_parts = 0;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER report_invoice_days_insert AFTER INSERT ON billing_invoices
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_invoice_days_on_invoices();
CREATE TRIGGER report_invoice_days_update AFTER UPDATE ON billing_invoices
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_invoice_days_on_invoices();
CREATE TRIGGER report_invoice_days_delete AFTER DELETE ON billing_invoices
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_invoice_days_on_invoices();
CREATE TRIGGER report_invoice_days_truncate AFTER TRUNCATE ON billing_invoices
  FOR EACH STATEMENT EXECUTE FUNCTION report_invoice_days_truncated();
CREATE TRIGGER report_invoice_days_insert AFTER INSERT ON billing_invoice_lines
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_invoice_days_on_lines();
CREATE TRIGGER report_invoice_days_delete AFTER DELETE ON billing_invoice_lines
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_invoice_days_on_lines();
CREATE TRIGGER report_invoice_days_truncate AFTER TRUNCATE ON billing_invoice_lines
  FOR EACH STATEMENT EXECUTE FUNCTION report_invoice_days_truncated();

-- The documents already issued (the triggers above hold writes to both tables back until this
-- migration commits, so nothing is missed in between).
INSERT INTO report_invoice_days (issue_date, invoices, invoiced, credited, vat, parts_revenue, parts_cost, uncosted_parts)
SELECT issue_date, coalesce(d.invoices, 0), coalesce(d.invoiced, 0), coalesce(d.credited, 0), coalesce(d.vat, 0),
       coalesce(p.parts_revenue, 0), coalesce(p.parts_cost, 0), coalesce(p.uncosted_parts, 0)
  FROM (
    SELECT issue_date, count(*) FILTER (WHERE kind = 'invoice') AS invoices,
           coalesce(sum(net_total) FILTER (WHERE kind = 'invoice'), 0) AS invoiced,
           coalesce(sum(net_total) FILTER (WHERE kind = 'credit_note'), 0) AS credited,
           sum(CASE WHEN kind = 'credit_note' THEN -tax_total ELSE tax_total END) AS vat
      FROM billing_invoices GROUP BY issue_date
  ) d
  FULL JOIN (
    SELECT i.issue_date,
           sum(CASE WHEN i.kind = 'credit_note' THEN -l.net_amount ELSE l.net_amount END) AS parts_revenue,
           coalesce(sum(CASE WHEN i.kind = 'credit_note' THEN -(l.quantity * l.unit_cost) ELSE l.quantity * l.unit_cost END)
                    FILTER (WHERE l.unit_cost IS NOT NULL), 0) AS parts_cost,
           coalesce(sum(CASE WHEN i.kind = 'credit_note' THEN -l.net_amount ELSE l.net_amount END)
                    FILTER (WHERE l.unit_cost IS NULL), 0) AS uncosted_parts
      FROM billing_invoice_lines l JOIN billing_invoices i ON i.id = l.invoice_id
     WHERE l.kind = 'part' GROUP BY i.issue_date
  ) p USING (issue_date);
ANALYZE report_invoice_days;
"""

DROP = """
DROP TRIGGER report_invoice_days_insert ON billing_invoices;
DROP TRIGGER report_invoice_days_update ON billing_invoices;
DROP TRIGGER report_invoice_days_delete ON billing_invoices;
DROP TRIGGER report_invoice_days_truncate ON billing_invoices;
DROP TRIGGER report_invoice_days_insert ON billing_invoice_lines;
DROP TRIGGER report_invoice_days_delete ON billing_invoice_lines;
DROP TRIGGER report_invoice_days_truncate ON billing_invoice_lines;
DROP FUNCTION report_invoice_days_on_invoices();
DROP FUNCTION report_invoice_days_on_lines();
DROP FUNCTION report_invoice_days_truncated();
DROP FUNCTION report_invoice_days_documents(jsonb, int);
DROP FUNCTION report_invoice_days_parts(jsonb, int);
DELETE FROM report_invoice_days;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0001_price_list_estimates_invoices'),
        ('reports', '0004_invoice_days'),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, DROP),
    ]
