"""Fixtures for the eTIMS tests: the fake KRA server, settings pointing at it, and (for the worker
test) a Redis of their own with a real Celery worker on the test database."""

import pytest
from django.conf import settings as django_settings

from concierge.celery import app as celery_app
from concierge.processes import CeleryProcess, DedicatedRedis, process_env
from etims import services

from .fake_etims import FakeEtims


@pytest.fixture
def etims_server():
    with FakeEtims() as server:
        yield server


@pytest.fixture
def etims_settings(settings, etims_server):
    """eTIMS configured against the fake server, with short retries and timeouts."""
    settings.ETIMS_BASE_URL = etims_server.base_url
    settings.ETIMS_PIN, settings.ETIMS_BRANCH_ID = etims_server.tin, etims_server.branch_id
    settings.ETIMS_DEVICE_SERIAL, settings.ETIMS_CMC_KEY = etims_server.device_serial, ""
    settings.ETIMS_TIMEOUT = 1.0
    settings.ETIMS_RETRY_BASE_SECONDS, settings.ETIMS_RETRY_CAP_SECONDS = 0.0, 0.0
    services._cmc_keys.clear()
    yield settings
    services._cmc_keys.clear()


def _use_broker(url):
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker():
    """A Redis of this test's own as the Celery broker: what is queued can be read back from it."""
    redis = DedicatedRedis().start()
    _use_broker("redis+socket://" + str(redis.socket) + "?virtual_host=0")
    yield redis
    _use_broker(django_settings.CELERY_BROKER_URL)
    redis.close()


@pytest.fixture
def celery_worker(transactional_db, broker, etims_settings, etims_server, tmp_path):
    """A real `celery -A concierge worker` on the test database, configured for the fake eTIMS server."""
    env = process_env(
        redis_url=broker.url, CONN_MAX_AGE=0, ETIMS_BASE_URL=etims_server.base_url, ETIMS_PIN=etims_server.tin,
        ETIMS_BRANCH_ID=etims_server.branch_id, ETIMS_DEVICE_SERIAL=etims_server.device_serial,
        ETIMS_TIMEOUT=5, ETIMS_RETRY_BASE_SECONDS=0.2, ETIMS_RETRY_CAP_SECONDS=0.5,
        WORKFLOWS_TIME_EVENTS_INTERVAL=3600,
    )
    worker = CeleryProcess("worker", env, log_dir=tmp_path).wait_ready()
    yield worker
    worker.stop()
