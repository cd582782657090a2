"""Number plates and VINs checked, never silently changed (issue 12, item 7)."""

import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import login_verified
from demo import builder
from demo.scale import Shop
from fleet.forms import VehicleForm
from fleet.models import Vehicle
from fleet.validators import PLATE_EXAMPLES, normalise_plate, normalise_vin

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("typed", "stored"), [
    ("kda123a", "KDA 123A"),
    ("KDA-123A", "KDA 123A"),
    (" kda  123a ", "KDA 123A"),
    ("kmaa 123a", "KMAA 123A"),  # motorcycle
    ("KAA 123", "KAA 123"),  # before 1989
    ("KVB 7", "KVB 7"),
    ("gk 123a", "GK 123A"),  # national government
    ("GKA123A", "GKA 123A"),
    ("GKB 456C", "GKB 456C"),  # police
    ("47 CG 123A", "47 CG 123A"),  # county government
    ("22cg001b", "22 CG 001B"),
    ("GVN 047A", "GVN 047A"),  # governor
    ("29 CD 12K", "29 CD 12K"),  # diplomatic
    ("1CD1K", "1 CD 1K"),
    ("UN 123K", "UN 123K"),
    ("ZC 1234", "ZC 1234"),  # trailer
    ("", None),
    (None, None),
])
def test_kenyan_plates_are_accepted_in_one_written_form(typed, stored):
    assert normalise_plate(typed) == stored


@pytest.mark.parametrize("typed", [
    "<script>", "KDC 🚗 1", "KDA l23A", "---", "🚗🚗", "   ", "KDB 9Z", "KDA 1234A", "XYZ 123A", "KDAß 123A",
    "MWANGI 1",
])
def test_anything_else_is_refused_with_the_expected_form(typed):
    with pytest.raises(ValidationError) as error:
        normalise_plate(typed)
    message = error.value.messages[0]
    assert "KDA 123A" in message and PLATE_EXAMPLES in message


def test_the_refusal_names_what_cannot_be_on_a_plate():
    with pytest.raises(ValidationError) as error:
        normalise_plate("KDC 🚗 1")
    assert "🚗" in error.value.messages[0] and "KDC 🚗 1" in error.value.messages[0]


def vehicle_data(owner, **overrides):
    return {"client": str(owner.pk), "license_plate": "KDC 456D", "make": "Subaru", "model": "Forester",
            "year": "2016", "vin": "JF1SJ5LC5GG123456", "mileage": "120000", **overrides}


@pytest.mark.parametrize("typed", ["<script>", "KDC 🚗 1", "KDA l23A", "---", "🚗🚗", "   "])
def test_the_admin_form_refuses_and_shows_back_what_was_typed(client, superuser, typed):
    login_verified(client, superuser)
    data = {**vehicle_data(ClientFactory(), license_plate=typed), "services-TOTAL_FORMS": "0",
            "services-INITIAL_FORMS": "0"}
    response = client.post(reverse("admin:fleet_vehicle_add"), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "KDA 123A" in form.errors["license_plate"][0]
    assert form["license_plate"].value() == typed  # the box still holds it, whole
    assert not Vehicle.objects.exists()


def test_a_refused_plate_in_a_client_page_row_saves_nothing(client, superuser):
    login_verified(client, superuser)
    owner = ClientFactory()
    url = reverse("admin:clients_client_change", args=[owner.pk])
    data = {
        "first_name": owner.first_name, "last_name": owner.last_name, "email": owner.email, "phone": owner.phone,
        "address": "", "consent_gdpr": "on",
        "vehicles-TOTAL_FORMS": "1", "vehicles-INITIAL_FORMS": "0", "vehicles-MIN_NUM_FORMS": "0",
        "vehicles-MAX_NUM_FORMS": "1000", "vehicles-0-license_plate": "KDC 🚗 1", "vehicles-0-make": "Toyota",
        "vehicles-0-model": "Vitz", "vehicles-0-year": "2013", "vehicles-0-vin": "JTDBT923501234567",
        "vehicles-0-mileage": "1000", "vehicles-0-colour": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    [formset] = response.context["inline_admin_formsets"]
    assert "KDA 123A" in formset.formset.forms[0].errors["license_plate"][0]
    assert not Vehicle.objects.exists()


def test_the_import_refuses_a_plate_it_would_have_to_change(tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text("first_name,last_name,email,license_plate,make,model,vin\n"
                    "Wanjiru,Kamau,w@example.co.ke,KDA l23A,Toyota,Fielder,JTDBT923501234567\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_clients", str(path))
    assert "line 2, license_plate" in str(error.value) and "KDA l23A" in str(error.value)
    assert not Vehicle.objects.exists()


def test_a_vin_pasted_with_spaces_and_dashes_is_normalised_before_its_length_is_checked(client, superuser):
    assert normalise_vin("jtdbt 9235-0123 4567") == "JTDBT923501234567"
    login_verified(client, superuser)
    page = client.get(reverse("admin:fleet_vehicle_add")).text
    assert 'maxlength="17"' not in page  # the browser would cut the pasted VIN without a word
    data = {**vehicle_data(ClientFactory(), vin="JTDBT 9235-0123 4567"), "services-TOTAL_FORMS": "0",
            "services-INITIAL_FORMS": "0"}
    response = client.post(reverse("admin:fleet_vehicle_add"), data)
    assert response.status_code == 302
    assert Vehicle.objects.get().vin == "JTDBT923501234567"


@pytest.mark.parametrize(("vin", "warned"), [
    ("JTDBT923501234567", False),  # Japanese: no check digit in that scheme
    ("WVWZZZ1KZAW123456", False),  # German
    ("1M8GDM9AXKP042788", False),  # North American, right check digit
    ("1M8GDM9A1KP042788", True),  # North American, wrong check digit
])
def test_the_check_digit_warning_is_only_for_vins_that_use_it(vin, warned):
    form = VehicleForm(data=vehicle_data(ClientFactory(), vin=vin))
    assert form.is_valid(), form.errors
    assert bool(form.warnings) is warned


def test_the_demo_and_scale_generators_make_plates_the_validator_keeps():
    rng = random.Random(7)
    used = set()
    demo = [builder._plate(rng, used) for _ in range(500)]
    shop = Shop(scale=1, seed=7, today=datetime.date(2026, 11, 5))
    scale = [shop.plate(i) for i in range(0, 100_000, 97)]
    for plate in demo + scale:
        assert normalise_plate(plate) == plate
