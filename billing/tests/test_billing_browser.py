"""Issue 16's browser test, in real chromium: the front desk prices a job from the catalogue, sends
the estimate, records one line approved and one declined; the technician completes the job from the
board; its invoice is issued; the owner sees it on the phone portal (390 px).

The invoice goes to the local fake KRA eTIMS server (sent here as the worker's task would send it; a
real worker does it in etims/tests/test_worker_integration.py), and the owner's phone shows the
control unit's receipt number.
"""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from billing.models import Decision, EstimateLine, Invoice
from billing.tests.factories import PriceListItemFactory
from clients.portal.tokens import sign_in_token_issue
from clients.tests.factories import ClientFactory
from concierge.accounts.roles import FRONT_DESK, TECHNICIAN
from concierge.accounts.tests.factories import staff_in_role
from etims.models import Transmission, TransmissionState
from etims.services import transmission_send
from fleet.tests.factories import VehicleFactory
from notifications.links import LinkKind
from notifications.models import Notification, NotificationType
from servicing.models import ServiceStatus, ServiceType
from servicing.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def sign_in(page: Page, url: str, user, password: str) -> None:
    page.goto(f"{url}/admin/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_be_visible()


def pick_from_price_list(page: Page, row: int, search: str, choice: str) -> None:
    """The inline's price-list box is the admin's autocomplete (select2): open it, search, choose."""
    page.locator(f"#estimate_lines-{row} .select2-selection, tr#estimate_lines-{row} .select2-selection").first.click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=choice).first.click()


def front_desk_prices_and_sends(page: Page, url: str, job) -> None:
    change = f"{url}/admin/servicing/service/{job.pk}/change/"
    page.goto(change)
    for row, (search, choice) in enumerate([("BP-F22", "Brake pads"), ("WB-22", "Wiper blades")]):
        page.get_by_role("button", name=re.compile("add another estimate line", re.I)).click()
        pick_from_price_list(page, row, search, choice)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert EstimateLine.objects.filter(service=job).count() == 2

    # Send the estimate to the owner by SMS, from the job's estimate page.
    page.get_by_role("link", name="Send estimate · print invoice").click()
    page.get_by_label("SMS").check()
    page.get_by_role("button", name="Send estimate").click()
    expect(page.locator(".messagelist")).to_contain_text("Estimate sent to the owner by SMS")
    sent = Notification.objects.get(service=job, channel=NotificationType.SMS, link=LinkKind.STATUS_LINK)
    assert "[status link]" in sent.message  # the link is made when the worker sends it

    # The owner rang back: the pads yes, the wipers not now.
    page.goto(change)
    for row, answer in ((0, "Approved"), (1, "Declined")):
        page.locator(f'[name="estimate_lines-{row}-answer"]').select_option(label=answer)
        page.locator(f'[name="estimate_lines-{row}-answered_how"]').select_option(label="By phone")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    decisions = dict(EstimateLine.objects.filter(service=job).values_list("description", "decision"))
    assert decisions == {"Brake pads, front pair": Decision.APPROVED, "Wiper blades, pair": Decision.DECLINED}


def technician_completes(page: Page, url: str, job) -> None:
    page.goto(f"{url}/admin/servicing/service/board/?autorefresh=off")
    card = page.locator(f'article.card[data-plate="{job.vehicle.license_plate}"]')
    card.get_by_role("button", name="Start").click()
    card = page.locator(f'article.card[data-plate="{job.vehicle.license_plate}"]')
    card.get_by_role("button", name="Complete").click()
    job.refresh_from_db()
    assert job.status == ServiceStatus.COMPLETED


def owner_sees_the_invoice(page: Page, url: str, job, invoice: Invoice) -> None:
    page.goto(f"{url}/portal/sign-in/{sign_in_token_issue(client=job.vehicle.client)}/")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{url}/portal/services/{job.pk}/")
    expect(page.locator(".estimate")).to_contain_text("Approved")
    expect(page.locator(".estimate")).to_contain_text("Declined")
    page.get_by_role("link", name=f"Tax invoice {invoice.display_number}").click()
    expect(page.locator("h1")).to_contain_text(invoice.display_number)
    expect(page.locator(".doc-totals")).to_contain_text(f"{invoice.total:,.2f}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone
    receipt = Transmission.objects.get(kind=invoice.kind, number=invoice.number)
    expect(page.locator(".kra-receipt")).to_have_text(f"{receipt.cur_rcpt_no}/{receipt.tot_rcpt_no}")


def test_a_priced_job_from_estimate_to_invoice_on_the_owners_phone(browser, live_server, staff_password,
                                                                  etims_settings, etims_server):
    catalogue = ServiceType.objects.get_or_create(name="Brake Repair")[0]
    PriceListItemFactory(service_type=catalogue, description="Brake pads, front pair", part_number="BP-F22",
                         unit_price="5200.00", unit_cost="3400.00")
    PriceListItemFactory(service_type=catalogue, description="Wiper blades, pair", part_number="WB-22",
                         unit_price="1800.00", unit_cost="1100.00")
    owner = ClientFactory(first_name="Wanjiru", last_name="Kamau", phone="+254712345678")
    job = ServiceFactory(vehicle=VehicleFactory(client=owner, license_plate="KDA 123A"), service_type="Brake Repair",
                         status=ServiceStatus.PENDING, scheduled_date=timezone.localdate(), technician="Peter Kamau",
                         cost=0)
    desk, technician = staff_in_role(FRONT_DESK), staff_in_role(TECHNICIAN)
    contexts = [browser.new_context(), browser.new_context(), browser.new_context(**PHONE)]
    try:
        desk_page, technician_page, phone = (context.new_page() for context in contexts)
        sign_in(desk_page, live_server.url, desk, staff_password)
        front_desk_prices_and_sends(desk_page, live_server.url, job)
        sign_in(technician_page, live_server.url, technician, staff_password)
        technician_completes(technician_page, live_server.url, job)
        invoice = Invoice.objects.get(service=job)
        assert (invoice.total, invoice.issue_date) == (job.cost, timezone.localdate())
        assert [line.description for line in invoice.lines.all()] == ["Brake pads, front pair"]
        transmission = Transmission.objects.get(kind=invoice.kind, number=invoice.number)
        assert transmission_send(transmission_id=transmission.pk).state == TransmissionState.ACCEPTED
        [sale] = etims_server.sales
        assert (sale["trdInvcNo"], Decimal(str(sale["totAmt"]))) == (invoice.display_number, invoice.total)
        owner_sees_the_invoice(phone, live_server.url, job, invoice)
    finally:
        for context in contexts:
            context.close()
