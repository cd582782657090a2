import pytest

from webhooks.services import endpoint_create
from webhooks.tests.receiver import Receiver


@pytest.fixture
def receiver():
    with Receiver() as server:
        try:
            yield server
        finally:
            server.release.set()  # a hung request lets go before the server shuts down


@pytest.fixture
def endpoint_for(db):
    """endpoint_for(receiver, events) → an active endpoint pointed at the receiver, which learns its secret
    (as a manager would copy it from the endpoint's page)."""

    def make(receiver, events=("service_status_changed",), **fields):
        endpoint = endpoint_create(name=fields.pop("name", "Accounting"), url=receiver.url, events=list(events))
        receiver.secret = endpoint.secret
        return endpoint

    return make


# The real worker, beat and Redis of the notifications tests (a Redis of the test's own, Celery on the
# test database), for the tests that run deliveries end to end.
from notifications.tests.conftest import redis_server, sms_provider, start_celery, worker_env  # noqa: E402,F401
