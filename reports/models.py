from django.db import models


class ReportAccess(models.Model):
    """No table: this model only carries the `reports.view_reports` permission (granted to the
    Manager group) and gives the admin index its "Report pages" entry."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_reports", "Can view report pages")]
        verbose_name = "report page"
        verbose_name_plural = "report pages"


class ClientVisits(models.Model):
    """Per client: the first and last day a job of theirs was completed, how many completed jobs
    they have and how many are open (pending or in progress). A summary kept by the database itself:
    triggers on `services` and `vehicles` recount a client's row in the same transaction as any
    write that touches their jobs or cars (reports/migrations/0002_client_visits.py). Django never
    writes it.

    It exists for the clients report (docs/reports.md, "Client visits"): the call list ("last visit
    six months ago or more") and "returning clients" otherwise work out every client's visits from
    the whole history on every request (0.7-1.3 s at scale 10)."""

    kept_by_triggers = True  # the application role only reads it (concierge.db.roles)

    client = models.OneToOneField(
        "clients.Client", primary_key=True, on_delete=models.DO_NOTHING, related_name="report_visits",
        db_column="client_id",
    )
    first_visit = models.DateField(null=True)
    last_visit = models.DateField(null=True)
    completed_jobs = models.PositiveIntegerField(default=0, db_default=0)
    open_jobs = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        db_table = "report_client_visits"
        default_permissions = ()
        indexes = [
            # The call list: clients with nothing open, by last visit (partial: the call list never
            # wants a client with a job booked or on the bench).
            models.Index(fields=["last_visit"], name="report_client_visits_lapsed", condition=models.Q(open_jobs=0)),
        ]

    def __str__(self):
        return f"visits of client {self.client_id}"


class InvoiceDays(models.Model):
    """Per issue date: the invoices and credit notes issued that day and their part lines, summed. A
    summary kept by the database: statement-level triggers on billing_invoices and
    billing_invoice_lines add each written row's amounts to its day in the writing transaction
    (reports/migrations/0004_invoice_days.py). Django never writes it.

    It exists for the money page (docs/reports.md, "Invoice days"): the parts figures join every
    invoice of the period to its lines, which carry no date (a month at scale 10: 87 000 invoices,
    95-250 ms), and twelve months of invoices by day read 560 000 rows; here both are a row per day.
    Amounts are as billing stores them, a credit note's subtracted (reports.selectors.money)."""

    kept_by_triggers = True  # the application role only reads it (concierge.db.roles)

    issue_date = models.DateField(primary_key=True)
    invoices = models.IntegerField(default=0, db_default=0, help_text="Invoices issued (not credit notes).")
    invoiced = models.DecimalField(max_digits=18, decimal_places=2, default=0, db_default=0,
                                   help_text="Invoices' net totals (before VAT).")
    credited = models.DecimalField(max_digits=18, decimal_places=2, default=0, db_default=0,
                                   help_text="Credit notes' net totals (before VAT).")
    vat = models.DecimalField(max_digits=18, decimal_places=2, default=0, db_default=0,
                              help_text="VAT charged less VAT credited.")
    parts_revenue = models.DecimalField(max_digits=18, decimal_places=2, default=0, db_default=0,
                                        help_text="Part lines' net amounts, credit notes' subtracted.")
    # quantity x unit_cost: two places of decimals each, so four, kept exact.
    parts_cost = models.DecimalField(max_digits=20, decimal_places=4, default=0, db_default=0,
                                     help_text="Part lines' quantity x unit cost where the cost is known.")
    uncosted_parts = models.DecimalField(max_digits=18, decimal_places=2, default=0, db_default=0,
                                         help_text="Part lines' net amounts where no cost is recorded.")

    class Meta:
        db_table = "report_invoice_days"
        default_permissions = ()

    def __str__(self):
        return f"invoices of {self.issue_date}"
