# The trigger functions of the client visits (0003) and the invoice days (0005) run as their owner, the
# role that ran migrate, instead of the writer: the application role now only reads report_client_visits
# and report_invoice_days (concierge/db/roles.py, tables_kept_by_triggers), so no statement of its own
# can make a summary disagree with the rows it sums. A fixed search_path, as for the platform's owner
# functions, so the caller cannot redirect the functions' unqualified table names.

from django.db import migrations

FUNCTIONS = (
    "report_client_visits_on_services()",
    "report_client_visits_on_vehicles()",
    "report_client_visits_truncated()",
    "report_invoice_days_on_invoices()",
    "report_invoice_days_on_lines()",
    "report_invoice_days_truncated()",
)
AS_OWNER = "".join(f"ALTER FUNCTION {f} SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;\n"
                   for f in FUNCTIONS)
AS_WRITER = "".join(f"ALTER FUNCTION {f} SECURITY INVOKER RESET search_path;\n" for f in FUNCTIONS)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0005_invoice_days_triggers'),
    ]

    operations = [
        migrations.RunSQL(AS_OWNER, AS_WRITER),
    ]
