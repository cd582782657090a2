"""The receivables page: balances by client and their age, cars completed and not collected with their
invoice unpaid, money collected on a day by method, with CSV. Every figure below is worked out by hand
from the invoices, credit notes, payments and refunds each test records through the services."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.models import Decision, DecisionChannel, DocumentKind, Invoice, LineKind, TaxCategory
from billing.services import credit_note_issue, estimate_line_add, estimate_line_decide
from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import login_verified
from fleet.tests.factories import VehicleFactory
from payments.models import Method
from payments.services import payment_record, refund_record
from reports.periods import SHOP_TZ
from reports.selectors.receivables import (
    cars_waiting_unpaid, collected_by_method, receivables_by_client, receivables_totals,
)
from servicing.models import ServiceStatus
from servicing.services import service_complete, service_mark_collected, service_start
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
D = Decimal


def today() -> datetime.date:
    return timezone.localdate()


def invoice(client, *, price: str, days_ago: int = 0, quantity: str = "1", plate: str | None = None) -> Invoice:
    """The invoice of a job completed (and so issued) `days_ago` days ago: one approved line of
    `quantity` x `price`, VAT included, so the invoice's total is their product."""
    day = today() - datetime.timedelta(days=days_ago)
    car = VehicleFactory(client=client, **({"license_plate": plate} if plate else {}))
    job = ServiceFactory(vehicle=car, scheduled_date=day, cost=D("0.00"))
    line = estimate_line_add(service=job, kind=LineKind.LABOUR, description="Work", quantity=D(quantity),
                             unit_price=D(price), tax_category=TaxCategory.VAT16)
    estimate_line_decide(line=line, decision=Decision.APPROVED, via=DecisionChannel.PHONE, by=None)
    service_start(service=job)
    service_complete(service=job, completed_date=day)
    return Invoice.objects.get(service=job, kind=DocumentKind.INVOICE)


def pay(inv: Invoice, amount: str, method: str = Method.CASH, reference: str = "", at: datetime.datetime | None = None):
    return payment_record(invoice=inv, amount=D(amount), method=method, reference=reference, received_at=at)


@pytest.fixture
def shop():
    """Wanjiku owes on four invoices of four ages; Otieno overpaid one invoice and owes on an old one;
    Achieng paid in full.

    Wanjiku: 10 000 issued 10 days ago, 4 000 paid: 6 000 (0–30); 5 000 issued 45 days ago, unpaid
    (31–60); 4 x 500 = 2 000 issued 75 days ago, one unit credited (500): 1 500 (61–90); 3 000 issued
    120 days ago, 1 000 paid by M-Pesa: 2 000 (over 90). Owed 14 500.
    Otieno: 8 000 issued 5 days ago, 9 000 paid by card: 1 000 credit; 1 000 issued 100 days ago: owed 1 000.
    Achieng: 2 500 issued 20 days ago, 2 500 paid: nothing.
    """
    wanjiku = ClientFactory(first_name="Wanjiku", last_name="Kamau", phone="+254722000111")
    otieno = ClientFactory(first_name="Otieno", last_name="Odhiambo", phone="+254733000222")
    achieng = ClientFactory(first_name="Achieng", last_name="Wafula")
    pay(invoice(wanjiku, price="10000.00", days_ago=10), "4000.00")
    invoice(wanjiku, price="5000.00", days_ago=45)
    credited = invoice(wanjiku, price="500.00", quantity="4", days_ago=75)
    credit_note_issue(invoice=credited, reason="One unit not fitted", quantities={str(credited.lines.get().pk): D("1")})
    pay(invoice(wanjiku, price="3000.00", days_ago=120), "1000.00", Method.MPESA, "SKL3ABCD9X")
    pay(invoice(otieno, price="8000.00", days_ago=5), "9000.00", Method.CARD)
    invoice(otieno, price="1000.00", days_ago=100)
    pay(invoice(achieng, price="2500.00", days_ago=20), "2500.00")
    return {"wanjiku": wanjiku, "otieno": otieno, "achieng": achieng}


def test_balances_by_client_are_put_in_the_column_of_their_invoices_age(shop):
    rows = receivables_by_client(today=today())
    assert [row.client.pk for row in rows] == [shop["wanjiku"].pk, shop["otieno"].pk]  # most owed first; Achieng owes nothing
    wanjiku, otieno = rows
    assert wanjiku.by_age == {"days_0_30": D("6000.00"), "days_31_60": D("5000.00"), "days_61_90": D("1500.00"),
                              "days_90_plus": D("2000.00")}
    assert (wanjiku.owed, wanjiku.credit, wanjiku.invoices_owing) == (D("14500.00"), D("0.00"), 4)
    assert wanjiku.oldest_issue_date == today() - datetime.timedelta(days=120)
    assert wanjiku.client.phone == "+254722000111"  # decrypted by its field
    assert otieno.by_age == {"days_0_30": D("0.00"), "days_31_60": D("0.00"), "days_61_90": D("0.00"),
                             "days_90_plus": D("1000.00")}
    assert (otieno.owed, otieno.credit, otieno.invoices_owing) == (D("1000.00"), D("1000.00"), 1)


def test_the_shops_totals_by_age(shop):
    totals = receivables_totals(today=today())
    assert (totals["days_0_30"], totals["days_31_60"], totals["days_61_90"], totals["days_90_plus"]) == (
        D("6000.00"), D("5000.00"), D("1500.00"), D("3000.00"))
    assert (totals["owed"], totals["credit"], totals["invoices_owing"], totals["clients_owing"]) == (
        D("15500.00"), D("1000.00"), 5, 2)


def test_the_age_buckets_meet_at_30_31_60_61_90_and_91_days():
    client = ClientFactory()
    for days, price in ((0, "1.00"), (30, "2.00"), (31, "4.00"), (60, "8.00"), (61, "16.00"), (90, "32.00"),
                        (91, "64.00")):
        invoice(client, price=price, days_ago=days)
    [row] = receivables_by_client(today=today())
    assert list(row.by_age.values()) == [D("3.00"), D("12.00"), D("48.00"), D("64.00")]


def test_a_fully_credited_invoice_is_owed_nothing():
    client = ClientFactory()
    inv = invoice(client, price="1200.00", days_ago=3)
    credit_note_issue(invoice=inv, reason="Job redone free", quantities={str(inv.lines.get().pk): D("1")})
    assert receivables_by_client(today=today()) == []
    assert receivables_totals(today=today())["owed"] == D("0.00")


def test_a_refund_of_an_overpayment_leaves_no_credit():
    client = ClientFactory()
    inv = invoice(client, price="1000.00")
    pay(inv, "1500.00")
    assert receivables_totals(today=today())["credit"] == D("500.00")
    refund_record(invoice=inv, amount=D("500.00"), method=Method.CASH)
    totals = receivables_totals(today=today())
    assert (totals["credit"], totals["owed"]) == (D("0.00"), D("0.00"))


def test_the_ages_are_counted_to_today_in_nairobi_not_utc():
    """At 01:30 in Nairobi it is still yesterday in UTC: an invoice issued 30 days before the Nairobi
    date is 0–30 days old, whatever the server's clock zone."""
    client = ClientFactory()
    invoice(client, price="700.00", days_ago=30)
    [row] = receivables_by_client(today=today())
    assert row.by_age["days_0_30"] == D("700.00")
    [row] = receivables_by_client(today=today() + datetime.timedelta(days=1))
    assert row.by_age["days_31_60"] == D("700.00")


# Cars in the yard.


def test_cars_completed_not_collected_and_not_paid_in_full_are_listed_longest_waiting_first():
    client = ClientFactory(first_name="Njeri", last_name="Mwangi")
    unpaid = invoice(client, price="3000.00", days_ago=6, plate="KDA 111A")
    part_paid = invoice(client, price="5000.00", days_ago=2, plate="KDB 222B")
    pay(part_paid, "2000.00")
    paid = invoice(client, price="1000.00", days_ago=4)
    pay(paid, "1000.00")
    collected = invoice(client, price="4000.00", days_ago=5)
    service_mark_collected(service=collected.service)
    ServiceFactory(vehicle=VehicleFactory(client=client), status=ServiceStatus.COMPLETED,
                   scheduled_date=today(), completed_date=today())  # no invoice: nothing owed in the ledger
    ServiceFactory(vehicle=VehicleFactory(client=client), status=ServiceStatus.IN_PROGRESS)
    rows = list(cars_waiting_unpaid())
    assert [row.pk for row in rows] == [unpaid.pk, part_paid.pk]
    assert [(row.due, row.paid, row.balance) for row in rows] == [
        (D("3000.00"), D("0.00"), D("3000.00")), (D("5000.00"), D("2000.00"), D("3000.00"))]


# Money collected on a day.


def test_money_collected_on_a_day_by_method_with_refunds():
    """Cash 1 000 + 2 500, less a 500 refund; card 4 000; M-Pesa 3 000. A payment at 23:30 the night
    before (Nairobi) is not today's, one at 00:05 is."""
    client = ClientFactory()
    day = today()
    midnight = datetime.datetime.combine(day, datetime.time.min, tzinfo=SHOP_TZ)
    first, second = invoice(client, price="10000.00"), invoice(client, price="10000.00")
    pay(first, "1000.00", at=midnight + datetime.timedelta(minutes=5))
    pay(second, "2500.00")
    pay(first, "4000.00", Method.CARD)
    pay(second, "3000.00", Method.MPESA, "SKL3ABCD9Y")
    pay(first, "900.00", at=midnight - datetime.timedelta(minutes=30))
    refund_record(invoice=second, amount=D("500.00"), method=Method.CASH)
    rows = {row["method"]: row for row in collected_by_method(day=day)}
    assert list(rows) == ["Cash", "Card", "M-Pesa", "Total"]
    assert rows["Cash"] == {"method": "Cash", "payments": 2, "received": D("3500.00"), "refunds": 1,
                            "refunded": D("500.00"), "net": D("3000.00")}
    assert (rows["Card"]["received"], rows["M-Pesa"]["received"], rows["M-Pesa"]["refunded"]) == (
        D("4000.00"), D("3000.00"), D("0.00"))
    assert rows["Total"] == {"method": "Total", "payments": 4, "received": D("10500.00"), "refunds": 1,
                             "refunded": D("500.00"), "net": D("10000.00")}
    yesterday = {row["method"]: row for row in collected_by_method(day=day - datetime.timedelta(days=1))}
    assert yesterday["Cash"]["received"] == D("900.00") and yesterday["Total"]["payments"] == 1


# The page.


URL = "reports:receivables"


def test_the_page_shows_every_table_to_a_manager(client, manager, shop):
    login_verified(client, manager)
    response = client.get(reverse(URL))
    assert response.status_code == 200
    tables = {table.name: table for table in response.context["tables"]}
    assert list(tables) == ["ageing", "by_client", "cars_waiting", "collected"]
    page = response.content.decode()
    assert "Wanjiku Kamau" in page and "KES 14,500" in page and "Achieng Wafula" not in page
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_staff_without_the_report_permission_get_403_and_strangers_the_sign_in(client, front_desk):
    assert client.get(reverse(URL)).status_code == 302
    login_verified(client, front_desk)
    assert client.get(reverse(URL)).status_code == 403
    assert client.get(reverse(f"{URL}-csv", kwargs={"table": "by_client"})).status_code == 403


def test_each_table_downloads_as_csv(client, manager, shop):
    login_verified(client, manager)
    response = client.get(reverse(f"{URL}-csv", kwargs={"table": "by_client"}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Client", "Phone", "Invoices owing", "Oldest issued", "0–30 days (KES)", "31–60 days (KES)",
                       "61–90 days (KES)", "Over 90 days (KES)", "Owed in all (KES)", "Credit held (KES)"]
    oldest = (today() - datetime.timedelta(days=120)).isoformat()
    assert rows[1] == ["Wanjiku Kamau", "'+254722000111", "4", oldest, "6000.00", "5000.00", "1500.00", "2000.00",
                       "14500.00", "0.00"]
    assert rows[2][0] == "Otieno Odhiambo" and rows[2][-2:] == ["1000.00", "1000.00"]
    for table in ("ageing", "cars_waiting", "collected"):
        response = client.get(reverse(f"{URL}-csv", kwargs={"table": table}))
        assert response.status_code == 200, table
    ageing = list(csv.reader(io.StringIO(client.get(reverse(f"{URL}-csv", kwargs={"table": "ageing"})).content.decode())))
    assert ageing[1:] == [["0–30 days", "6000.00"], ["31–60 days", "5000.00"], ["61–90 days", "1500.00"],
                          ["Over 90 days", "3000.00"], ["Owed in all", "15500.00"],
                          ["Credit held (paid more than due)", "1000.00"]]


def test_the_day_filter_picks_the_day_of_the_money_collected(client, manager):
    login_verified(client, manager)
    inv = invoice(ClientFactory(), price="5000.00", days_ago=3)
    three_days_ago = today() - datetime.timedelta(days=3)
    pay(inv, "1200.00", at=datetime.datetime.combine(three_days_ago, datetime.time(11, 0), tzinfo=SHOP_TZ))
    response = client.get(reverse(f"{URL}-csv", kwargs={"table": "collected"}), {"day": f"{three_days_ago:%d/%m/%Y}"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][:3] == ["Cash", "1", "1200.00"]
    assert f"-{three_days_ago:%d-%b-%Y}-to-" in response["Content-Disposition"]
    today_rows = list(csv.reader(io.StringIO(
        client.get(reverse(f"{URL}-csv", kwargs={"table": "collected"})).content.decode())))
    assert today_rows[1][:3] == ["Cash", "0", "0.00"]


@pytest.mark.parametrize("day", ["31/02/2026", "tomorrow", "01/01/2999"])
def test_a_bad_day_is_a_message_beside_the_field_and_a_400(client, manager, day):
    login_verified(client, manager)
    response = client.get(reverse(URL), {"day": day})
    assert response.status_code == 400
    assert response.context["filter"].form.errors["day"]
    csv_response = client.get(reverse(f"{URL}-csv", kwargs={"table": "collected"}), {"day": day})
    assert csv_response.status_code == 400 and csv_response.content.decode().startswith("Invalid filters: day:")


def test_the_balances_page_pages_and_its_csv_holds_every_client(client, manager, settings):
    settings.REPORTS_PAGE_SIZE = 2
    login_verified(client, manager)
    for n in range(3):
        invoice(ClientFactory(last_name=f"Owes{n}"), price=f"{(n + 1) * 1000}.00", days_ago=n)
    first = client.get(reverse(URL))
    by_client = {t.name: t for t in first.context["tables"]}["by_client"]
    assert [row["name"].split()[-1] for row in by_client.rows] == ["Owes2", "Owes1"]
    assert by_client.extra["page"]["has_next"]
    second = {t.name: t for t in client.get(reverse(URL), {"page": "2"}).context["tables"]}["by_client"]
    assert [row["name"].split()[-1] for row in second.rows] == ["Owes0"] and not second.extra["page"]["has_next"]
    rows = list(csv.reader(io.StringIO(client.get(reverse(f"{URL}-csv", kwargs={"table": "by_client"})).content.decode())))
    assert len(rows) == 4


def test_the_page_lists_the_longest_waiting_cars_only_and_the_csv_all_of_them(client, manager, settings):
    # A shop that never marks cars collected would otherwise render (and decrypt the phone of) every
    # unpaid job it ever completed on one page.
    settings.REPORTS_PAGE_SIZE = 2
    login_verified(client, manager)
    owner = ClientFactory()
    oldest_first = [invoice(owner, price="1000.00", days_ago=days) for days in (9, 6, 3)]
    cars = {t.name: t for t in client.get(reverse(URL)).context["tables"]}["cars_waiting"]
    assert [row["invoice"] for row in cars.rows] == [inv.display_number for inv in oldest_first[:2]]
    assert "The 2 longest waiting are shown; the CSV lists them all." in cars.note
    rows = list(csv.reader(io.StringIO(
        client.get(reverse(f"{URL}-csv", kwargs={"table": "cars_waiting"})).content.decode())))
    assert len(rows) == 4


def _receivables_shop(size: int) -> None:
    """`size` clients, each with an owed invoice, a paid one with a payment today, an overpaid one,
    a credit note, and a car completed and waiting."""
    for n in range(size):
        client = ClientFactory()
        owed = invoice(client, price="2000.00", days_ago=n * 7 % 120, quantity="2")
        credit_note_issue(invoice=owed, reason="Part", quantities={str(owed.lines.get().pk): D("1")})
        pay(invoice(client, price="1000.00", days_ago=1), "1000.00", [Method.CASH, Method.CARD][n % 2])
        pay(invoice(client, price="500.00", days_ago=2), "800.00")
        service_mark_collected(service=invoice(client, price="300.00", days_ago=3).service)


def _count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


# Session, user, the request's transaction (BEGIN, acting user, COMMIT) and permissions (8, as on the
# money page), then one query per table (4).
RECEIVABLES_PAGE_QUERIES = 12


def test_the_page_reads_each_table_in_one_query_whatever_the_data(client, manager):
    login_verified(client, manager)
    url = reverse(URL)
    _receivables_shop(2)
    small = _count(client, url)
    _receivables_shop(12)
    large = _count(client, url)
    assert small == large == RECEIVABLES_PAGE_QUERIES


def test_the_csvs_run_a_fixed_number_of_queries(client, manager):
    login_verified(client, manager)
    urls = [reverse(f"{URL}-csv", kwargs={"table": t}) for t in ("ageing", "by_client", "cars_waiting", "collected")]
    _receivables_shop(2)
    small = [_count(client, url) for url in urls]
    _receivables_shop(12)
    assert [_count(client, url) for url in urls] == small
