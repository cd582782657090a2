"""Each role against the written table in docs/staff-guide.md, "Roles" (issue 12, item 4).

The table is read from the page itself, so the guide and the product cannot drift apart: every cell is
checked through the pages a member of that role would open, never through the permission rows alone.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from billing.models import CustomerTaxPin
from billing.tests.factories import PriceListItemFactory
from billing.tests.scenarios import an_invoiced_job
from clients.tests.factories import ClientFactory
from concierge.accounts.roles import ROLE_PERMISSIONS
from concierge.accounts.tests.factories import UserFactory, login_verified, staff_in_role
from concierge.audit.models import AuditLog
from concierge.workflows.models import Workflow
from fleet.tests.factories import VehicleFactory
from notifications.models import DeliveryReport
from notifications.tests.factories import NotificationFactory
from payments.services import payment_record
from servicing.models import Service, ServiceType
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

VERBS = {"add", "change", "delete", "view"}
GUIDE = Path(settings.BASE_DIR) / "docs" / "staff-guide.md"


def role_table():
    """{row label: {role: set of verbs}} from the guide's table under "## Roles"."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("## Roles"):]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    roles = header[1:]
    table = {}
    for line in lines[2:]:
        label, *cells = [cell.strip() for cell in line.strip("|").split("|")]
        table[label] = {}
        for role, cell in zip(roles, cells):
            verbs = set() if cell == "–" else {verb.strip() for verb in cell.split(",")}
            assert verbs <= VERBS, f"{label} / {role}: unknown verb in {cell!r}"
            table[label][role] = verbs
    return roles, table


ROLES, TABLE = role_table()


def test_the_table_names_every_role():
    assert sorted(ROLES) == sorted(ROLE_PERMISSIONS)


# The shop the checks look at: one client with details that must not leak, a car, a priced job on
# today's board whose price was changed once (so its History holds cost rows).
OWNER = {"first_name": "Wambui", "last_name": "Kariuki-Odhiambo", "email": "wambui.ko@example.co.ke",
         "phone": "+254722987654", "address": "Riverside Drive 14"}
OWNER_LEAKS = ["Kariuki-Odhiambo", "wambui.ko@example.co.ke", "722987654", "722 987654", "722 987 654",
               "Riverside Drive 14"]
PRICES = re.compile(r"7[ ,.\u00a0]?654[.,]32|8[ ,.\u00a0]?765[.,]43")


@pytest.fixture
def shop():
    owner = ClientFactory(**OWNER)
    car = VehicleFactory(client=owner)
    job = ServiceFactory(vehicle=car, cost=Decimal("7654.32"), scheduled_date=timezone.localdate())
    Service.objects.filter(pk=job.pk).update(cost=Decimal("8765.43"))
    job.refresh_from_db()
    return {
        "clients.client": owner, "fleet.vehicle": car, "servicing.service": job,
        "notifications.notification": NotificationFactory(service=ServiceFactory(vehicle=car)),
        "notifications.deliveryreport": DeliveryReport.objects.create(provider_message_id="ATXid_1", status="Success"),
        "workflows.workflow": Workflow.objects.create(name="t", trigger_event="service_completed", actions=[]),
        "audit.auditlog": AuditLog.objects.filter(table_name="clients").first(),
        "accounts.user": UserFactory(),
        "servicing.servicetype": ServiceType.objects.get(name="Oil Change"),
        "billing.pricelistitem": PriceListItemFactory(),
        "billing.customertaxpin": CustomerTaxPin.objects.create(client=owner, kra_pin="A012345678Z"),
        "billing.invoice": (invoice := an_invoiced_job().invoices.get()),
        "payments.payment": payment_record(invoice=invoice, amount=Decimal("100.00"), method="cash"),
    }


def admin_url(model, name, *args):
    app_label, model_name = model.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{name}", args=args)


def admin_verbs(browser, model, obj):
    """The verbs the admin lets this user use on `model`, found by opening its pages."""
    verbs = set()
    if (browser.get(admin_url(model, "changelist")).status_code == 200
            and browser.get(admin_url(model, "change", obj.pk)).status_code == 200):
        verbs.add("view")
    if browser.get(admin_url(model, "add")).status_code == 200:
        verbs.add("add")
    # An empty post: refused (403) without the permission, or the form again with its errors; never saved.
    if browser.post(admin_url(model, "change", obj.pk), {}).status_code in (200, 302):
        verbs.add("change")
    if browser.get(admin_url(model, "delete", obj.pk)).status_code == 200:
        verbs.add("delete")
    return verbs


def pages_of_a_job(browser, shop):
    """Every page a member of staff reaches a job or its car from, as text (refused pages skipped)."""
    job, car = shop["servicing.service"], shop["fleet.vehicle"]
    urls = [
        reverse("admin:index"),
        reverse("servicing:board"),
        admin_url("servicing.service", "changelist"),
        admin_url("servicing.service", "change", job.pk),
        admin_url("servicing.service", "history", job.pk),
        admin_url("fleet.vehicle", "changelist"),
        admin_url("fleet.vehicle", "change", car.pk),
        admin_url("fleet.vehicle", "history", car.pk),
        reverse("admin:portal_portaltoken_status_link", args=[job.pk]),
    ]
    pages = {}
    for url in urls:
        response = browser.get(url)
        if response.status_code == 200:
            pages[url] = response.content.decode()
    return pages


def searches_by_contact(browser):
    """How many jobs and cars the staff searches find by the owner's phone, email and surname."""
    found = 0
    for term in ("0722 987 654", OWNER["email"], "Kariuki"):
        for model in ("servicing.service", "fleet.vehicle"):
            response = browser.get(admin_url(model, "changelist"), {"q": term})
            if response.status_code == 200:
                found += response.context["cl"].result_count
    return found


def check_clients(browser, shop, verbs):
    assert admin_verbs(browser, "clients.client", shop["clients.client"]) == verbs
    pages = "\n".join(pages_of_a_job(browser, shop).values())
    leaked = [detail for detail in OWNER_LEAKS if detail in pages]
    if "view" in verbs:
        page = browser.get(admin_url("clients.client", "change", shop["clients.client"].pk)).content.decode()
        assert OWNER["last_name"] in page and OWNER["email"] in page
        assert searches_by_contact(browser) > 0
    else:
        assert leaked == [], "client details shown to a role without clients"
        assert searches_by_contact(browser) == 0, "a search by phone, email or surname found the owner's car"


def check_owner_first_name(browser, shop, verbs):
    pages = pages_of_a_job(browser, shop)
    where = [admin_url("servicing.service", "changelist"), admin_url("servicing.service", "change", shop["servicing.service"].pk),
             admin_url("fleet.vehicle", "changelist"), admin_url("fleet.vehicle", "change", shop["fleet.vehicle"].pk),
             reverse("servicing:board")]
    shown = [url for url in where if OWNER["first_name"] in pages.get(url, "")]
    assert (shown == where) == ("view" in verbs), shown
    found = browser.get(admin_url("servicing.service", "changelist"), {"q": OWNER["first_name"]}).context["cl"].result_count
    assert found == 2  # both of the car's jobs


def check_prices(browser, shop, verbs):
    job = shop["servicing.service"]
    pages = pages_of_a_job(browser, shop)
    with_price = sorted(url for url, text in pages.items() if PRICES.search(text))
    if "view" in verbs:
        assert admin_url("servicing.service", "change", job.pk) in with_price
        assert admin_url("servicing.service", "changelist") in with_price
        assert admin_url("fleet.vehicle", "change", shop["fleet.vehicle"].pk) in with_price
    else:
        assert with_price == [], "a price shown to a role without prices"
    form = browser.get(admin_url("servicing.service", "change", job.pk)).context["adminform"].form
    assert ("cost" in form.fields) == ("change" in verbs)


def check_reports(browser, shop, verbs):
    status = browser.get(reverse("reports:overview")).status_code
    assert status == (200 if "view" in verbs else 403)


def admin_model(model):
    def check(browser, shop, verbs):
        assert admin_verbs(browser, model, shop[model]) == verbs
    return check


CHECKS = {
    "Clients (name, email, phone, address)": check_clients,
    "Owner's first name on a car and a job": check_owner_first_name,
    "Vehicles": admin_model("fleet.vehicle"),
    "Services (jobs)": admin_model("servicing.service"),
    "Prices (a job's cost)": check_prices,
    "Service types (the catalogue)": admin_model("servicing.servicetype"),
    "Notifications": admin_model("notifications.notification"),
    "Delivery reports (from the SMS provider)": admin_model("notifications.deliveryreport"),
    "Workflows": admin_model("workflows.workflow"),
    "Reports": check_reports,
    "Audit log": admin_model("audit.auditlog"),
    "Staff users": admin_model("accounts.user"),
    "Price list (labour and parts)": admin_model("billing.pricelistitem"),
    "Customers' KRA PINs": admin_model("billing.customertaxpin"),
    "Invoices and credit notes": admin_model("billing.invoice"),
    "Payments (the ledger)": admin_model("payments.payment"),
}


def test_every_row_of_the_table_is_checked():
    assert sorted(TABLE) == sorted(CHECKS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", list(TABLE))
def test_role_matches_the_staff_guide(client, shop, role, row):
    login_verified(client, staff_in_role(role))
    CHECKS[row](client, shop, TABLE[row][role])
