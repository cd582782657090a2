"""Two staff, two browsers, one job: the second to save is told what the first changed (issue 13.4)."""

import pytest
from playwright.sync_api import expect

from concierge.accounts.tests.factories import UserFactory, authenticator_for, totp_code
from servicing.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    # Superusers sign in with the code their authenticator app shows (two-factor is required).
    page.get_by_label("Verification code").fill(totp_code(authenticator_for(user)))
    page.get_by_role("button", name="Log in").click()


def test_the_second_of_two_staff_saving_a_job_sees_the_first_ones_notes_and_loses_nothing(
    browser, live_server, superuser, staff_password,
):
    job = ServiceFactory(notes="")
    peter = UserFactory(is_superuser=True, first_name="Peter", last_name="Otieno")
    url = f"{live_server.url}/admin/servicing/service/{job.pk}/change/"
    contexts = [browser.new_context(), browser.new_context()]
    try:
        check_two_staff(contexts, live_server, url, job, (superuser, peter), staff_password)
    finally:
        for context in contexts:  # closes their keep-alive connections to the live server
            context.close()


def check_two_staff(contexts, live_server, url, job, users, staff_password):
    superuser, peter = users
    grace_page, peter_page = (context.new_page() for context in contexts)
    sign_in(grace_page, live_server, superuser, staff_password)
    sign_in(peter_page, live_server, peter, staff_password)
    grace_page.goto(url)
    peter_page.goto(url)

    grace_page.get_by_label("Internal notes").fill("Customer waits; brakes squeal")
    grace_page.get_by_role("button", name="Save", exact=True).click()
    expect(grace_page.locator(".messagelist")).to_contain_text("was changed successfully")

    peter_page.get_by_label("Technician").fill("Ann Wanjiku")
    peter_page.get_by_role("button", name="Save", exact=True).click()
    errors = peter_page.locator(".errornote + ul.errorlist, ul.errorlist.nonfield")
    expect(errors.first).to_contain_text("Grace Wairimu")
    expect(errors.first).to_contain_text("Internal notes: — → Customer waits; brakes squeal")
    # Peter's typing is still on his page, to make again on a fresh one.
    expect(peter_page.get_by_label("Technician")).to_have_value("Ann Wanjiku")

    peter_page.goto(url)
    expect(peter_page.get_by_label("Internal notes")).to_have_value("Customer waits; brakes squeal")
    job.refresh_from_db()
    assert (job.notes, job.technician) == ("Customer waits; brakes squeal", "Peter Kamau")
