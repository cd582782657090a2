"""A client's registration is said by the service that makes it (clients/signals.py), with the acting
user, from every writer: the admin, the CSV import; a plain save says nothing."""

import pytest
from django.core.management import call_command
from django.test import Client as Browser
from django.urls import reverse

from clients import signals
from clients.models import Client
from clients.services import client_create
from concierge.accounts.tests.factories import login_verified
from concierge.tests.signals import received
from clients import workflow_events as clients_events
from fleet import workflow_events as fleet_events
from concierge.workflows.models import Event
from fleet import signals as fleet_signals

pytestmark = pytest.mark.django_db


def test_registering_a_client_sends_client_created_with_who_registered_them(superuser):
    with received(signals.client_created) as sends:
        client = client_create(client=Client(first_name="Wanjiru", last_name="Kamau", email="w@example.co.ke"),
                               by=superuser)
    assert [(s["sender"], s["client"], s["by"]) for s in sends] == [(Client, client, superuser)]
    assert Event.objects.filter(name=clients_events.CLIENT_CREATED, client=client).count() == 1


def test_a_plain_save_sends_nothing_and_fires_no_event():
    with received(signals.client_created) as sends:
        client = Client(first_name="Wanjiru", last_name="Kamau", email="w@example.co.ke")
        client.save()
    assert sends == [] and not Event.objects.filter(client=client).exists()


@pytest.mark.django_db(transaction=True)
def test_the_admin_add_page_sends_client_created_by_its_user(superuser):
    browser = Browser()
    login_verified(browser, superuser)
    data = {"first_name": "Wanjiru", "last_name": "Kamau", "email": "w@example.co.ke", "phone": "0712 345 678",
            "vehicles-TOTAL_FORMS": "0", "vehicles-INITIAL_FORMS": "0"}
    with received(signals.client_created) as sends:
        assert browser.post(reverse("admin:clients_client_add"), data).status_code == 302
    client = Client.objects.get()
    assert [(s["client"], s["by"], s["in_transaction"]) for s in sends] == [(client, superuser, True)]
    assert Event.objects.filter(name=clients_events.CLIENT_CREATED, client=client).count() == 1


def test_the_csv_import_sends_client_created_and_vehicle_added(tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text("first_name,last_name,email,vin,make,model,mileage\n"
                    "Wanjiru,Kamau,w@example.co.ke,JM1DE123456789012,Mazda,Demio,40000\n", encoding="utf-8")
    with received(signals.client_created) as clients, received(fleet_signals.vehicle_added) as cars:
        call_command("import_clients", str(path))
    assert [(s["client"].email, s["by"]) for s in clients] == [("w@example.co.ke", None)]
    assert [(s["vehicle"].vin, s["by"]) for s in cars] == [("JM1DE123456789012", None)]
    assert sorted(Event.objects.values_list("name", flat=True)) == [clients_events.CLIENT_CREATED, fleet_events.VEHICLE_ADDED]
