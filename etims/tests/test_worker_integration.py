"""End to end with a real Celery worker and Redis: an invoice queued in its transaction reaches the
fake KRA server through the worker, also after an outage."""

import pytest
from django.db import transaction

from concierge.processes import wait_until
from etims.models import Transmission, TransmissionState
from etims.services import queue_transmission, transmission_send, transmissions_sweep

from .factories import invoice

pytestmark = pytest.mark.django_db(transaction=True)


def accepted(pk):
    return Transmission.objects.filter(pk=pk, state=TransmissionState.ACCEPTED).exists()


def test_the_worker_sends_a_committed_invoice_and_stores_the_receipt(celery_worker, etims_server):
    with transaction.atomic():
        row = queue_transmission(invoice(21))
    assert wait_until(lambda: accepted(row.pk), timeout=20)
    row.refresh_from_db()
    assert row.cur_rcpt_no == "1" and row.rcpt_sign and len(etims_server.sales) == 1


def test_a_rolled_back_invoice_sends_nothing(celery_worker, etims_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_transmission(invoice(22))
        raise RuntimeError("the invoice's transaction failed")
    with transaction.atomic():
        row = queue_transmission(invoice(23))
    assert wait_until(lambda: accepted(row.pk), timeout=20)
    assert not Transmission.objects.filter(number=22).exists()
    assert [sale["trdInvcNo"] for sale in etims_server.sales] == ["INV-000023"]


def test_the_worker_retries_through_an_outage(celery_worker, etims_server):
    etims_server.refuse()
    with transaction.atomic():
        row = queue_transmission(invoice(24))
    assert wait_until(lambda: Transmission.objects.get(pk=row.pk).attempts >= 2, timeout=20)
    assert Transmission.objects.get(pk=row.pk).state in (TransmissionState.QUEUED, TransmissionState.SENDING)
    etims_server.resume()
    assert wait_until(lambda: accepted(row.pk), timeout=20)
    assert len(etims_server.sales) == 1


def test_a_worker_killed_while_kra_has_the_sale_leaves_it_uncertain_never_resent(
        celery_worker, etims_server, etims_settings):
    etims_server.hold_next = True  # KRA records the sale, then holds its answer
    with transaction.atomic():
        row = queue_transmission(invoice(25))
    assert etims_server.held.wait(20)
    celery_worker.kill()  # SIGKILL inside the request: the OOM killer, a pulled plug
    etims_server.release()
    assert Transmission.objects.get(pk=row.pk).state == TransmissionState.SENDING  # the claim was committed

    etims_settings.ETIMS_CLAIM_TIMEOUT_SECONDS = 0
    assert transmissions_sweep()["abandoned"] == 1
    row.refresh_from_db()
    assert row.state == TransmissionState.UNCERTAIN and "worker was lost" in row.last_error
    assert transmission_send(transmission_id=row.pk).state == "skipped"
    assert len(etims_server.sale_requests()) == 1
