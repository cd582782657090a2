"""The estimate on the job page, the invoice pages and the credit-note form, as each role uses them."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from billing.models import Decision, DocumentKind, EstimateLine, Invoice, LineKind
from billing.services import estimate_line_add
from concierge.accounts.roles import FRONT_DESK, MANAGER, TECHNICIAN
from concierge.accounts.tests.factories import login_verified, staff_in_role
from servicing.models import Service, ServiceStatus
from servicing.tests.factories import ServiceFactory
from servicing.tests.test_admin import service_post

from .factories import PriceListItemFactory
from .scenarios import an_invoiced_job

pytestmark = pytest.mark.django_db

D = Decimal


def _browser(client, role):
    user = staff_in_role(role)
    login_verified(client, user)
    return client, user


def _change_url(job):
    return reverse("admin:servicing_service_change", args=[job.pk])


def _estimate_post(browser, job, rows, **job_fields):
    """The job form as the page renders it, with the estimate's rows: existing ones in order, then new."""
    page = browser.get(_change_url(job))
    formset = next(f.formset for f in page.context["inline_admin_formsets"] if f.formset.model is EstimateLine)
    prefix = formset.prefix
    data = service_post(job, **job_fields)
    existing = list(formset.get_queryset())
    data.update({f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(len(existing)),
                 f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    for index, row in enumerate(rows):
        if index < len(existing):
            line = existing[index]
            base = {"id": str(line.pk), "service": str(job.pk), "position": str(line.position), "kind": line.kind,
                    "description": line.description, "part_number": line.part_number, "quantity": str(line.quantity),
                    "unit_price": str(line.unit_price), "unit_cost": "" if line.unit_cost is None else str(line.unit_cost),
                    "discount": str(line.discount), "tax_category": line.tax_category,
                    "price_list_item": str(line.price_list_item_id or ""),
                    "answer": "" if line.decision == Decision.PENDING else line.decision,
                    "answered_how": line.decided_via, "follow_up": line.follow_up_date.isoformat() if line.follow_up_date else "",
                    "answer_seen": line.decision}
        else:
            base = {"service": str(job.pk), "position": "0", "discount": "0", "tax_category": "vat16"}
        base.update(row)
        data.update({f"{prefix}-{index}-{key}": value for key, value in base.items()})
    return browser.post(_change_url(job), data)


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_front_desk_prices_a_job_from_the_price_list_and_records_one_line_approved_one_declined(client):
    browser, user = _browser(client, FRONT_DESK)
    job = ServiceFactory(cost=D("0.00"))
    labour = PriceListItemFactory(kind=LineKind.LABOUR, description="Brake pads, fit", part_number="",
                                  unit_price=None, unit_cost=None, standard_hours=D("1.5"), hourly_rate=D("2000.00"))
    response = _estimate_post(browser, job, [
        {"price_list_item": str(labour.pk)},
        {"kind": "part", "description": "Brake disc", "quantity": "2", "unit_price": "4500.00"},
    ])
    assert response.status_code == 302, [(f.errors, f.data) for f in response.context["inline_admin_formsets"][0].formset.forms]
    fitted, disc = EstimateLine.objects.filter(service=job).order_by("position")
    assert (fitted.description, fitted.quantity, fitted.unit_price, fitted.total_amount) == (
        "Brake pads, fit", D("1.50"), D("2000.00"), D("3000.00"))  # 1.5 x 2,000.00, VAT included
    follow_up = timezone.localdate() + datetime.timedelta(days=60)
    response = _estimate_post(browser, job, [
        {"answer": "approved", "answered_how": "phone"},
        {"answer": "declined", "answered_how": "phone", "follow_up": follow_up.isoformat()},
    ])
    assert response.status_code == 302
    fitted.refresh_from_db()
    disc.refresh_from_db()
    assert (fitted.decision, fitted.decided_by, fitted.decided_via) == (Decision.APPROVED, user, "phone")
    assert (disc.decision, disc.follow_up_date) == (Decision.DECLINED, follow_up)


def test_an_estimate_line_posted_with_a_price_list_item_that_is_no_id_is_a_form_error(client):
    browser, _ = _browser(client, FRONT_DESK)
    job = ServiceFactory(cost=D("0.00"))
    response = _estimate_post(browser, job, [{"price_list_item": "abc", "kind": "part", "description": "Disc",
                                              "quantity": "1", "unit_price": "100.00"}])
    assert response.status_code == 200  # the page again, with its error (the autocomplete box raised on "abc")
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is EstimateLine)
    assert "price_list_item" in formset.forms[0].errors
    assert not EstimateLine.objects.filter(service=job).exists()


def test_an_answer_needs_how_it_was_given_beside_the_field(client):
    browser, _ = _browser(client, FRONT_DESK)
    job = ServiceFactory()
    estimate_line_add(service=job, kind="part", description="Battery", quantity=D("1"), unit_price=D("9500"))
    response = _estimate_post(browser, job, [{"answer": "approved", "answered_how": ""}])
    assert response.status_code == 200
    assert EstimateLine.objects.get(service=job).decision == Decision.PENDING


def test_starting_a_job_before_any_line_is_approved_saves_nothing_and_says_why(client):
    browser, _ = _browser(client, FRONT_DESK)
    job = ServiceFactory()
    estimate_line_add(service=job, kind="part", description="Battery", quantity=D("1"), unit_price=D("9500"))
    response = browser.post(_change_url(job), service_post(job, status="in_progress", notes="started"))
    assert response.status_code == 302
    assert any("approved" in m for m in _messages(response))
    job.refresh_from_db()
    assert (job.status, job.notes) == (ServiceStatus.PENDING, None)


def test_an_answer_recorded_meanwhile_by_someone_else_is_not_overwritten(client):
    browser, _ = _browser(client, FRONT_DESK)
    job = ServiceFactory()
    line = estimate_line_add(service=job, kind="part", description="Battery", quantity=D("1"), unit_price=D("9500"))
    page = browser.get(_change_url(job))  # opened while the line awaited the owner
    from billing.services import estimate_line_decide

    estimate_line_decide(line=line, decision="approved", via="in_person", by=None)  # a colleague, meanwhile
    formset = next(f.formset for f in page.context["inline_admin_formsets"] if f.formset.model is EstimateLine)
    prefix = formset.prefix
    data = service_post(job)
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "1", f"{prefix}-MIN_NUM_FORMS": "0",
                 f"{prefix}-MAX_NUM_FORMS": "1000"})
    # What the stale page posts: the line as it was (pending), answered "declined".
    row = {"id": str(line.pk), "service": str(job.pk), "position": "1", "kind": "part", "description": "Battery",
           "part_number": "", "quantity": "1.00", "unit_price": "9500.00", "unit_cost": "", "discount": "0.00",
           "tax_category": "vat16", "price_list_item": "", "answer": "declined", "answered_how": "phone", "follow_up": "",
           "answer_seen": "pending"}
    data.update({f"{prefix}-0-{key}": value for key, value in row.items()})
    response = browser.post(_change_url(job), data)
    line.refresh_from_db()
    assert line.decision == Decision.APPROVED
    assert response.status_code == 302
    assert any("someone else" in m for m in _messages(response))


def test_a_technician_sees_which_lines_are_approved_but_no_price_and_cannot_answer(client):
    browser, _ = _browser(client, TECHNICIAN)
    job = ServiceFactory()
    estimate_line_add(service=job, kind="part", description="Battery", quantity=D("1"), unit_price=D("9876.54"))
    page = browser.get(_change_url(job))
    text = page.content.decode()
    assert "Battery" in text and "awaiting the owner" in text
    assert "9876" not in text and "9,876" not in text
    assert 'name="estimate_lines-0-answer"' not in text


def test_invoices_are_view_only_and_only_a_manager_issues_a_credit_note(client):
    job = an_invoiced_job()
    invoice = job.invoices.get()
    url = reverse("admin:billing_invoice_credit_note", args=[invoice.pk])
    browser, _ = _browser(client, FRONT_DESK)
    assert browser.get(reverse("admin:billing_invoice_change", args=[invoice.pk])).status_code == 200
    assert browser.post(reverse("admin:billing_invoice_change", args=[invoice.pk]), {}).status_code == 403
    assert browser.get(url).status_code == 403
    client.logout()
    browser, manager = _browser(client, MANAGER)
    line = invoice.lines.get()
    too_much = browser.post(url, {"reason": "Goodwill", f"line_{line.pk}": "2"})
    assert too_much.status_code == 200 and too_much.context["form"].errors
    response = browser.post(url, {"reason": "Goodwill", f"line_{line.pk}": "0.5"})
    credit = Invoice.objects.get(kind=DocumentKind.CREDIT_NOTE)
    assert response.status_code == 302 and credit.issued_by == manager
    assert (credit.total, credit.tax_total) == (D("500.00"), D("68.97"))  # 0.5 x 1,000.00; 500 x 16 / 116 = 68.9655
    assert Service.objects.get(pk=job.pk).cost == D("1000.00")


def test_the_credit_note_button_is_shown_only_to_those_who_may_issue_one(client):
    invoice = an_invoiced_job().invoices.get()
    page = reverse("admin:billing_invoice_change", args=[invoice.pk])
    button = reverse("admin:billing_invoice_credit_note", args=[invoice.pk])
    browser, _ = _browser(client, FRONT_DESK)
    text = browser.get(page).content.decode()
    assert button not in text and "Issue a credit note" not in text
    client.logout()
    browser, _ = _browser(client, MANAGER)
    assert button in browser.get(page).content.decode()


def test_an_invoiced_jobs_cost_is_not_typed_over(client):
    browser, _ = _browser(client, MANAGER)
    job = an_invoiced_job()
    form = browser.get(_change_url(job)).context["adminform"].form
    assert "cost" not in form.fields


def test_the_answer_is_shown_with_the_shops_time_day_first(client):
    browser, _ = _browser(client, FRONT_DESK)
    job = ServiceFactory()
    line = estimate_line_add(service=job, kind="part", description="Battery", quantity=D("1"), unit_price=D("9500"))
    from billing.services import estimate_line_decide

    estimate_line_decide(line=line, decision="approved", via="phone", by=None)
    # 21:30 UTC on 4 Nov 2026 is 00:30 on 5 Nov in Nairobi (UTC+3).
    EstimateLine.objects.filter(pk=line.pk).update(decided_at=datetime.datetime(2026, 11, 4, 21, 30, tzinfo=datetime.UTC))
    text = browser.get(_change_url(job)).content.decode()
    assert "Approved · By phone · 05/11/2026 00:30" in text


def _invoices_changelist(params, user):
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get(reverse("admin:billing_invoice_changelist"), params)
    request.user = user
    return admin.site._registry[Invoice].get_changelist_instance(request)


@pytest.fixture
def invoices_over_two_years():
    """Three invoices (2024, 2025 twice) and a credit note: what the list and its drill-down show."""
    from billing.services import credit_note_issue
    from servicing.services import service_complete, service_start

    from .scenarios import a_job_with_one_approved_line

    jobs = []
    for day in (datetime.date(2024, 3, 4), datetime.date(2025, 6, 15), datetime.date(2025, 6, 20)):
        job = a_job_with_one_approved_line(scheduled_date=day)
        service_start(service=job)
        assert service_complete(service=job, completed_date=day)
        jobs.append(job)
    first = jobs[0].invoices.get()
    assert first.issue_date == datetime.date(2024, 3, 4)
    credit_note_issue(invoice=first, reason="Goodwill", quantities={str(first.lines.get().pk): D("0.5")}, by=None)
    assert Invoice.objects.count() == 4
    return jobs


def test_invoice_list_reads_neither_every_invoice_nor_their_dates(client, invoices_over_two_years):
    """A million invoices at scale 10: the list is counted by the planner's estimate (or exactly up to a
    bound when filtered), its years found by index probes, never by COUNT(*) or SELECT DISTINCT
    DATE_TRUNC over every invoice (docs/benchmarks.md, issue 16: 151 ms, of which 107 ms those three)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser, _ = _browser(client, MANAGER)
    for params in ({}, {"kind__exact": "invoice"}, {"issue_date__year": "2025"}):
        with CaptureQueriesContext(connection) as ctx:
            page = browser.get(reverse("admin:billing_invoice_changelist"), params)
        assert page.status_code == 200 and page.context["cl"].result_list
        listed = [q["sql"].upper() for q in ctx.captured_queries
                  if '"BILLING_INVOICES"' in q["sql"].upper() and "RELTUPLES" not in q["sql"].upper()]
        assert listed and not any("DISTINCT" in sql or "DATE_TRUNC" in sql or ("COUNT(" in sql and "LIMIT" not in sql)
                                  for sql in listed)
    body = browser.get(reverse("admin:billing_invoice_changelist")).content.decode()
    assert "?issue_date__year=2024" in body and "?issue_date__year=2025" in body


@pytest.mark.parametrize("params", [{}, {"issue_date__year": "2025"}, {"issue_date__year": "2025", "issue_date__month": "6"},
                                    {"kind__exact": "credit_note"}, {"q": "KDA"}])
def test_invoice_list_drill_down_offers_djangos_choices(invoices_over_two_years, superuser, params):
    from django.contrib.admin.templatetags.admin_list import date_hierarchy as djangos_date_hierarchy

    from concierge.admin.date_hierarchy import date_hierarchy

    ours = date_hierarchy(_invoices_changelist(params, superuser))
    assert ours == djangos_date_hierarchy(_invoices_changelist(params, superuser)) and ours["choices"]
