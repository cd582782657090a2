"""A NUL character (%00) in an address or a form field is a 400, never a 500 from PostgreSQL."""

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from concierge.accounts.roles import FRONT_DESK
from concierge.accounts.tests.factories import login_verified, staff_in_role
from concierge.nul_bytes import NulBytesMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def front_desk(client):
    login_verified(client, staff_in_role(FRONT_DESK))
    return client


@pytest.mark.parametrize("url", [
    "/admin/clients/client/?preferred_language__exact=%00",
    "/admin/clients/client/?q=Wanjiru%00",
    "/admin/clients/client/?%00=1",
    "/admin/clients/client/%00/change/",
])
def test_nul_in_the_address_is_a_bad_request(front_desk, url):
    response = front_desk.get(url)
    assert response.status_code == 400
    assert b"NUL" in response.content


def test_nul_in_a_form_field_is_a_bad_request(front_desk):
    response = front_desk.post("/admin/servicing/service/mine/", {"service": "1", "to": "completed", "mileage": "1\x00"})
    assert response.status_code == 400


def test_nul_in_a_multipart_form_field_is_a_bad_request(front_desk):
    response = front_desk.post("/admin/clients/client/add/", {"first_name": "Amina\x00"})  # multipart by default
    assert response.status_code == 400


def test_a_json_body_is_left_to_its_view():
    seen = []

    def view(request):
        seen.append(request.body)
        return HttpResponse("ok")

    body = json.dumps({"Body": {"note": "\u0000"}})
    request = RequestFactory().post("/callbacks/x/", data=body, content_type="application/json")
    response = NulBytesMiddleware(view)(request)
    assert response.status_code == 200
    assert seen == [body.encode()]
