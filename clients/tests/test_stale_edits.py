"""No lost edits on a client or on the cars edited on the client's page (issue 13 item 4)."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.test import Client as Browser
from django.urls import reverse

from clients.models import Client
from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import UserFactory, login_verified
from concierge.tests.admin_forms import posted_as_opened
from concierge.tests.concurrency import at_once
from fleet.tests.factories import VehicleFactory

# Real commits: each save is its own transaction, as two staff members' are.
pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(first_name, last_name):
    browser = Browser()
    login_verified(browser, UserFactory(is_superuser=True, first_name=first_name, last_name=last_name))
    return browser


def change_url(client):
    return reverse("admin:clients_client_change", args=[client.pk])


def errors_of(response):
    """Every error on the page (the client form's and each car row's), as one line of text."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += inline.formset.forms
    return " ".join(html.unescape(" ".join(str(e) for e in form.non_field_errors())) for form in forms)


def test_b_saving_a_client_page_opened_before_a_saved_is_refused_and_a_address_kept():
    owner = ClientFactory(address="Ngong Road, Nairobi", first_name="Achieng")
    amina, brian = signed_in("Amina", "Hassan"), signed_in("Brian", "Kiprop")
    page_a, page_b = amina.get(change_url(owner)), brian.get(change_url(owner))
    assert amina.post(change_url(owner), posted_as_opened(page_a, address="Riverside Drive 14")).status_code == 302
    refused = brian.post(change_url(owner), posted_as_opened(page_b, first_name="Wanjiru"))
    assert refused.status_code == 200
    message = errors_of(refused)
    assert "Amina Hassan" in message and "Address: Ngong Road, Nairobi → Riverside Drive 14" in message
    owner.refresh_from_db()
    assert (owner.address, owner.first_name) == ("Riverside Drive 14", "Achieng")


def test_a_car_row_changed_on_the_car_page_is_not_saved_over_from_the_client_page():
    owner = ClientFactory()
    car = VehicleFactory(client=owner, mileage=85000, metadata={"colour": "silver"})
    amina, brian = signed_in("Amina", "Hassan"), signed_in("Brian", "Kiprop")
    client_page = amina.get(change_url(owner))
    car_url = reverse("admin:fleet_vehicle_change", args=[car.pk])
    assert brian.post(car_url, posted_as_opened(brian.get(car_url), mileage="91000")).status_code == 302
    refused = amina.post(change_url(owner), posted_as_opened(client_page, **{"vehicles-0-colour": "white"}))
    assert refused.status_code == 200
    assert "Brian Kiprop" in errors_of(refused) and "Mileage: 85000 → 91000" in errors_of(refused)
    car.refresh_from_db()
    assert (car.mileage, car.metadata) == (91000, {"colour": "silver"})


def test_saving_the_client_page_writes_only_the_changed_car_row_fields():
    owner = ClientFactory()
    car = VehicleFactory(client=owner, mileage=85000, metadata={"colour": "silver", "engine": "1.5 L"})
    browser = signed_in("Amina", "Hassan")
    data = posted_as_opened(browser.get(change_url(owner)), **{"vehicles-0-colour": "white"})
    with CaptureQueriesContext(connection) as queries:
        assert browser.post(change_url(owner), data).status_code == 302
    car.refresh_from_db()
    assert car.metadata == {"colour": "white", "engine": "1.5 L"} and car.mileage == 85000
    # One UPDATE, of the one column that changed; none of the client, whose fields were left as they were.
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and updates[0].startswith('UPDATE "vehicles" SET "metadata" = ')
    assert updates[0].count(" = ") == 2  # SET metadata, WHERE id


def test_two_staff_saving_one_client_at_once_one_save_wins_and_the_other_is_told():
    owner = ClientFactory(address="Ngong Road, Nairobi", first_name="Achieng")
    amina, brian = signed_in("Amina", "Hassan"), signed_in("Brian", "Kiprop")
    post_a = posted_as_opened(amina.get(change_url(owner)), address="Riverside Drive 14")
    post_b = posted_as_opened(brian.get(change_url(owner)), first_name="Akinyi")
    responses = at_once(owner, lambda: amina.post(change_url(owner), post_a),
                        lambda: brian.post(change_url(owner), post_b))
    assert sorted(r.status_code for r in responses) == [200, 302]
    saved = Client.objects.get(pk=owner.pk)
    first_won = responses[0].status_code == 302
    expected = ("Riverside Drive 14", "Achieng") if first_won else ("Ngong Road, Nairobi", "Akinyi")
    assert (saved.address, saved.first_name) == expected
