"""Who owes what (docs/payments.md, "Receivables and collection"): balances by client with their age,
cars completed and still in the yard with their invoice unpaid, and the money taken on a day by method.

An invoice's balance is the payments app's (its total less its credit notes, less payments net of
refunds), kept per invoice by the database (payments.models.RunningBalance) and never worked out
again here: these selectors read the invoices owed or in credit from its partial indexes and add
them up in PostgreSQL. An invoice's age is the days from its issue date to
today in Nairobi; a negative balance (paid more than was due) is the client's credit, shown apart.
"""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from billing.models import Invoice
from clients.models import Client
from payments.models import EntryKind, Method, Payment, RunningBalance
from payments.selectors import invoices_with_balance
from reports.routers import reads_reports
from servicing.models import ServiceStatus

from ..periods import Period

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=16, decimal_places=2)


@dataclasses.dataclass(frozen=True)
class AgeBucket:
    key: str
    label: str
    first_day: int  # days since issue, inclusive
    last_day: int | None  # inclusive; None: no upper bound


@dataclasses.dataclass(frozen=True)
class ClientBalance:
    """What one client owes: in all, by age of the invoices (AGE_BUCKETS' keys), and the credit held
    on the invoices they overpaid."""

    client: Client
    owed: Decimal
    by_age: dict[str, Decimal]
    credit: Decimal
    invoices_owing: int
    oldest_issue_date: datetime.date


AGE_BUCKETS = (
    AgeBucket("days_0_30", "0–30 days", 0, 30),
    AgeBucket("days_31_60", "31–60 days", 31, 60),
    AgeBucket("days_61_90", "61–90 days", 61, 90),
    AgeBucket("days_90_plus", "Over 90 days", 91, None),
)


def _open_invoices_sql() -> str:
    """The invoices whose balance is not zero (owed or overpaid), from the payments app's kept
    balances (payments.models.RunningBalance): columns client_id, issue_date, balance. Each half is
    answered by its partial index (owed: balance > 0, credit: balance < 0), so the invoices paid up,
    nearly all of them, are never read; nothing is summed per invoice here."""
    table = RunningBalance._meta.db_table
    return (
        f"SELECT client_id, issue_date, balance FROM {table} WHERE balance > 0 "
        f"UNION ALL SELECT client_id, issue_date, balance FROM {table} WHERE balance < 0"
    )


def _bucket_sums(today: datetime.date) -> tuple[str, list[Any]]:
    """SUM(balance) FILTER per age bucket, owed invoices only: SQL and its parameters (the issue-date bounds)."""
    parts, params = [], []
    for bucket in AGE_BUCKETS:
        condition = "b.balance > 0 AND b.issue_date <= %s"
        params.append(today - datetime.timedelta(days=bucket.first_day))
        if bucket.last_day is not None:
            condition += " AND b.issue_date >= %s"
            params.append(today - datetime.timedelta(days=bucket.last_day))
        parts.append(f"COALESCE(SUM(b.balance) FILTER (WHERE {condition}), 0) AS {bucket.key}")
    return ", ".join(parts), params


def _aggregates(today: datetime.date) -> tuple[str, list[Any]]:
    buckets, params = _bucket_sums(today)
    return (
        f"{buckets}, COALESCE(SUM(b.balance) FILTER (WHERE b.balance > 0), 0) AS owed, "
        "COALESCE(SUM(-b.balance) FILTER (WHERE b.balance < 0), 0) AS credit, "
        "COUNT(*) FILTER (WHERE b.balance > 0) AS invoices_owing, "
        "MIN(b.issue_date) FILTER (WHERE b.balance > 0) AS oldest_issue_date",
        params,
    )


@reads_reports
def receivables_by_client(*, today: datetime.date, limit: int | None = None, offset: int = 0) -> list[ClientBalance]:
    """Clients who owe something, most owed first: what each owes in all and by age (days since the
    invoice's issue date, to `today`), the credit held on invoices they overpaid, how many invoices
    they owe on and the oldest one's date. One query, read as Client instances so the phone is
    decrypted by its field; `limit`/`offset` for a page of it."""
    alias = Client.objects.all().db  # the reports database inside reads_reports
    inner = _open_invoices_sql()
    aggregates, aggregate_params = _aggregates(today)
    page = ""
    page_params: list[Any] = []
    if limit is not None:
        page, page_params = " LIMIT %s OFFSET %s", [limit, offset]
    sql = (
        f"WITH b AS ({inner}) "
        "SELECT c.id, c.first_name, c.last_name, c.phone, o.* FROM clients c JOIN ("
        f"SELECT b.client_id, {aggregates} FROM b GROUP BY b.client_id"
        ") o ON o.client_id = c.id WHERE o.owed > 0 "
        f"ORDER BY o.owed DESC, c.last_name, c.first_name, c.id{page}"
    )
    # Client instances with the aggregates as attributes (a raw query: django-stubs knows no columns of it).
    rows: list[Any] = list(Client.objects.raw(sql, [*aggregate_params, *page_params]).using(alias))
    return [
        ClientBalance(
            client=row, owed=row.owed, by_age={bucket.key: getattr(row, bucket.key) for bucket in AGE_BUCKETS},
            credit=row.credit, invoices_owing=row.invoices_owing, oldest_issue_date=row.oldest_issue_date,
        )
        for row in rows
    ]


@reads_reports
def receivables_totals(*, today: datetime.date) -> dict[str, Any]:
    """The shop's totals over every invoice: owed by age bucket, `owed`, `credit`, `invoices_owing`,
    `clients_owing` and `oldest_issue_date`, in one query."""
    alias = Invoice.objects.all().db
    inner = _open_invoices_sql()
    aggregates, aggregate_params = _aggregates(today)
    sql = (f"WITH b AS ({inner}) "
           f"SELECT {aggregates}, COUNT(DISTINCT b.client_id) FILTER (WHERE b.balance > 0) AS clients_owing FROM b")
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, aggregate_params)
        names = [column.name for column in cursor.description]
        return dict(zip(names, cursor.fetchone()))


@reads_reports
def cars_waiting_unpaid() -> QuerySet[Any]:
    """Cars completed but not collected whose invoice is not paid in full: the job's invoice with
    `due`, `paid` and `balance` (balance > 0), with the job, car and owner, longest waiting first.
    A completed job with no invoice (no approved estimate line) has nothing owed in the ledger and is
    not listed."""
    waiting = Invoice.objects.filter(service__status=ServiceStatus.COMPLETED, service__collection__isnull=True)
    balances: QuerySet[Any] = invoices_with_balance(queryset=waiting)
    return (
        balances.filter(balance__gt=0)
        .select_related("service__vehicle__client")
        .order_by("service__completed_date", "number")
    )


@reads_reports
def collected_by_method(*, day: datetime.date) -> list[dict[str, Any]]:
    """Money taken on `day` (Nairobi), by method: payments received (count, amount), refunds given
    (count, amount) and the net, one row per method (cash, card, M-Pesa) then the total. One query,
    over the ledger's received_at."""
    period = Period(day, day)
    payment, refund = Q(kind=EntryKind.PAYMENT), Q(kind=EntryKind.REFUND)
    rows = (
        Payment.objects.filter(received_at__gte=period.start_at, received_at__lt=period.end_before)
        .values("method").order_by()
        .annotate(
            payments=Count("id", filter=payment),
            received=Coalesce(Sum("amount", filter=payment), Value(ZERO), output_field=_MONEY),
            refunds=Count("id", filter=refund),
            refunded=Coalesce(Sum("amount", filter=refund), Value(ZERO), output_field=_MONEY),
        )
    )
    found: dict[str, Any] = {row["method"]: row for row in rows}
    none = {"payments": 0, "received": ZERO, "refunds": 0, "refunded": ZERO}
    table: list[dict[str, Any]] = []
    for method in Method:
        counted = found.get(method.value, none)
        table.append({"method": method.label, **{k: counted[k] for k in none}})
    total: dict[str, Any] = {"method": "Total", "payments": 0, "received": ZERO, "refunds": 0, "refunded": ZERO}
    for line in table:  # three rows: the day's total is their sum
        for key in none:
            total[key] += line[key]
    table.append(total)
    for line in table:
        line["net"] = line["received"] - line["refunded"]
    return table
