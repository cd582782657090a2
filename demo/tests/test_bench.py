"""The `make bench` harness, end to end on a tiny shop in the test database. No timing is asserted."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from bench.measure import measure_all
from bench.pages import BASELINE, PAGES, Page
from bench.report import render

# seed_scale loads as the owner role (TRUNCATE, VACUUM): the connection is the owner's.
pytestmark = [pytest.mark.django_db, pytest.mark.owner_role]


@pytest.fixture
def tiny_shop():
    call_command("seed_scale", scale=0.001, no_progress=True)


def test_a_page_is_measured_with_its_queries_and_its_main_sql(tiny_shop):
    # The baseline page comes first whatever --only asks for: each page is read as a multiple of it.
    baseline, result = measure_all(PAGES, repeat=2, only="admin: services, search by plate")
    assert baseline["name"] == BASELINE and "skipped" not in baseline
    assert "skipped" not in result, result.get("skipped")
    assert result["url"].startswith(reverse("admin:servicing_service_changelist") + "?q=K")
    assert result["queries"] > 2 and result["median_ms"] > 0 and result["p95_ms"] >= result["median_ms"]
    # The main SQL is the changelist's own row query, with the search in it (the plate resolved to its car).
    assert result["main_sql"].startswith("SELECT") and '"services"."vehicle_id"' in result["main_sql"]
    assert result["sql_ms"] > 0 and result["ratio"] > 0


def test_a_page_whose_url_does_not_resolve_is_skipped_with_the_reason(tiny_shop):
    missing = Page("not built yet", lambda s: reverse("reports:no-such-page"), None)
    (result,) = measure_all([missing], repeat=1)
    assert result["skipped"].startswith("NoReverseMatch")


def test_a_page_answering_404_is_skipped(tiny_shop):
    gone = Page("gone", lambda s: "/no-such-page/", None)
    (result,) = measure_all([gone], repeat=1)
    assert result["skipped"] == "GET /no-such-page/ answered 404"


def test_the_table_puts_both_scales_side_by_side(tiny_shop):
    wanted = (BASELINE, "admin: clients, search by name")
    results = measure_all([p for p in PAGES if p.name in wanted], repeat=1)
    slower = [{**r, "median_ms": r["median_ms"] * 3} for r in results]
    page = results[1]
    skipped = [{"name": "report: revenue", "kind": "report", "role": "manager", "skipped": "NoReverseMatch: x"}]
    markdown = render({1.0: results + skipped, 10.0: slower + skipped}, scales=[1.0, 10.0],
                      seeds={1.0: "seeded", 10.0: "seeded"}, machine_info={"cpus": 2}, repeat=1, started="now")
    row = next(line for line in markdown.splitlines() if line.startswith("| admin: clients, search by name"))
    assert "×3.0" in row
    # The machine got slower as much as the page did: relative to the baseline, no growth.
    relative = round(page["median_ms"] / results[0]["median_ms"], 1)
    assert row.rstrip(" |").endswith(f"{relative:g} / {relative:g}")
    assert "- **report: revenue**: NoReverseMatch: x" in markdown
    assert "- cpus: 2" in markdown


def test_the_notifications_bench_books_jobs_in_progress_for_clients_with_a_phone_and_an_email():
    from bench.notifications import jobs_in_progress
    from servicing.models import ServiceStatus

    services = jobs_in_progress(3)
    assert [s.status for s in services] == [ServiceStatus.IN_PROGRESS] * 3
    clients = {s.vehicle.client for s in services}
    assert len(clients) == 3 and all(c.phone and c.email for c in clients)
    # Each car has its owner period, so each job has its own client for the status links the bench sends.
    from servicing.selectors import service_client

    assert [service_client(service=s) for s in services] == [s.vehicle.client for s in services]


def test_the_front_desks_search_booking_lookups_and_phone_view_are_measured(tiny_shop):
    intake = [p for p in PAGES if p.name.startswith(("admin: staff search", "admin: booking", "admin: technician's"))]

    results = measure_all(intake, repeat=1)

    assert len(results) == 7
    assert [r["name"] for r in results if "skipped" in r] == []
    assert all(r["sql_ms"] > 0 for r in results if r["name"] != "admin: booking page")


def test_only_takes_several_parts_of_page_names(tiny_shop):
    pages = [page for page in PAGES if page.name in (BASELINE, "admin: invoices", "report: overview")]
    results = measure_all(PAGES, repeat=1, only="admin: invoices|report: overview")
    assert [r["name"] for r in results] == [page.name for page in pages]


def test_the_receivables_report_is_measured_with_its_balances_query(tiny_shop):
    (result,) = measure_all([p for p in PAGES if p.name == "report: receivables"], repeat=1)
    assert "skipped" not in result, result.get("skipped")
    assert result["url"] == reverse("reports:receivables")
    # The page's four tables, one query each, after the session, user and permission reads; its main SQL
    # (balances summed by client) timed on its own.
    assert result["queries"] == 12 and result["sql_ms"] > 0
