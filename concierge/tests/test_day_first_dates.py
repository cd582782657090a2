"""Dates as Kenyans write them (issue 12, item 1): typed day-first, shown day-first, ISO still accepted.

The pages are read as a person reads them (tags stripped) and checked for the American forms Django's
own `en` formats produced: "Nov. 5, 2026", "November 5", "11/05/2026".
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, translation

from concierge.accounts.tests.factories import login_verified
from clients.portal.tests.conftest import portal_sign_in_as
from fleet.tests.factories import VehicleFactory
from servicing.forms import ServiceForm
from servicing.models import Service, ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

NOV_5 = datetime.date(2026, 11, 5)
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# A month name followed by a day ("Nov. 5", "November 5, 2026"), or 5 November written month-first.
MONTH_FIRST = re.compile(rf"\b(?:{MONTHS})[a-z]*\.? \d{{1,2}}(?!\d)|\b11/05/(?:20)?26\b")


def visible_text(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def assert_day_first(html, *, shows):
    text = visible_text(html)
    assert not MONTH_FIRST.findall(text), MONTH_FIRST.findall(text)
    assert shows in text


def booking(**overrides):
    vehicle = VehicleFactory()
    data = {"vehicle": str(vehicle.pk), "service_type": "Oil Change", "description": "", "scheduled_date": "05/11/2026",
            "technician": "", "cost": "4500", "status": ServiceStatus.PENDING, "completed_date": "", "notes": ""}
    return {**data, **overrides}


@pytest.mark.parametrize(("typed", "saved"), [
    ("05/11/2026", NOV_5),
    ("31/12/2026", datetime.date(2026, 12, 31)),
    ("2026-11-05", NOV_5),
    ("5/11/26", NOV_5),
])
def test_a_typed_date_is_read_day_first_and_iso_still_works(typed, saved):
    form = ServiceForm(data=booking(scheduled_date=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["scheduled_date"] == saved


@pytest.mark.parametrize("language", ["en", "sw"])
def test_the_formats_are_day_first_in_every_language_we_serve(language):
    with translation.override(language):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"
        assert formats.date_format(NOV_5, "SHORT_DATE_FORMAT") == "05/11/2026"
        assert formats.date_format(NOV_5)[:1] == "5"
        assert "%Y-%m-%d" in formats.get_format("DATE_INPUT_FORMATS")


def test_the_admin_saves_05_11_2026_as_5_november_and_shows_it_back_day_first(client, superuser):
    login_verified(client, superuser)
    response = client.post(reverse("admin:servicing_service_add"), {**booking(), "_continue": "1"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    service = Service.objects.get()
    assert service.scheduled_date == NOV_5

    page = client.get(reverse("admin:servicing_service_change", args=[service.pk])).text
    assert 'value="05/11/2026"' in page


def test_the_admin_lists_and_pages_show_dates_day_first(client, superuser):
    login_verified(client, superuser)
    vehicle = VehicleFactory(license_plate="KDA 123A")
    service = ServiceFactory(vehicle=vehicle, scheduled_date=NOV_5, status=ServiceStatus.COMPLETED,
                             completed_date=datetime.date(2026, 11, 6), cost=Decimal("4500"))

    changelist = client.get(reverse("admin:servicing_service_changelist")).text
    assert_day_first(changelist, shows="5 Nov 2026")
    # The list's date drill-down, down to the day.
    drilled = client.get(reverse("admin:servicing_service_changelist"), {"scheduled_date__year": 2026,
                                                                           "scheduled_date__month": 11}).text
    assert_day_first(drilled, shows="5 November")
    client_page = client.get(reverse("admin:clients_client_change", args=[vehicle.client_id])).text
    assert_day_first(client_page, shows="5 Nov 2026")
    history = client.get(reverse("admin:servicing_service_history", args=[service.pk])).text
    assert not MONTH_FIRST.findall(visible_text(history))
    clients_list = client.get(reverse("admin:clients_client_changelist")).text
    assert not MONTH_FIRST.findall(visible_text(clients_list))


def test_the_reports_read_and_show_dates_day_first(client, superuser):
    login_verified(client, superuser)
    ServiceFactory(scheduled_date=NOV_5, status=ServiceStatus.COMPLETED, completed_date=NOV_5)

    page = client.get(reverse("reports:revenue"), {"period": "custom", "start": "01/11/2026", "end": "05/11/2026"})
    assert page.status_code == 200
    assert_day_first(page.text, shows="1 Nov 2026 – 5 Nov 2026")
    # The From/To boxes are text in our own order, not <input type=date> drawn in the browser's locale.
    assert 'type="date"' not in page.text and 'value="01/11/2026"' in page.text

    csv = client.get(reverse("reports:revenue-csv", kwargs={"table": "by_month"}),
                     {"period": "custom", "start": "01/11/2026", "end": "05/11/2026"})
    assert csv.status_code == 200
    assert "01-Nov-2026-to-05-Nov-2026.csv" in csv["Content-Disposition"]


@pytest.mark.parametrize(("language", "booked"), [("en", "Booked for"), ("sw", "")])
def test_the_portal_shows_dates_day_first_in_english_and_swahili(client, language, booked):
    service = ServiceFactory(scheduled_date=NOV_5)
    http = portal_sign_in_as(client, service.vehicle.client)
    page = http.get(reverse("portal:service", args=[service.pk]), HTTP_ACCEPT_LANGUAGE=language).text
    assert booked in page
    assert_day_first(page, shows="5 ")
    assert re.search(r"\b5 Nov\w* 2026", visible_text(page))


def test_the_job_board_shows_dates_day_first(client, superuser):
    login_verified(client, superuser)
    job = ServiceFactory(scheduled_date=datetime.date(2026, 11, 5), status=ServiceStatus.IN_PROGRESS)
    response = client.get(reverse("servicing:board"))
    board = response.text
    assert response.status_code == 200 and job.vehicle.license_plate in board  # the board itself, not a sign-in page
    assert not MONTH_FIRST.findall(visible_text(board))


def test_message_templates_get_the_scheduled_date_day_first():
    from concierge.workflows.templating import context_for

    service = ServiceFactory(scheduled_date=NOV_5)
    assert context_for(service=service, dry_run=True)["scheduled_date"] == "5 Nov 2026"
