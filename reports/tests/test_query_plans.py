"""The speed rules of the report queries, as PostgreSQL's plans: each test fails when its index is
dropped or the query is written so the index can no longer answer it (docs/reports.md, "Indexes").

The test data is tiny, so a sequential scan would win on cost; the plans are taken with sequential
and bitmap scans discouraged, which leaves an index scan where the index is usable and an
index-only scan where it covers everything the query reads. The data is committed and vacuumed
first, as a live table mostly is: the planner prices an index-only scan by the pages known to be
all-visible."""

import datetime

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from notifications.tests.factories import NotificationFactory
from reports import selectors
from reports.selectors import receivables
from reports.periods import SHOP_TZ, months_ending
from reports.routers import reading_reports, reports_db_alias

from .builders import MARCH, completed, day, place_notification
from .plans import explain, reads_only_index, scans_of

# VACUUM ANALYZE is the owner's (the application role's is skipped with a warning).
pytestmark = [pytest.mark.django_db(transaction=True, databases="__all__"), pytest.mark.owner_role]


def plans(run, *, discouraged=("seqscan", "bitmapscan")):
    """The plan of every query `run` sends to the reports database, one string per query."""
    connection = connections[reports_db_alias()]
    with reading_reports(), CaptureQueriesContext(connection) as captured:
        run()
    return explain(connection, [query["sql"] for query in captured], discouraged=discouraged)


def index_only(plan, table, index):
    return reads_only_index(connections[reports_db_alias()], plan, table, index)


@pytest.fixture
def shop():
    for n in range(3):
        completed(cost=1000, on=day(3, 2 + n), scheduled=day(3, 1))
        completed(cost=1000, on=day(2, 2 + n))
        # In the period (its month's partition holds them), and one now (another partition).
        place_notification(NotificationFactory(), datetime.datetime(2026, 3, 2 + n, 12, tzinfo=SHOP_TZ))
        NotificationFactory()
    with connections[reports_db_alias()].cursor() as cursor:
        cursor.execute("VACUUM ANALYZE clients, services, notifications, report_client_visits")


@pytest.mark.parametrize("selector", [selectors.notifications_by_channel, selectors.notifications_by_week])
def test_notification_tables_are_index_only_scans_of_the_period(shop, selector):
    (plan,) = plans(lambda: selector(period=MARCH))
    assert index_only(plan, "notifications", "notifications_report_idx"), plan


def test_overview_reads_completed_jobs_and_notifications_from_their_indexes_alone(shop):
    services, overdue, notifications = plans(lambda: selectors.overview(period=MARCH, today=day(3, 20)))
    # Only if no FILTER names `status`, which the partial index does not store.
    assert "Index Only Scan using services_completed_rpt_idx" in services, services
    assert "Index Only Scan using services_status_sched_idx" in overdue, overdue
    assert index_only(notifications, "notifications", "notifications_report_idx"), notifications


def test_revenue_by_month_is_an_index_only_scan_of_the_narrow_revenue_index(shop):
    # services_revenue_day_idx holds only what the query reads: on a year of jobs at scale 10 the wider
    # services_completed_rpt_idx lost to a scan of the whole table (docs/reports.md, "Indexes").
    start, end = months_ending(MARCH.end)
    (plan,) = plans(lambda: selectors.revenue_by_month(start=start, end=end))
    assert "Index Only Scan using services_revenue_day_idx" in plan, plan


def test_the_notification_period_is_a_range_of_created_at(shop):
    # A range on the partition key: PostgreSQL can skip the months outside it once notifications is
    # partitioned by created_at, and the index applies.
    (plan,) = plans(lambda: selectors.notifications_by_channel(period=MARCH))
    start = datetime.datetime.combine(MARCH.start, datetime.time.min)
    assert "Index Cond: ((created_at >= " in plan and "(created_at < " in plan, plan
    assert str(start.date() - datetime.timedelta(days=1)) in plan  # 1 March 00:00 Nairobi is 28 Feb 21:00 UTC
    # Pruned: not every monthly partition is read.
    with connections[reports_db_alias()].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = 'notifications'::regclass")
        (partitions,) = cursor.fetchone()
    assert 0 < len(scans_of(plan, "notifications")) < partitions, plan


def test_the_call_list_is_a_walk_of_the_client_visits_index(shop):
    # A handful of clients: joining them all would be as cheap; what matters is that the index can
    # give the page in last-visit order.
    (plan,) = plans(lambda: list(selectors.lapsed_clients(today=day(12, 1))[:51]),
                    discouraged=("seqscan", "bitmapscan", "hashjoin", "mergejoin"))
    assert "Index Scan using report_client_visits_lapsed on report_client_visits" in plan, plan
    assert "services" not in plan  # no job is read to make the list


def test_returning_clients_ask_the_client_visits_for_a_first_visit(shop):
    (plan,) = plans(lambda: selectors.returning_clients(period=MARCH))
    assert "report_client_visits" in plan, plan
    # Only the period's jobs are read, from a range of the completed-jobs index.
    assert "Index Cond: ((completed_date >= '2026-03-01'::date) AND (completed_date <= '2026-03-31'::date))" in plan, plan


def test_type_and_technician_tables_and_filters_read_the_completed_jobs_index_alone(shop):
    from servicing.models import Service

    (by_type,) = plans(lambda: selectors.revenue_by_service_type(period=MARCH))
    done, on_bench = plans(lambda: selectors.technician_performance(period=MARCH))
    filtered = Service.objects.filter(service_type="Oil Change", technician="Peter Kamau")
    (overview_filtered, _, _) = plans(lambda: selectors.overview(period=MARCH, services=filtered, today=day(3, 20)))

    for plan in (by_type, done, overview_filtered):
        assert "Index Only Scan using services_completed_rpt_idx" in plan, plan
    assert "services_status_sched_idx" in on_bench, on_bench


def test_new_clients_are_counted_from_the_created_at_index_alone(shop):
    start, end = months_ending(MARCH.end)
    (plan,) = plans(lambda: selectors.new_clients_by_month(start=start, end=end))
    assert "Index Only Scan using clients_created_at_idx" in plan, plan


INDEX = {selectors.sms_delivery: "notifications_delivery_idx",
         selectors.delivery_failure_reasons: "notifications_dlr_reason_idx"}


@pytest.mark.parametrize("selector", list(INDEX))
def test_sms_delivery_tables_are_index_only_scans_of_the_period(shop, selector):
    (plan,) = plans(lambda: selector(period=MARCH))
    assert index_only(plan, "notifications", INDEX[selector]), plan


@pytest.fixture
def kept_balances():
    """Invoices owed, paid up and overpaid: their kept balances (payments_invoice_balances)."""
    from decimal import Decimal

    from payments.models import Method
    from payments.services import payment_record
    from payments.tests.scenarios import an_invoice

    for n in range(6):
        invoice = an_invoice(price="1000.00")
        amount = ("1000.00", "1000.00", "1000.00", "400.00", "1500.00", None)[n]
        if amount:
            payment_record(invoice=invoice, amount=Decimal(amount), method=Method.CASH)
    with connections[reports_db_alias()].cursor() as cursor:
        cursor.execute("VACUUM ANALYZE clients, billing_invoices, payments_ledger, payments_invoice_balances")


def test_receivables_read_only_the_owed_and_credit_indexes_of_the_kept_balances(kept_balances):
    # At scale 10 nearly all of 900 000 invoices are paid up: the report reads the few owed or in
    # credit from the kept balances' partial indexes, and no invoice or ledger row at all.
    today = datetime.date.today()
    (totals,) = plans(lambda: receivables.receivables_totals(today=today))
    (by_client,) = plans(lambda: receivables.receivables_by_client(today=today, limit=50))
    for plan in (totals, by_client):
        scans = scans_of(plan, "payments_invoice_balances")
        assert sorted(index for _, index in scans) == ["payments_balances_credit_idx", "payments_balances_owed_idx"], plan
        assert all(kind == "Index Only Scan" for kind, _ in scans), plan
        assert "billing_invoices" not in plan and "payments_ledger" not in plan, plan
