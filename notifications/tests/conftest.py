"""Fixtures for tests that run the real thing: a Redis of their own, Celery worker and beat processes
on the test database, and the fake Africa's Talking server."""

import pytest
from django.conf import settings

from concierge.celery import app as celery_app
from notifications.tests.fake_provider import FakeAfricasTalking
from concierge.processes import CeleryProcess, DedicatedRedis, process_env


def _use_broker(url):
    # This process publishes (on commit) to the same Redis the subprocess worker reads.
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_server():
    server = DedicatedRedis().start()
    _use_broker("redis+socket://" + str(server.socket) + "?virtual_host=0")
    yield server
    _use_broker(settings.CELERY_BROKER_URL)
    server.close()


@pytest.fixture
def sms_provider():
    with FakeAfricasTalking() as provider:
        yield provider


@pytest.fixture
def worker_env(transactional_db, redis_server, sms_provider):
    return process_env(
        redis_url=redis_server.url,
        TEST_SMS_BACKEND="notifications.backends.africastalking.AfricasTalkingSMSBackend",
        AFRICASTALKING_USERNAME="ndegwa", AFRICASTALKING_API_KEY=sms_provider.api_key,
        AFRICASTALKING_BASE_URL=sms_provider.base_url, AFRICASTALKING_TIMEOUT=5,
        NOTIFICATION_RETRY_BASE_SECONDS=0.2, NOTIFICATION_RETRY_CAP_SECONDS=1, NOTIFICATION_MAX_ATTEMPTS=8,
        NOTIFICATION_SWEEP_AGE_SECONDS=2, NOTIFICATION_SWEEP_INTERVAL=1, NOTIFICATION_CLAIM_TIMEOUT_SECONDS=5,
        WORKFLOWS_TIME_EVENTS_INTERVAL=3600, CONN_MAX_AGE=0,
    )


@pytest.fixture
def start_celery(worker_env, tmp_path):
    """start_celery("worker") / start_celery("beat"): started, waited for, and stopped after the test.
    Their logs stay in the test's tmp_path (pytest keeps the last few runs) for a failure's post-mortem."""
    started = []

    def start(kind="worker", **env_overrides):
        process = CeleryProcess(kind, {**worker_env, **{k: str(v) for k, v in env_overrides.items()}}, log_dir=tmp_path)
        started.append(process)
        return process.wait_ready()

    yield start
    for process in started:
        process.stop()
