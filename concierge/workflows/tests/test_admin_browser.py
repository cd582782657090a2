"""A manager writes a workflow in the admin, in real chromium: a misspelt key is refused beside the
field, the corrected one is saved, and its dry run shows the message for a job."""

import json

import pytest
from playwright.sync_api import expect

from concierge.accounts.tests.factories import authenticator_for, totp_code
from concierge.workflows.models import Workflow
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_workflow_is_refused_corrected_saved_and_previewed(page, live_server, superuser, staff_password):
    job = ServiceFactory(status=ServiceStatus.IN_PROGRESS, vehicle__license_plate="KDG 555G",
                         vehicle__client__first_name="Wanjiru")
    page.goto(f"{live_server.url}/admin/workflows/workflow/add/")
    page.get_by_label("Email address").fill(superuser.email)
    page.get_by_label("Password").fill(staff_password)
    # A superuser signs in with the code their authenticator app shows (two-factor is required).
    page.get_by_label("Verification code").fill(totp_code(authenticator_for(superuser)))
    page.get_by_role("button", name="Log in").click()

    page.get_by_label("Name").fill("Asante SMS")
    page.get_by_label("Trigger event").select_option("service_completed")
    template = "Asante {{ first_name }}, {{ plate }} is ready"
    page.get_by_label("Actions").fill(json.dumps([{"type": "send_notification", "chanel": "SMS", "template": template}]))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".field-actions .errorlist")).to_contain_text("unknown key 'chanel'")
    assert not Workflow.objects.exists()

    page.get_by_label("Actions").fill(json.dumps([{"type": "send_notification", "channel": "SMS", "template": template}]))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.get_by_role("link", name="Preview").click()
    page.get_by_label("Job id").fill(str(job.pk))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-steps")).to_contain_text("SMS to the client: Asante Wanjiru, KDG 555G is ready")
