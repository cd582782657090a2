import re

import pytest
from django.urls import reverse

from clients.models import Client
from concierge.admin.concurrency import row_version
from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import login_verified
from fleet.models import Vehicle
from fleet.tests.factories import VehicleFactory
from servicing.models import ServiceStatus
from servicing.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def client_post(**overrides):
    data = {
        "first_name": "Wanjiru", "last_name": "Kamau", "email": "Wanjiru@Example.co.ke", "phone": "0712 345 678",
        "address": "Kilimani", "consent_gdpr": "on",
        "vehicles-TOTAL_FORMS": "0", "vehicles-INITIAL_FORMS": "0",
        "vehicles-MIN_NUM_FORMS": "0", "vehicles-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def vehicle_row(index=0, **overrides):
    row = {"license_plate": "kda123a", "make": "Toyota", "model": "Fielder", "year": "2014",
           "vin": "jtdbt923501234567", "mileage": "85000", "colour": "silver"}
    row.update(overrides)
    return {f"vehicles-{index}-{key}": value for key, value in row.items()}


@pytest.fixture
def admin_browser(client, superuser):
    login_verified(client, superuser)
    return client


def test_phone_typed_locally_is_stored_as_e164(admin_browser):
    response = admin_browser.post(reverse("admin:clients_client_add"), client_post())
    assert response.status_code == 302
    saved = Client.objects.get()
    assert saved.phone == "+254712345678"
    assert saved.email == "wanjiru@example.co.ke"


def test_invalid_phone_is_a_form_error_beside_the_field_and_nothing_is_saved(admin_browser):
    response = admin_browser.post(reverse("admin:clients_client_add"), client_post(phone="0712 34"))
    assert response.status_code == 200
    assert "valid phone number" in str(response.context["adminform"].form.errors["phone"])
    assert not Client.objects.exists()


def test_vehicle_added_from_the_client_page_gets_a_normalised_plate_and_vin(admin_browser):
    data = client_post(**{"vehicles-TOTAL_FORMS": "1"}, **vehicle_row())
    response = admin_browser.post(reverse("admin:clients_client_add"), data)
    assert response.status_code == 302
    vehicle = Vehicle.objects.get()
    assert (vehicle.license_plate, vehicle.vin) == ("KDA 123A", "JTDBT923501234567")
    assert vehicle.metadata == {"colour": "silver"}


def test_saving_the_client_page_keeps_what_its_car_rows_do_not_show(admin_browser):
    """A car row shows the colour but not the engine, fuel or transmission: saving the client page must
    leave those as they were (a field the row had but did not render was posted empty and erased them)."""
    owner = ClientFactory(first_name="Wanjiru", last_name="Kamau", email="wanjiru@example.co.ke", phone="0712345678")
    car = VehicleFactory(client=owner, license_plate="KDA 123A", vin="JTDBT923501234567", year=2014, mileage=85000,
                         metadata={"colour": "silver", "engine": "1.5 L petrol", "fuel": "petrol"})
    data = client_post(**{"vehicles-TOTAL_FORMS": "1", "vehicles-INITIAL_FORMS": "1",
                          "vehicles-0-id": str(car.pk), "vehicles-0-client": str(owner.pk),
                          "row_version": row_version(Client.objects.get(pk=owner.pk))},
                       **vehicle_row(colour="white", row_version=row_version(Vehicle.objects.get(pk=car.pk))))
    response = admin_browser.post(reverse("admin:clients_client_change", args=[owner.pk]), data)
    assert response.status_code == 302
    car.refresh_from_db()
    assert car.metadata == {"colour": "white", "engine": "1.5 L petrol", "fuel": "petrol"}


def test_a_plate_typed_differently_is_still_a_duplicate(admin_browser):
    VehicleFactory(license_plate="KDA 123A")
    data = client_post(**{"vehicles-TOTAL_FORMS": "1"}, **vehicle_row(license_plate="kda-123a"))
    response = admin_browser.post(reverse("admin:clients_client_add"), data)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "already exists" in str(formset.forms[0].errors["license_plate"])
    assert not Client.objects.by_email("wanjiru@example.co.ke").exists()  # nothing half-written


@pytest.mark.parametrize("term", ["0712 345 678", "+254712345678", "712345678", "254 712 345678"])
def test_search_finds_a_client_by_phone_typed_any_usual_way(admin_browser, term):
    wanted = ClientFactory(phone="+254712345678", last_name="Kamau")
    ClientFactory(phone="+254712345679", last_name="Otieno")
    response = admin_browser.get(reverse("admin:clients_client_changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == [wanted]


def test_search_by_name_and_email_still_works(admin_browser):
    wanted = ClientFactory(first_name="Achieng", last_name="Odhiambo", email="achieng@example.co.ke")
    ClientFactory(first_name="Kamau", last_name="Ruto")
    # Email is encrypted at rest: matched whole (any case) through its keyed hash, not by a fragment.
    for term in ("achieng", "Odhiambo", "achieng@example.co.ke", " Achieng@Example.co.ke "):
        response = admin_browser.get(reverse("admin:clients_client_changelist"), {"q": term})
        assert list(response.context["cl"].result_list) == [wanted]


def test_client_page_shows_vehicles_and_service_history_with_status_and_cost(admin_browser):
    owner = ClientFactory()
    vehicle = VehicleFactory(client=owner, license_plate="KDB 777C")
    ServiceFactory(vehicle=vehicle, service_type="Brake Repair", status=ServiceStatus.IN_PROGRESS, cost="12500.00")
    response = admin_browser.get(reverse("admin:clients_client_change", args=[owner.pk]))
    html = response.content.decode()
    assert 'value="KDB 777C"' in html
    assert "Brake Repair" in html and "In progress" in html and "12,500.00" in html
    assert reverse("admin:fleet_vehicle_add") + f"?client={owner.pk}" in html


def test_consent_and_created_filters_are_offered(admin_browser):
    ClientFactory(consent_gdpr=True)
    ClientFactory(consent_gdpr=False)
    response = admin_browser.get(reverse("admin:clients_client_changelist"), {"consent_gdpr__exact": "0"})
    assert response.context["cl"].result_count == 1
    response = admin_browser.get(reverse("admin:clients_client_changelist"), {"created_at__gte": "2000-01-01 00:00:00+03:00"})
    assert response.context["cl"].result_count == 2


def test_each_input_of_a_vehicle_row_is_named_for_screen_readers(admin_browser):
    # The column header is not a <label>: without aria-label axe found 80 unlabelled inputs (critical).
    owner = ClientFactory()
    VehicleFactory(client=owner)
    page = admin_browser.get(reverse("admin:clients_client_change", args=[owner.pk])).content.decode()

    assert 'name="vehicles-0-make"' in page
    inputs = re.findall(r"<input[^>]*>", page)
    assert any('name="vehicles-0-make"' in tag and 'aria-label="Make, row 1"' in tag for tag in inputs)
    assert any('name="vehicles-__prefix__-make"' in tag and 'aria-label="Make"' in tag for tag in inputs)
    unlabelled = [
        tag for tag in inputs if 'name="vehicles-' in tag and 'type="hidden"' not in tag and "aria-label=" not in tag
    ]
    assert unlabelled == []


def _messages(response):
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_saving_a_phone_another_client_has_saves_it_with_a_warning_not_an_error(admin_browser):
    ClientFactory(first_name="Brian", last_name="Kamau", phone="+254712345678")

    response = admin_browser.post(reverse("admin:clients_client_add"), client_post(phone="0712 345 678"), follow=True)

    assert Client.objects.by_phone("+254712345678").count() == 2
    notices = [text for level, text in _messages(response) if level == "warning"]
    assert len(notices) == 1 and "Brian Kamau" in notices[0] and "choose which of them" in notices[0]
    assert not [text for level, text in _messages(response) if level == "error"]


def test_changing_a_phone_to_one_another_client_has_warns_and_other_edits_do_not(admin_browser):
    ClientFactory(first_name="Brian", last_name="Kamau", phone="+254712345678")
    mother = ClientFactory(first_name="Wanjiru", last_name="Kamau", email="wanjiru@example.co.ke", phone="+254700000001")
    url = reverse("admin:clients_client_change", args=[mother.pk])

    changed = admin_browser.post(url, client_post(email=mother.email, phone="+254712345678",
                                                  row_version=row_version(Client.objects.get(pk=mother.pk))), follow=True)
    assert [level for level, text in _messages(changed) if "Brian Kamau" in text] == ["warning"]

    address_only = admin_browser.post(url, client_post(email=mother.email, phone="+254712345678", address="Karen",
                                                       row_version=row_version(Client.objects.get(pk=mother.pk))),
                                      follow=True)
    assert not [text for level, text in _messages(address_only) if "Brian Kamau" in text]


def test_a_phone_nobody_else_has_gives_no_notice(admin_browser):
    ClientFactory(phone="+254722000111")

    response = admin_browser.post(reverse("admin:clients_client_add"), client_post(), follow=True)

    assert [level for level, _ in _messages(response)] == ["success"]



def test_staff_set_a_clients_preferred_language_on_the_client_page(admin_browser):
    owner = ClientFactory(email="wanjiru@example.co.ke")
    url = reverse("admin:clients_client_change", args=[owner.pk])
    assert '<select name="preferred_language"' in admin_browser.get(url).content.decode()

    saved = admin_browser.post(url, client_post(preferred_language="sw", row_version=row_version(owner)))

    assert saved.status_code == 302
    owner.refresh_from_db()
    assert owner.preferred_language == "sw"
    # A post without the field (an older page) keeps it; one that is not a language is refused beside it.
    admin_browser.post(url, client_post(address="Karen", row_version=row_version(Client.objects.get(pk=owner.pk))))
    owner.refresh_from_db()
    assert (owner.preferred_language, owner.address) == ("sw", "Karen")
    refused = admin_browser.post(url, client_post(preferred_language="fr", row_version=row_version(owner)))
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
