"""A manager writes a Swahili text with curly quotes in real chromium: the preview shows it goes as
UCS-2 in two parts and names the quotes; one click puts the GSM-7 spelling in, the preview shows
one GSM-7 part, and only Save saves."""

import json

import pytest
from playwright.sync_api import expect

from concierge.accounts.tests.factories import authenticator_for, totp_code
from concierge.workflows.models import Workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SWAHILI = ("Habari {{ first_name }}, tunakukumbusha kuwa gari lako {{ plate }} limepangiwa “{{ service_type }}” "
           "kesho. Karibu!")


def test_the_editor_previews_parts_and_cost_and_offers_the_gsm7_spelling(page, live_server, superuser, staff_password):
    page.goto(f"{live_server.url}/admin/workflows/workflow/add/")
    page.get_by_label("Email address").fill(superuser.email)
    page.get_by_label("Password").fill(staff_password)
    page.get_by_label("Verification code").fill(totp_code(authenticator_for(superuser)))
    page.get_by_role("button", name="Log in").click()

    page.get_by_label("Name").fill("Kumbusho")
    page.get_by_label("Trigger event").select_option("service_due_tomorrow")
    page.get_by_label("Actions").fill(json.dumps([{
        "type": "send_notification", "channel": "SMS",
        "template": "Hi {{ first_name }}, {{ plate }} is booked tomorrow.", "template_sw": SWAHILI,
    }], ensure_ascii=False))
    page.get_by_role("button", name="Preview messages").click()

    swahili = page.locator("#message-preview-1-template_sw")
    # Habari Wanjiku, tunakukumbusha kuwa gari lako KDA 123B limepangiwa “Full Service” kesho. Karibu!
    # 7+9+15+5+5+5+4+5+12+6+9+7+7 = 96 characters: over 70, so 2 UCS-2 parts (67 + 29).
    expect(swahili.locator(".message-text")).to_have_text(
        "Habari Wanjiku, tunakukumbusha kuwa gari lako KDA 123B limepangiwa “Full Service” kesho. Karibu!")
    expect(swahili.locator(".message-facts")).to_contain_text("UCS-2")
    expect(swahili.locator(".message-facts tr", has_text="Characters").locator("td")).to_have_text("96")
    expect(swahili.locator(".message-facts tr", has_text="Parts").locator("td")).to_have_text("2")
    expect(swahili.locator(".message-facts tr", has_text="Cost").locator("td")).to_have_text("KES 1.60 (KES 0.80 a part)")
    expect(swahili.locator(".message-warning")).to_contain_text("left double quotation mark")
    expect(page.locator("#message-preview-1-template .message-facts")).to_contain_text("GSM-7")
    assert not Workflow.objects.exists()

    swahili.get_by_role("button", name="Use the GSM-7 spelling").click()

    swahili = page.locator("#message-preview-1-template_sw")
    expect(swahili.locator(".message-text")).to_contain_text('limepangiwa "Full Service" kesho')
    expect(swahili.locator(".message-facts")).to_contain_text("GSM-7")
    expect(swahili.locator(".message-facts tr", has_text="Parts").locator("td")).to_have_text("1")
    expect(swahili.locator(".message-warning")).to_have_count(0)
    assert not Workflow.objects.exists()

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert Workflow.objects.get().actions[0]["template_sw"] == SWAHILI.replace("“", '"').replace("”", '"')
