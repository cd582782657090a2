# The running balances' trigger functions (0004) run as their owner, the role that ran migrate, instead
# of the writer: the application role now only reads payments_invoice_balances (concierge/db/roles.py,
# tables_kept_by_triggers), so no statement of its own can make a balance disagree with the ledger.
# A fixed search_path, as for the platform's owner functions, so the caller cannot redirect the
# functions' unqualified table names.

from django.db import migrations

FUNCTIONS = (
    "payments_invoice_balances_on_invoices()",
    "payments_invoice_balances_on_ledger()",
    "payments_invoice_balances_ledger_truncated()",
)
AS_OWNER = "".join(f"ALTER FUNCTION {f} SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;\n"
                   for f in FUNCTIONS)
AS_WRITER = "".join(f"ALTER FUNCTION {f} SECURITY INVOKER RESET search_path;\n" for f in FUNCTIONS)


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0004_invoice_balances_triggers'),
    ]

    operations = [
        migrations.RunSQL(AS_OWNER, AS_WRITER),
    ]
