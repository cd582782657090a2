"""Schemathesis against the API's schema, through the WSGI app (no server, no network): requests
generated from every operation, with a key holding every scope, on a shop with one row of each kind.
Bounded (a few derandomised examples per operation) so the suite stays quick and repeatable.

The schema is taken from the API object at collection (no database then; schemathesis' fixture loader
does not run under pytest 9); the first test proves it is the one served at /api/v1/openapi.json."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.v1 import api

from .factories import key_with

SCHEMA = api.get_openapi_schema()
schema = schemathesis.openapi.from_dict(SCHEMA)
schema.app = WSGIHandler()


@pytest.mark.django_db
def test_the_schema_tested_is_the_one_served(client):
    served = client.get("/api/v1/openapi.json").json()
    assert served == SCHEMA
    assert len(served["paths"]) >= 12


@pytest.fixture
def every_scope(shop, settings):
    settings.API_RATE_LIMIT = "100000/min"
    # As Django's test client does: the requests share the test's transaction, so the handler must not
    # close the connection at the start and end of each one.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": key_with()[1]["HTTP_AUTHORIZATION"]}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=8, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_server_error_and_every_answer_as_documented(case, every_scope):
    case.call_and_validate(headers=every_scope, checks=[not_a_server_error, response_schema_conformance])
