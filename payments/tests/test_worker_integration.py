"""End to end with a real Celery worker and Redis: a request queued in the staff member's transaction
is pushed by the worker to the fake Daraja, once; a rolled-back one is never pushed; a worker killed
while Daraja holds the push leaves it uncertain, never pushed again, and its callback settles it."""

import json
from urllib.parse import urlsplit

import pytest
from django.db import transaction

from concierge.processes import CeleryProcess, process_env, wait_until
from etims.tests.conftest import broker  # noqa: F401  (a Redis of the test's own as the broker)
from payments.models import MpesaRequest, Payment, RequestState
from payments.services.mpesa import mpesa_request_create, mpesa_request_send, mpesa_sweep, stk_callback_url

from .conftest import SECRET
from .scenarios import an_invoice

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def celery_worker(transactional_db, broker, mpesa_settings, daraja_server, tmp_path):  # noqa: F811
    env = process_env(
        redis_url=broker.url, CONN_MAX_AGE=0, MPESA_BASE_URL=daraja_server.base_url,
        MPESA_CONSUMER_KEY=daraja_server.consumer_key, MPESA_CONSUMER_SECRET=daraja_server.consumer_secret,
        MPESA_SHORTCODE=daraja_server.shortcode, MPESA_PASSKEY=daraja_server.passkey,
        MPESA_CALLBACK_BASE_URL="http://testserver", MPESA_CALLBACK_SECRET=SECRET, MPESA_TIMEOUT=5,
        WORKFLOWS_TIME_EVENTS_INTERVAL=3600,
    )
    worker = CeleryProcess("worker", env, log_dir=tmp_path).wait_ready()
    yield worker
    worker.stop()


def _state(pk):
    return MpesaRequest.objects.get(pk=pk).state


def test_the_worker_pushes_a_committed_request_once_and_never_a_rolled_back_one(celery_worker, daraja_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        mpesa_request_create(invoice=an_invoice(), phone="0712345678", by=None)
        raise RuntimeError("the staff member's transaction failed")
    invoice = an_invoice(price="1500.00")
    with transaction.atomic():
        row = mpesa_request_create(invoice=invoice, phone="0712345678", by=None)
    assert wait_until(lambda: _state(row.pk) == RequestState.PENDING, timeout=20)
    assert [push["AccountReference"] for push, _ in daraja_server.pushes] == [invoice.display_number]
    assert mpesa_request_send(request_id=row.pk) == "skipped"  # a repeated task pushes nothing
    assert len(daraja_server.pushes) == 1


def test_a_worker_killed_mid_push_leaves_it_uncertain_and_its_callback_settles_it(
        celery_worker, daraja_server, mpesa_settings, client):
    daraja_server.hold_next = True  # Daraja takes the push (the phone rings), then holds its answer
    with transaction.atomic():
        row = mpesa_request_create(invoice=an_invoice(price="800.00"), phone="0712345678", by=None)
    assert daraja_server.held.wait(20)
    celery_worker.kill()
    daraja_server.release()
    assert _state(row.pk) == RequestState.SENDING  # the claim was committed before the push

    mpesa_settings.MPESA_QUERY_AFTER_SECONDS = 0
    assert mpesa_sweep()["uncertain"] == 1
    assert mpesa_request_send(request_id=row.pk) == "skipped"
    assert len(daraja_server.pushes) == 1

    (checkout,) = daraja_server.checkout_ids
    body = daraja_server.answer(checkout, 0, receipt="SKLKILLED1")
    client.post(urlsplit(stk_callback_url(request_id=row.pk)).path, data=json.dumps(body),
                content_type="application/json")
    assert _state(row.pk) == RequestState.PAID
    assert Payment.objects.get().reference == "SKLKILLED1"
