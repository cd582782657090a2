"""An attacker at the open API: forged cursors, NULs in the path and query, malformed keys, bad ids,
huge page sizes, odd If-Match values and bodies that are not JSON or carry NULs. Each is a clear 4xx
(never a 500), and nothing is written."""

import base64
import json
import uuid

import pytest

from api.models import ApiRequest
from api.tests.factories import key_with
from clients.models import Client

pytestmark = pytest.mark.django_db

LISTS = ["clients", "vehicles", "services", "estimates", "invoices", "payments", "notifications"]


def _cursor(raw: str | bytes) -> str:
    return base64.urlsafe_b64encode(raw if isinstance(raw, bytes) else raw.encode()).decode().rstrip("=")


FORGED_CURSORS = {
    "not base64": "!!!",
    "not JSON": _cursor(b"\xff\xfe"),
    "a list of numbers": _cursor("[1, 2]"),
    "an object": _cursor('{"a": 1}'),
    "nested past the parser's recursion limit": _cursor("[" * 100_000),
    "year 1 at +14:00 (before year 1 in UTC)": _cursor(f'["0001-01-01T00:00:00+14:00", "{uuid.uuid4()}"]'),
    "year 9999 at -14:00 (past 9999 in UTC)": _cursor(f'["9999-12-31T23:59:59-14:00", "{uuid.uuid4()}"]'),
    "a NUL in the id": _cursor('["2026-01-01T00:00:00+00:00", "\\u0000"]'),
    "NaN": _cursor("[NaN, 1e400]"),
    "5000 digits": _cursor('["2026-01-01T00:00:00+00:00", ' + "1" * 5000 + "]"),
}


@pytest.mark.parametrize("forged", FORGED_CURSORS)
def test_a_forged_cursor_is_a_400(client, forged):
    _, headers = key_with()
    for resource in LISTS:
        response = client.get(f"/api/v1/{resource}", {"cursor": FORGED_CURSORS[forged]}, **headers)
        assert response.status_code == 400, (resource, response.content)
        assert "cursor" in response.json()["detail"]


def test_a_nul_in_the_path_is_a_404_kept_in_the_request_log(client):
    key, headers = key_with()
    for path in ("/api/v1/clients/%00", f"/api/v1/clients/{uuid.UUID(int=0)}%00", "/api/v1/clients%00"):
        assert client.get(path, **headers).status_code in (404, 422), path
    logged = list(ApiRequest.objects.filter(key=key).values_list("path", flat=True))
    # The last never reached the API's router (no key was read): Django's own 404, nothing to log.
    assert set(logged) == {"/api/v1/clients/\\u0000", f"/api/v1/clients/{uuid.UUID(int=0)}\\u0000"}


@pytest.mark.parametrize("token", [
    "nak_zzzzzzzz_" + "x" * 43, "nak_\x00_" + "x" * 43, "nak_GG_x", "nak_abcdefg_" + "x" * 43, "nak_é_x",
    "nak_\ud800_x", "nak_" + "a" * 17 + "_x", "nak__x", "nak_abc", "x" * 100_000, "PREFIX_\x00",
])
def test_a_malformed_key_is_a_401(client, token):
    assert client.get("/api/v1/clients", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


@pytest.mark.parametrize("secret", ["\x00", "\ud800", "x" * 42 + "\x00"])
def test_a_known_prefix_with_a_malformed_secret_is_a_401(client, secret):
    key, _ = key_with()
    response = client.get("/api/v1/clients", HTTP_AUTHORIZATION=f"Bearer nak_{key.prefix}_{secret}")
    assert response.status_code == 401


@pytest.mark.parametrize(("path", "body"), [
    ("/api/v1/clients", {"first_name": "A\ud800", "last_name": "B", "email": "a@example.co.ke", "phone": "0712000999"}),
    ("/api/v1/clients/search", {"phone": "07\ud800"}),
    ("/api/v1/clients/search", {"email": "a\udc00@example.co.ke"}),
])
def test_a_lone_surrogate_in_a_body_is_a_400_and_nothing_is_written(client, path, body):
    _, headers = key_with()
    # json.dumps writes the surrogate as the escape "\ud800", which json.loads reads back as one.
    response = client.post(path, json.dumps(body), content_type="application/json", **headers)
    assert response.status_code == 400 and response.json()["detail"] == "Cannot parse request body"
    assert not Client.objects.exists()


BAD_BODIES = [
    "not json", "[1]", '"text"', "null", "1e400", "[" * 5000 + "]" * 5000, '{"first_name": "\\ud800"}',
    json.dumps({"first_name": "A\x00", "last_name": "B\x00", "phone": "07\x00", "email": "a\x00@b.co",
                "registration": "K\x00", "make": "\x00", "status": "\x00", "vehicle": "\x00", "notes": "\x00"}),
    json.dumps({"first_name": {"a": 1}, "vehicle": [1], "client": 5, "year": 1.5, "cost": "9" * 5000}),
]


def test_no_endpoint_answers_a_500_to_hostile_input(client, shop, settings):
    settings.API_RATE_LIMIT = "100000/min"
    _, headers = key_with()
    client.raise_request_exception = False
    answers = []
    for resource in LISTS:
        for params in ({"limit": 10**30}, {"limit": "1e400"}, {"limit": 0}, {"updated_since": "9999-12-31T23:59:59-14:00"},
                       {"client": "not-a-uuid"}, {"cursor": "a" * 100_000}, {"status": "\x00"}):
            answers.append((resource, params, client.get(f"/api/v1/{resource}", params, **headers).status_code))
        for bad_id in ("not-a-uuid", "%00", "x" * 5000, "00000000-0000-0000-0000-000000000000"):
            answers.append((resource, bad_id, client.get(f"/api/v1/{resource}/{bad_id}", **headers).status_code))
    writes = [("post", "/api/v1/clients"), ("post", "/api/v1/vehicles"), ("post", "/api/v1/services"),
              ("post", "/api/v1/clients/search"), ("patch", f"/api/v1/clients/{shop['client'].pk}"),
              ("patch", f"/api/v1/vehicles/{shop['vehicle'].pk}"), ("patch", f"/api/v1/services/{shop['service'].pk}")]
    for method, path in writes:
        for body in BAD_BODIES:
            for if_match in ('"x"', "\x00", "W/", "x" * 10_000, None):
                extra = {"HTTP_IDEMPOTENCY_KEY": "k1", **({} if if_match is None else {"HTTP_IF_MATCH": if_match})}
                response = getattr(client, method)(path, body, content_type="application/json", **headers, **extra)
                answers.append((path, body[:30], response.status_code))
    # A list ignores a filter it does not have (200); everything else is refused.
    assert [answer for answer in answers if answer[-1] >= 500 or answer[-1] < 400 and not isinstance(answer[1], dict)] == []
    assert Client.objects.count() == 1  # the shop's own
