"""The pages: filters kept in the URL, CSVs with the same filters, "–" for empty periods, bad input."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from concierge.accounts.tests.factories import login_verified
from notifications.models import NotificationStatus
from notifications.tests.factories import NotificationFactory
from reports.periods import SHOP_TZ
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

from .builders import completed, day, place_notification

pytestmark = pytest.mark.django_db

MARCH_QUERY = {"period": "custom", "start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def signed_in(client, manager):
    login_verified(client, manager)
    return client


def _csv(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_overview_shows_the_figures_for_the_chosen_period(signed_in):
    for cost, dom in ((1000, 2), (2000, 9), (3000, 16)):
        completed(cost=cost, on=day(3, dom))

    page = signed_in.get(reverse("reports:overview"), MARCH_QUERY).text

    assert "March 2026" in page
    assert "KES 6,000" in page  # revenue
    assert "KES 2,000" in page  # average repair order


def test_figures_csv_has_the_same_filters_as_the_page(signed_in):
    completed(cost=1000, on=day(3, 2), technician="Peter Kamau")
    completed(cost=5000, on=day(3, 3), technician="Mary Atieno")
    query = {**MARCH_QUERY, "technician": "Peter Kamau"}

    page = signed_in.get(reverse("reports:overview"), query)
    rows = _csv(signed_in.get(reverse("reports:overview-csv", kwargs={"table": "figures"}), query))

    assert "technician=Peter+Kamau" in page.context["tables"][0].csv_url
    assert rows[0] == ["Figure", "This period", "Previous period", "Change (%)"]
    assert rows[1] == ["Revenue", "1000.00", "0.00", ""]
    assert rows[4] == ["Jobs completed", "1", "0", ""]


def test_revenue_csv_lists_every_month(signed_in):
    completed(cost=1000, on=day(2, 2))
    completed(cost=2500, on=day(3, 3))

    rows = _csv(signed_in.get(reverse("reports:revenue-csv", kwargs={"table": "by_month"}), MARCH_QUERY))

    assert rows[0] == ["Month", "Revenue (KES)", "Jobs completed", "Average repair order (KES)"]
    assert len(rows) == 13  # header + the 12 months ending March 2026
    assert rows[-2] == ["2026-02", "1000.00", "1", "1000.00"]
    assert rows[-1] == ["2026-03", "2500.00", "1", "2500.00"]
    assert rows[1] == ["2025-04", "0.00", "0", ""]


def test_an_empty_period_shows_a_dash_not_an_error(signed_in):
    response = signed_in.get(reverse("reports:overview"), MARCH_QUERY)
    assert response.status_code == 200
    figures = {row[0][0]: row[1][0] for row in response.context["tables"][0].html_rows()}
    assert figures["Average repair order"] == "–"
    assert figures["On-time rate"] == "–"
    assert figures["Revenue"] == "KES 0"


def test_a_custom_period_ending_before_it_starts_is_a_form_error(signed_in):
    response = signed_in.get(reverse("reports:revenue"), {"period": "custom", "start": "2026-03-31", "end": "2026-03-01"})
    assert response.status_code == 400
    assert "The last day cannot come before the first day." in response.text


def test_a_custom_period_needs_both_dates(signed_in):
    response = signed_in.get(reverse("reports:technicians"), {"period": "custom", "start": "2026-03-01"})
    assert response.status_code == 400
    assert "Choose the last day of the period." in response.text


def test_a_malformed_date_is_a_form_error_not_a_crash(signed_in):
    response = signed_in.get(reverse("reports:clients"), {"period": "custom", "start": "yesterday", "end": "2026-03-01"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.text


def test_an_unknown_filter_value_is_a_clear_400_on_csv(signed_in):
    response = signed_in.get(reverse("reports:revenue-csv", kwargs={"table": "by_month"}), {"period": "forever"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.text


def test_the_service_type_filter_offers_the_shops_types(signed_in):
    completed(cost=1000, on=day(3, 2), service_type="Brake Repair")
    form = signed_in.get(reverse("reports:revenue"), MARCH_QUERY).context["filter"].form
    assert ("Brake Repair", "Brake Repair") in form.fields["service_type"].choices


def test_failed_notifications_link_to_the_admin_list(signed_in, manager):
    manager.user_permissions.add(Permission.objects.get(codename="view_notification"))
    note = NotificationFactory(status=NotificationStatus.FAILED)
    place_notification(note, datetime.datetime(2026, 3, 10, 9, tzinfo=SHOP_TZ))

    page = signed_in.get(reverse("reports:notifications"), MARCH_QUERY)

    by_channel = page.context["tables"][0]
    sms = next(r for r in by_channel.rows if r["channel"] == "SMS")
    assert sms["failed"] == 1
    changelist = signed_in.get(sms["failed_url"])
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].queryset) == [note]


def test_csv_cells_cannot_smuggle_spreadsheet_formulas(signed_in):
    completed(cost=1000, on=day(3, 2), service_type="=HYPERLINK(\"http://evil\")")
    rows = _csv(signed_in.get(reverse("reports:revenue-csv", kwargs={"table": "by_service_type"}), MARCH_QUERY))
    assert rows[1][0].startswith("'=")


def test_charts_are_fed_by_json_script_not_inline_code(signed_in):
    completed(cost=1000, on=day(3, 2))
    page = signed_in.get(reverse("reports:revenue"), MARCH_QUERY).text
    assert '<script id="revenue-by-month-data" type="application/json">' in page
    assert "<script>" not in page
    assert "reports/vendor/chart.umd.min.js" in page


def test_the_call_list_pages_on_the_page_and_holds_every_row_in_its_csv(signed_in, settings):
    settings.REPORTS_PAGE_SIZE = 2
    for dom in (1, 2, 3):
        completed(cost=1000, on=day(1, dom, year=2020))

    first = signed_in.get(reverse("reports:clients"), {"page": "1"})
    second = signed_in.get(reverse("reports:clients"), {"page": "2"})
    nonsense = signed_in.get(reverse("reports:clients"), {"page": "99999999999999999999999"})
    rows = _csv(signed_in.get(reverse("reports:clients-csv", kwargs={"table": "call_list"})))

    call_list = {t.name: t for t in first.context["tables"]}["call_list"]
    assert [r["last_visit"] for r in call_list.rows] == [day(1, 1, 2020), day(1, 2, 2020)]
    assert "page=2" in first.text and "Next" in first.text
    assert [r["last_visit"] for r in {t.name: t for t in second.context["tables"]}["call_list"].rows] == [day(1, 3, 2020)]
    assert nonsense.status_code == 200
    assert [r[2] for r in rows[1:]] == ["2020-01-01", "2020-01-02", "2020-01-03"]


def test_jobs_on_a_technicians_bench_link_to_the_admin_job_list(signed_in, manager):
    manager.user_permissions.add(Permission.objects.get(codename="view_service"))
    on_bench = ServiceFactory(status=ServiceStatus.IN_PROGRESS, technician="Mary Atieno")
    ServiceFactory(status=ServiceStatus.IN_PROGRESS, technician="Peter Kamau")

    page = signed_in.get(reverse("reports:technicians"), MARCH_QUERY)

    mary = next(r for r in page.context["tables"][0].rows if r["name"] == "Mary Atieno")
    changelist = signed_in.get(mary["in_progress_url"])
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].queryset) == [on_bench]


def test_each_client_on_the_call_list_links_to_their_admin_page(signed_in):
    lapsed = [completed(cost=1000, on=day(1, n, 2020)).vehicle.client for n in (1, 2)]

    call_list = {t.name: t for t in signed_in.get(reverse("reports:clients")).context["tables"]}["call_list"]

    assert [row["admin_url"] for row in call_list.rows] == [
        reverse("admin:clients_client_change", args=[client.pk]) for client in lapsed
    ]


def test_the_notifications_page_shows_the_real_delivery_rate_and_the_networks_reasons(signed_in):
    from notifications.models import DeliveryState

    for state, reason in ((DeliveryState.DELIVERED, ""), (DeliveryState.DELIVERED, ""), (DeliveryState.DELIVERED, ""),
                          (DeliveryState.FAILED, "AbsentSubscriber")):
        note = NotificationFactory(delivery_state=state, delivery_reason=reason)
        place_notification(note, datetime.datetime(2026, 3, 10, 9, tzinfo=SHOP_TZ))

    page = signed_in.get(reverse("reports:notifications"), MARCH_QUERY)

    tables = {table.name: table for table in page.context["tables"]}
    (delivery,) = tables["sms_delivery"].rows
    assert (delivery["delivered"], delivery["not_delivered"]) == (3, 1)
    text = " ".join(page.text.split())
    assert "75.0" in text and "Why the network did not deliver" in text and "AbsentSubscriber" in text
    rows = _csv(signed_in.get(reverse("reports:notifications-csv", kwargs={"table": "delivery_failure_reasons"}),
                              MARCH_QUERY))
    assert rows == [["Reason", "Texts"], ["AbsentSubscriber", "1"]]


def test_job_based_pages_say_their_revenue_is_job_value_and_point_to_invoiced_revenue(signed_in):
    # The overview and revenue pages sum the jobs' cost (VAT included); the money page's invoiced
    # revenue is net of VAT and credit notes. A reader comparing the two is told why they differ.
    for name in ("reports:overview", "reports:revenue"):
        page = signed_in.get(reverse(name), MARCH_QUERY).text
        assert "invoice total, VAT included" in page and "net of VAT and credit notes is on the Money report" in page
