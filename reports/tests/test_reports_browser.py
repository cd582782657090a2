"""A manager's round trip in a real Chromium: overview, another period, charts drawn, revenue CSV."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from concierge.accounts.tests.factories import UserFactory
from reports.periods import add_months, month_start, shop_today

from .builders import completed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_changes_the_period_sees_charts_and_downloads_revenue_csv(page, live_server, staff_password):
    manager = UserFactory(email="grace@ndegwa.example")
    manager.user_permissions.add(Permission.objects.get(codename="view_reports", content_type__app_label="reports"))
    this_month = month_start(shop_today())
    last_month = add_months(this_month, -1)
    completed(cost=1000, on=this_month)
    completed(cost=2000, on=last_month)
    completed(cost=3000, on=last_month)

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Email address").fill(manager.email)
    page.get_by_label("Password").fill(staff_password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Report pages").click()

    expect(page).to_have_url(re.compile(r"/reports/$"))
    expect(page.locator(".report-figure", has_text="Revenue").locator(".report-figure-value")).to_have_text("KES 1,000")

    page.get_by_label("Period").select_option("last_month")
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"period=last_month"))
    expect(page.locator(".report-figure", has_text="Revenue").locator(".report-figure-value")).to_have_text("KES 5,000")
    expect(page.locator("canvas[data-chart]")).to_have_attribute("data-drawn", "true")
    assert page.evaluate("() => Chart.getChart(document.querySelector('canvas[data-chart]')).data.datasets[0].data.at(-1)") == 5000

    page.get_by_role("link", name="Revenue and volume").click()
    expect(page).to_have_url(re.compile(r"/reports/revenue/\?period=last_month"))
    expect(page.locator("canvas[data-chart]").first).to_have_attribute("data-drawn", "true")
    with page.expect_download() as download_info:
        page.locator("#table-by_month").get_by_role("link", name="Download CSV").click()
    download = download_info.value

    assert download.suggested_filename.startswith("revenue-by_month-")
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert rows[0][:2] == ["Month", "Revenue (KES)"]
    assert rows[-1][:3] == [f"{last_month:%Y-%m}", "5000.00", "2"]
