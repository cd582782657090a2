import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import login_verified
from concierge.admin.concurrency import row_version
from fleet.models import Vehicle
from fleet.tests.factories import VehicleFactory
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client, superuser):
    login_verified(client, superuser)
    return client


def vehicle_post(owner, **overrides):
    data = {
        "client": str(owner.pk), "license_plate": "kdc 456d", "make": "Subaru", "model": "Forester",
        "year": "2016", "vin": "jf1sj5lc5gg123456", "mileage": "120000",
        "colour": "blue", "engine": "2.0 L boxer", "transmission": "cvt", "fuel": "petrol", "body_type": "",
        "services-TOTAL_FORMS": "0", "services-INITIAL_FORMS": "0",
        "services-MIN_NUM_FORMS": "0", "services-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_metadata_is_edited_as_named_fields_and_stored_in_jsonb(admin_browser):
    owner = ClientFactory()
    response = admin_browser.post(reverse("admin:fleet_vehicle_add"), vehicle_post(owner))
    assert response.status_code == 302
    vehicle = Vehicle.objects.get()
    assert vehicle.license_plate == "KDC 456D" and vehicle.vin == "JF1SJ5LC5GG123456"
    assert vehicle.metadata == {"colour": "blue", "engine": "2.0 L boxer", "transmission": "cvt", "fuel": "petrol"}
    page = admin_browser.get(reverse("admin:fleet_vehicle_change", args=[vehicle.pk])).content.decode()
    assert 'name="engine" value="2.0 L boxer"' in page


def test_metadata_keys_the_form_does_not_know_are_kept(admin_browser):
    vehicle = VehicleFactory(metadata={"colour": "silver", "import_ref": "KRA-99"})
    data = vehicle_post(vehicle.client, license_plate=vehicle.license_plate, vin=vehicle.vin, mileage=vehicle.mileage,
                        row_version=row_version(vehicle))
    admin_browser.post(reverse("admin:fleet_vehicle_change", args=[vehicle.pk]), data)
    vehicle.refresh_from_db()
    assert vehicle.metadata["import_ref"] == "KRA-99" and vehicle.metadata["colour"] == "blue"


def test_north_american_vin_with_a_wrong_check_digit_is_saved_with_a_warning(admin_browser):
    owner = ClientFactory()
    response = admin_browser.post(reverse("admin:fleet_vehicle_add"), vehicle_post(owner, vin="1M8GDM9A1KP042788"))
    assert response.status_code == 302
    assert Vehicle.objects.filter(vin="1M8GDM9A1KP042788").exists()
    assert any("check digit" in str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("vin", "JTDBT92350123456O", "may not contain O"),
        ("year", "1899", "from 1900"),
        ("mileage", "-5", ""),
        ("mileage", "99999999999", "at most 3,000,000 km"),
        ("mileage", "3000001", "at most 3,000,000 km"),
    ],
)
def test_bad_input_is_a_form_error_next_to_the_field(admin_browser, field, value, message):
    response = admin_browser.post(reverse("admin:fleet_vehicle_add"), vehicle_post(ClientFactory(), **{field: value}))
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    assert not Vehicle.objects.exists()


def test_lower_mileage_needs_the_correction_box(admin_browser):
    vehicle = VehicleFactory(mileage=95000)
    url = reverse("admin:fleet_vehicle_change", args=[vehicle.pk])
    data = vehicle_post(vehicle.client, license_plate=vehicle.license_plate, vin=vehicle.vin, mileage="90000",
                        row_version=row_version(vehicle))
    response = admin_browser.post(url, data)
    assert "lower than the last recorded" in str(response.context["adminform"].form.errors["mileage"])
    vehicle.refresh_from_db()
    assert vehicle.mileage == 95000
    response = admin_browser.post(url, {**data, "mileage_correction": "on"})
    assert response.status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.mileage == 90000


@pytest.mark.parametrize("term", ["kda123a", "KDA 123A", "kda 123a", "123A"])
def test_plate_search_with_or_without_the_space_in_any_case(admin_browser, term):
    wanted = VehicleFactory(license_plate="KDA 123A")
    VehicleFactory(license_plate="KDB 999Z")
    response = admin_browser.get(reverse("admin:fleet_vehicle_changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == [wanted]


def test_vehicle_search_by_vin_and_owner_phone(admin_browser):
    wanted = VehicleFactory(vin="JF1SJ5LC5GG123456", client=ClientFactory(phone="+254722000111"))
    VehicleFactory()
    for term in ("jf1sj5lc5gg123456", "0722 000 111"):
        response = admin_browser.get(reverse("admin:fleet_vehicle_changelist"), {"q": term})
        assert list(response.context["cl"].result_list) == [wanted]


def test_vehicle_page_shows_its_services_and_a_booking_link(admin_browser):
    vehicle = VehicleFactory()
    ServiceFactory(vehicle=vehicle, service_type="Wheel Alignment")
    page = admin_browser.get(reverse("admin:fleet_vehicle_change", args=[vehicle.pk])).content.decode()
    assert "Wheel Alignment" in page
    assert reverse("admin:servicing_service_add") + f"?vehicle={vehicle.pk}" in page


def test_year_filter(admin_browser):
    VehicleFactory(year=2010)
    VehicleFactory(year=2018)
    response = admin_browser.get(reverse("admin:fleet_vehicle_changelist"), {"year": "2018"})
    assert response.context["cl"].result_count == 1
