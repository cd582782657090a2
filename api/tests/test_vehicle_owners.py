"""A car's client changed through the API goes through fleet.services, as in the admin: the seller's
period ends, the buyer's begins."""

import datetime
import json

import pytest
from django.utils import timezone

from api.tests.factories import key_with
from clients.tests.factories import ClientFactory
from fleet.models import VehicleOwnership
from fleet.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def test_a_new_client_by_patch_moves_the_cars_owner_periods(client):
    _, headers = key_with("vehicles:write", "vehicles:read")
    seller, buyer = ClientFactory(), ClientFactory()
    car = VehicleFactory(client=seller, created_at=timezone.now() - datetime.timedelta(days=30))
    etag = client.get(f"/api/v1/vehicles/{car.pk}", **headers)["ETag"]

    response = client.patch(f"/api/v1/vehicles/{car.pk}", json.dumps({"client": str(buyer.pk)}),
                            content_type="application/json", HTTP_IF_MATCH=etag, **headers)

    assert response.status_code == 200, response.json()
    owners = list(VehicleOwnership.objects.filter(vehicle=car).order_by("started_at").values_list("client", "ended_at"))
    assert [o[0] for o in owners] == [seller.pk, buyer.pk]
    assert owners[0][1] is not None and owners[1][1] is None
