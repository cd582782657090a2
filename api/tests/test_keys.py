import uuid
import datetime
import hashlib

import pytest
from django.utils import timezone

from api.models import ApiKey, ApiRequest
from api.services import api_key_revoke
from clients.models import Client
from concierge.accounts import roles
from concierge.accounts.tests.factories import login_verified, staff_in_role
from concierge.audit.models import AuditLog

from .factories import key_with

pytestmark = pytest.mark.django_db


def test_key_secret_is_stored_only_as_its_hash():
    key, headers = key_with("clients:read")
    token = headers["HTTP_AUTHORIZATION"].split()[1]
    key.refresh_from_db()
    assert token.startswith(f"nak_{key.prefix}_")
    assert key.secret_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(v) for v in ApiKey.objects.filter(pk=key.pk).values().first().values()]
    assert token not in stored and token.split("_", 2)[2] not in " ".join(stored)
    assert not key.acting_user.is_active and not key.acting_user.has_usable_password()


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer nak_ffffffff_wrong", "Basic abc"])
def test_a_missing_or_unknown_key_is_a_401_json(client, header):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/clients", **headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Missing, unknown, expired or revoked API key."}


def test_a_wrong_secret_with_a_real_prefix_is_a_401(client):
    key, headers = key_with("clients:read")
    response = client.get("/api/v1/clients", HTTP_AUTHORIZATION=f"Bearer nak_{key.prefix}_{'x' * 43}")
    assert response.status_code == 401


def test_expired_and_revoked_keys_are_refused(client):
    _, expired = key_with("clients:read", expires_at=timezone.now() + datetime.timedelta(seconds=1))
    ApiKey.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/clients", **expired).status_code == 401
    key, headers = key_with("clients:read")
    assert client.get("/api/v1/clients", **headers).status_code == 200
    assert api_key_revoke(key=key, by=None)
    assert client.get("/api/v1/clients", **headers).status_code == 401


def test_a_missing_scope_is_a_403_naming_it(client):
    _, headers = key_with("vehicles:read")
    response = client.get("/api/v1/clients", **headers)
    assert response.status_code == 403
    assert response.json() == {"detail": "This API key does not have the clients:read scope."}


def test_rate_limit_answers_429_with_retry_after(client, settings):
    settings.API_RATE_LIMIT = "3/min"
    _, headers = key_with("clients:read")
    statuses = [client.get("/api/v1/clients", **headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/clients", **headers)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another key has its own count.
    _, other = key_with("clients:read", name="Booking form")
    assert client.get("/api/v1/clients", **other).status_code == 200


def test_wrong_keys_from_one_address_are_rate_limited_too(client, settings):
    settings.API_RATE_LIMIT = "3/min"
    # A /64 of its own: other tests' refused keys from 127.0.0.1 share this minute's count.
    address = f"2001:db8:{uuid.uuid4().hex[:4]}::1"
    wrong = {"HTTP_AUTHORIZATION": "Bearer nak_guess_" + "x" * 43, "REMOTE_ADDR": address}
    statuses = [client.get("/api/v1/clients", **wrong).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    # Another address of the same /64 (one subscriber's) is the same sender.
    assert client.get("/api/v1/clients", **{**wrong, "REMOTE_ADDR": address.replace("::1", "::beef")}).status_code == 429
    assert 1 <= int(client.get("/api/v1/clients", **wrong)["Retry-After"]) <= 60
    # A good key from the same address still has its own count.
    _, headers = key_with("clients:read")
    assert client.get("/api/v1/clients", **headers, REMOTE_ADDR=address).status_code == 200


def test_every_request_is_logged_with_its_key_without_query_string(client):
    key, headers = key_with("vehicles:read")
    client.get("/api/v1/vehicles?plate=KDA123A", **headers)
    client.get("/api/v1/clients?updated_since=2026-01-01T00:00:00Z", **headers)
    logged = list(ApiRequest.objects.filter(key=key).order_by("at", "id").values_list("method", "path", "status"))
    assert logged == [("GET", "/api/v1/vehicles", 200), ("GET", "/api/v1/clients", 403)]
    key.refresh_from_db()
    assert key.last_used_at is not None
    # Using a key is not a change to it: its audit trail holds its making only.
    assert list(AuditLog.objects.filter(table_name="api_keys", record_id=key.pk).values_list("action", flat=True)) == ["INSERT"]


def test_writes_are_audited_as_the_key(client):
    key, headers = key_with("clients:write")
    response = client.post(
        "/api/v1/clients", {"first_name": "Wanjiru", "last_name": "Kamau", "email": "w@example.co.ke", "phone": "0712345678"},
        content_type="application/json", **headers,
    )
    assert response.status_code == 201, response.json()
    created = Client.objects.get(pk=response.json()["id"])
    row = AuditLog.objects.get(table_name="clients", record_id=created.pk, action="INSERT")
    assert row.user_id == key.acting_user_id
    assert str(key.acting_user) == "API key Accounting sync"


def test_only_managers_make_keys_and_the_secret_is_shown_once(client):
    desk = staff_in_role(roles.FRONT_DESK)
    login_verified(client, desk)
    assert client.get("/admin/api/apikey/add/").status_code == 403
    manager = staff_in_role(roles.MANAGER)
    login_verified(client, manager)
    response = client.post("/admin/api/apikey/add/", {"name": "Fleet portal", "scopes": ["vehicles:read", "services:read"]})
    assert response.status_code == 200
    key = ApiKey.objects.get(name="Fleet portal")
    token = response.context["token"]
    assert token.startswith(f"nak_{key.prefix}_") and token in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert key.created_by == manager and key.scopes == ["services:read", "vehicles:read"]
    # The key's own pages never show it again.
    page = client.get(f"/admin/api/apikey/{key.pk}/change/")
    assert page.status_code == 200 and token not in page.content.decode()
    assert client.get("/api/v1/vehicles", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_managers_revoke_keys_from_the_list(client):
    manager = staff_in_role(roles.MANAGER)
    login_verified(client, manager)
    key, headers = key_with("clients:read", by=manager)
    response = client.post("/admin/api/apikey/", {"action": "revoke_selected", "_selected_action": [str(key.pk)]})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == manager
    assert client.get("/api/v1/clients", **headers).status_code == 401
