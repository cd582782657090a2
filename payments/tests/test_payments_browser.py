"""Issue 17's browser test, in real chromium: the front desk opens an invoice and presses "Request
M-Pesa payment"; the prompt goes to the local fake Daraja (sent as the worker's task would send it;
a real worker does it in test_worker_integration.py); the owner pays on their phone and the fake
server calls the app back over real HTTP; the invoice page shows it paid, and the owner's portal on a
phone (390 px) shows the M-Pesa receipt code."""

import pytest
from playwright.sync_api import expect

from billing.tests.test_billing_browser import PHONE, sign_in
from clients.portal.tokens import sign_in_token_issue
from clients.tests.factories import ClientFactory
from concierge.accounts.roles import FRONT_DESK
from concierge.accounts.tests.factories import staff_in_role
from fleet.tests.factories import VehicleFactory
from payments.models import MpesaRequest, RequestState
from payments.services.mpesa import mpesa_request_send

from .scenarios import an_invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_request_mpesa_the_owner_pays_and_both_see_it(browser, live_server, staff_password, mpesa_settings,
                                                          daraja_server):
    mpesa_settings.MPESA_CALLBACK_BASE_URL = live_server.url
    owner = ClientFactory(first_name="Wanjiru", last_name="Kamau", phone="+254712345678")
    invoice = an_invoice(price="2500.00", vehicle=VehicleFactory(client=owner, license_plate="KDA 123A"))
    desk = staff_in_role(FRONT_DESK)
    contexts = [browser.new_context(), browser.new_context(**PHONE)]
    try:
        page, phone = (context.new_page() for context in contexts)
        sign_in(page, live_server.url, desk, staff_password)
        page.goto(f"{live_server.url}/admin/billing/invoice/{invoice.pk}/change/")
        expect(page.locator("#paid-summary")).to_contain_text("Balance KES 2,500.00")
        page.get_by_role("link", name="Request M-Pesa payment").click()
        expect(page.get_by_label("Phone")).to_have_value("+254712345678")
        page.get_by_role("button", name="Send the prompt to the phone").click()
        expect(page.locator(".messagelist")).to_contain_text("M-Pesa prompt for KES 2,500 sent to 2547******78")

        row = MpesaRequest.objects.get(invoice=invoice)
        assert mpesa_request_send(request_id=row.pk) == RequestState.PENDING
        page.reload()
        expect(page.locator("#mpesa-requests")).to_contain_text("Waiting for the owner")

        # The owner enters their PIN; Daraja calls us back.
        (checkout,) = daraja_server.checkout_ids
        status, answer = daraja_server.call_back(checkout, 0, receipt="SKL3BRWSR1")
        assert (status, answer) == (200, {"ResultCode": 0, "ResultDesc": "Accepted"})

        page.reload()
        expect(page.locator("#paid-summary")).to_contain_text("Paid KES 2,500.00")
        expect(page.locator("#paid-summary")).to_contain_text("Balance KES 0.00")
        expect(page.locator("#payments")).to_contain_text("SKL3BRWSR1")
        expect(page.locator("#mpesa-requests")).to_contain_text("Paid")

        phone.goto(f"{live_server.url}/portal/sign-in/{sign_in_token_issue(client=owner)}/")
        phone.get_by_role("button", name="Sign in").click()
        phone.goto(f"{live_server.url}/portal/services/{invoice.service_id}/")
        expect(phone.locator(".payments .receipt")).to_have_text("SKL3BRWSR1")
        expect(phone.locator(".payments .balance")).to_have_text("KES 0.00")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        for context in contexts:
            context.close()
