"""One clear message per problem, in the form's words (issue 12, item 10)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from clients.models import Client
from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import login_verified
from fleet.forms import VehicleForm
from fleet.models import Vehicle
from fleet.tests.factories import VehicleFactory
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def vehicle_data(owner, **overrides):
    return {"client": str(owner.pk), "license_plate": "KDA 123A", "make": "Toyota", "model": "Vitz",
            "year": "2013", "vin": "JTDBT923501234568", "mileage": "1000", **overrides}


@pytest.mark.parametrize("typed", ["KDA 123A", "kda-123a", "KDA123A"])
def test_a_taken_plate_is_one_message_beside_the_plate(typed):
    VehicleFactory(license_plate="KDA 123A")
    form = VehicleForm(data=vehicle_data(ClientFactory(), license_plate=typed))
    assert not form.is_valid()
    assert form.errors == {"license_plate": ["A vehicle with this number plate already exists."]}


def row(number, **values):
    defaults = {"license_plate": "KDA 123A", "make": "Toyota", "model": "Vitz", "year": "2013",
                "vin": f"JTDBT92350123456{number}", "mileage": "1000", "colour": ""}
    return {f"vehicles-{number}-{name}": value for name, value in {**defaults, **values}.items()}


def client_page_post(*rows):
    return {
        "first_name": "Wanjiru", "last_name": "Kamau", "email": "wanjiru@example.co.ke", "phone": "0712345678",
        "address": "", "consent_gdpr": "on", "vehicles-TOTAL_FORMS": str(len(rows)), "vehicles-INITIAL_FORMS": "0",
        "vehicles-MIN_NUM_FORMS": "0", "vehicles-MAX_NUM_FORMS": "1000",
        **{key: value for r in rows for key, value in r.items()},
    }


def test_two_rows_with_one_plate_get_one_message_naming_the_field_as_labelled(client, superuser):
    login_verified(client, superuser)
    data = client_page_post(row(0, license_plate="KDA 123A"), row(1, license_plate="kda123a"))
    response = client.post(reverse("admin:clients_client_add"), data)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == []
    assert formset.forms[0].errors == {}
    assert formset.forms[1].errors == {"license_plate": ["Number plate KDA 123A is already in row 1: each car once."]}
    assert not Client.objects.exists() and not Vehicle.objects.exists()


def test_two_rows_with_one_vin_get_one_message(client, superuser):
    login_verified(client, superuser)
    data = client_page_post(row(0, vin="JTDBT923501234567"),
                            row(1, license_plate="KDB 124B", vin="jtdbt 9235 0123 4567"))
    response = client.post(reverse("admin:clients_client_add"), data)
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == []
    assert formset.forms[1].errors == {"vin": ["VIN JTDBT923501234567 is already in row 1: each car once."]}


def test_a_refused_bulk_action_is_one_error_message_without_nested_boxes(client, superuser):
    login_verified(client, superuser)
    pending = ServiceFactory(vehicle=VehicleFactory(license_plate="KDB 200B"))
    cancelled = ServiceFactory(status=ServiceStatus.CANCELLED, vehicle=VehicleFactory(license_plate="KDC 300C"))
    response = client.post(
        reverse("admin:servicing_service_changelist"),
        {"action": "complete_selected", "_selected_action": [str(pending.pk), str(cancelled.pk)]}, follow=True,
    )
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "error"
    assert "KDB 200B" in str(message) and "KDC 300C" in str(message)
    # The admin draws every <li> inside .messagelist as a message box of its own (green by default).
    assert "<li" not in str(message)
    assert response.text.count("Nothing changed") == 1
