"""Issue 12, item 11 in real Chromium: typing From/To picks "Custom dates"; picking a preset empties them."""

import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from concierge.accounts.tests.factories import UserFactory

from .builders import completed, day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typed_dates_are_the_period_shown_and_a_preset_clears_them(page, live_server, staff_password):
    manager = UserFactory(email="grace@ndegwa.example")
    manager.user_permissions.add(Permission.objects.get(codename="view_reports", content_type__app_label="reports"))
    completed(cost=2000, on=day(3, 9))
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email address").fill(manager.email)
    page.get_by_label("Password").fill(staff_password)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/reports/")

    page.locator("#id_start").fill("01/03/2026")
    page.locator("#id_end").fill("31/03/2026")
    expect(page.get_by_label("Period")).to_have_value("custom")
    page.get_by_role("button", name="Apply").click()

    expect(page.locator("h1 .report-period")).to_have_text("March 2026")
    expect(page.locator(".report-figure", has_text="Revenue").locator(".report-figure-value")).to_have_text("KES 2,000")

    page.get_by_label("Period").select_option("last_month")
    expect(page.locator("#id_start")).to_have_value("")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"period=last_month&start=&end="))
    expect(page.get_by_label("Period")).to_have_value("last_month")
