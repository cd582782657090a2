"""axe-core, run inside real chromium on the pages people use most: the staff home, a client's page, the
job board, the reports overview and every portal page. Any serious or critical violation fails.

axe-core comes from the axe-playwright-python package (its bundled axe.min.js, pinned in
requirements-dev.txt): nothing is downloaded at test time.
"""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from clients.portal.tests.every_page import visit_every_portal_page
from clients.tests.factories import ClientFactory
from concierge.accounts.roles import FRONT_DESK, MANAGER
from concierge.accounts.tests.factories import authenticator_for, staff_in_role, totp_code
from fleet.tests.factories import VehicleFactory
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAILING_IMPACTS = {"serious", "critical"}
AXE = Axe()


def violations(page):
    """The serious and critical axe findings on the page as it is now: {rule id: [where, ...]}."""
    found = AXE.run(page).response["violations"]
    return {
        rule["id"]: [" ".join(node["target"]) for node in rule["nodes"]][:5]
        for rule in found if rule["impact"] in FAILING_IMPACTS
    }


def log_in(page, base_url, user, password, code=None):
    page.context.clear_cookies()
    page.goto(f"{base_url}/admin/login/")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(password)
    if code is not None:
        page.locator("input[name=otp_token]").fill(code)
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_url(f"{base_url}/admin/")


def a_client_with_a_full_page_of_cars():
    owner = ClientFactory(first_name="Wanjiru", last_name="Kamau", phone="+254712345678")
    cars = [VehicleFactory(client=owner, license_plate=f"KDA {100 + n}A") for n in range(12)]
    today = timezone.localdate()
    ServiceFactory(vehicle=cars[0], status=ServiceStatus.IN_PROGRESS, scheduled_date=today)
    ServiceFactory(vehicle=cars[1], status=ServiceStatus.PENDING, scheduled_date=today)
    ServiceFactory(vehicle=cars[2], status=ServiceStatus.COMPLETED, scheduled_date=today - datetime.timedelta(days=3),
                   completed_date=today - datetime.timedelta(days=1))
    return owner


def test_staff_pages_have_no_serious_or_critical_axe_violations(page, live_server, staff_password):
    owner = a_client_with_a_full_page_of_cars()
    page.set_viewport_size({"width": 1280, "height": 900})
    found = {}
    blocked = []  # the board's refresh script must be one the CSP allows (script-src 'self')
    page.on("console", lambda msg: blocked.append(msg.text) if "script-src" in msg.text else None)

    log_in(page, live_server.url, staff_in_role(FRONT_DESK), staff_password)
    for name, path in [
        ("staff home", "/admin/"),
        ("a client page", f"/admin/clients/client/{owner.pk}/change/"),
        ("the job board", "/admin/servicing/service/board/"),
    ]:
        page.goto(live_server.url + path)
        found[name] = violations(page)

    manager = staff_in_role(MANAGER)
    # A manager signs in with the code their authenticator app shows (two-factor is required).
    log_in(page, live_server.url, manager, staff_password, totp_code(authenticator_for(manager)))
    page.goto(live_server.url + "/reports/")
    found["reports overview"] = violations(page)

    assert {name: rules for name, rules in found.items() if rules} == {}
    assert blocked == []


@pytest.mark.parametrize("language", ["en", "sw"])
def test_portal_pages_have_no_serious_or_critical_axe_violations(browser, live_server, language):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    found = {}

    visit_every_portal_page(page, live_server.url, lambda page, name: found.__setitem__(name, violations(page)))
    context.close()

    assert len(found) == 12
    assert {name: rules for name, rules in found.items() if rules} == {}
