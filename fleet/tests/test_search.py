"""The staff vehicles search (fleet.selectors.vehicle_admin_search_filter): the admin's fields and
word-by-word rule, with the owners matched by id instead of an OR across the join."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from concierge.accounts.tests.factories import login_verified
from fleet import selectors
from fleet.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("limit", [selectors.SEARCH_CLIENT_IDS_MAX, 0])  # 0: the fallback join for common names
def test_each_word_must_match_plate_vin_make_model_or_owner_name(client, superuser, monkeypatch, limit):
    monkeypatch.setattr(selectors, "SEARCH_CLIENT_IDS_MAX", limit)
    wanjiku = ClientFactory(first_name="Wanjiku", last_name="Mwangi")
    fielder = VehicleFactory(client=wanjiku, make="Toyota", model="Fielder", license_plate="KDC 100A")
    demio = VehicleFactory(client=wanjiku, make="Mazda", model="Demio", license_plate="KDD 200B")
    other = VehicleFactory(client=ClientFactory(first_name="Brian", last_name="Ouma"), make="Toyota",
                           model="Probox", license_plate="KCA 300C")
    login_verified(client, superuser)

    def found(term):
        return set(client.get(reverse("admin:fleet_vehicle_changelist"), {"q": term}).context["cl"].result_list)

    assert found("mwangi") == {fielder, demio}
    assert found("toyota") == {fielder, other}
    assert found("toyota wanjiku") == {fielder}
    assert found("demio") == {demio}
    assert found("kca300c") == {other}
    assert found("nobody") == set()
