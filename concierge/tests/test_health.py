"""/health/ and /health/web/ (issue 14.5): what a balancer and monitoring read, and nothing more."""

import json

import pytest
from django.core.cache import cache
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings

from concierge.health import checks
from concierge.health.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    cache.delete(checks.HEARTBEAT_KEY)
    monkeypatch.setattr(checks, "_migrations_applied", False)


def _get(client, path, **extra):
    response = client.get(path, **extra)
    return response.status_code, json.loads(response.content)


def test_healthy_when_database_redis_migrations_and_a_recent_worker_heartbeat(client):
    worker_heartbeat()
    assert _get(client, "/health/") == (
        200, {"status": "ok", "checks": {"database": "ok", "redis": "ok", "migrations": "ok", "worker": "ok"}},
    )


def test_no_worker_heartbeat_fails_health_but_not_the_balancers_web_check(client):
    assert _get(client, "/health/") == (
        503, {"status": "failing", "checks": {"database": "ok", "redis": "ok", "migrations": "ok", "worker": "failing"}},
    )
    assert _get(client, "/health/web/")[0] == 200


def test_a_stale_heartbeat_counts_as_no_worker(client, settings):
    worker_heartbeat()
    settings.HEALTH_WORKER_MAX_AGE_SECONDS = -1
    assert _get(client, "/health/")[1]["checks"]["worker"] == "failing"


@pytest.mark.owner_role  # the application role may only read django_migrations
def test_an_unapplied_migration_fails_the_web_check(client):
    applied = MigrationRecorder.Migration.objects.filter(app="clients").order_by("-applied").first()
    applied.delete()  # rolled back with the test's transaction
    status, body = _get(client, "/health/web/")
    assert (status, body["checks"]["migrations"]) == (503, "failing")


def test_redis_down_is_503_and_the_body_names_no_host_path_or_error(client, tmp_path):
    nowhere = tmp_path / "no-redis.sock"
    with override_settings(CACHES={"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"unix://{nowhere}?db=1",
    }}):  # Django's test signals rebuild the cache handler on entry and on exit
        response = client.get("/health/web/")
    body = response.content.decode()
    assert response.status_code == 503
    assert json.loads(body)["checks"]["redis"] == "failing"
    assert str(tmp_path) not in body and "Error" not in body and "redis" in body


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["shop.example"])
def test_a_balancer_probes_by_address_over_http(client):
    assert client.get("/health/web/", HTTP_HOST="10.1.2.3").status_code == 200
    # Everything else still redirects to HTTPS and checks the host.
    assert client.get("/admin/login/", HTTP_HOST="shop.example").status_code == 301
    assert client.get("/admin/login/", HTTP_HOST="10.1.2.3").status_code == 400


def test_only_get_and_head(client):
    assert client.post("/health/").status_code == 405
