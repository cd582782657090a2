"""A key with one scope, through every operation the schema lists: 403 wherever that scope is not the
one asked for, and nothing it can read carries the contact details of a client unless it reads clients."""

import json
import re

import pytest

from api.scopes import ALL_SCOPES
from api.v1 import api

from .factories import key_with

pytestmark = pytest.mark.django_db

# The resource of an operation is its first path segment; its verb, read for GET (and the clients
# search, a read sent as POST so the phone stays out of the URL), write otherwise.
OPERATIONS = [
    (method.upper(), path)
    for path, item in api.get_openapi_schema()["paths"].items()
    for method in item
]
ROW_FOR = {"clients": "client", "vehicles": "vehicle", "services": "service", "estimates": "estimate",
           "invoices": "invoice", "payments": "payment", "notifications": "notification"}


def needed_scope(method, path):
    resource = path.removeprefix("/api/v1/").split("/")[0]
    verb = "read" if method == "GET" or path.endswith("/clients/search") else "write"
    return f"{resource}:{verb}"


def call(client, method, path, shop, headers):
    resource = path.removeprefix("/api/v1/").split("/")[0]
    url = re.sub(r"\{[a-z_]+\}", str(shop[ROW_FOR[resource]].pk), path)
    body = {"phone": shop["client"].phone} if path.endswith("/search") else {}
    if method == "GET":
        return client.get(url, **headers)
    return client.generic(method, url, json.dumps(body), content_type="application/json", HTTP_IF_MATCH='"x"', **headers)


def test_every_operation_is_covered_by_one_scope():
    assert {needed_scope(m, p) for m, p in OPERATIONS} == set(ALL_SCOPES)


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_a_key_with_one_scope_is_refused_everywhere_else_and_sees_no_contact_details(client, shop, scope):
    _, headers = key_with(scope)
    owner = shop["client"]
    for method, path in OPERATIONS:
        response = call(client, method, path, shop, headers)
        if needed_scope(method, path) != scope:
            assert response.status_code == 403, (method, path, response.content)
            assert response.json() == {"detail": f"This API key does not have the {needed_scope(method, path)} scope."}
            continue
        assert response.status_code != 403, (method, path)
        if scope != "clients:read":
            body = response.content.decode()
            assert owner.email not in body and owner.phone not in body, (method, path)
